import { ErrorEnvelope, InfoInput, Proposal, ProposalInput, ResultInput } from "@loopgate/core";
import { z } from "zod";
import { AppError } from "../../app/app-error.ts";
import { cancelProposal } from "../../app/cancel.ts";
import { provideInfo } from "../../app/provide-info.ts";
import { getProposal, waitForDecision } from "../../app/read-proposal.ts";
import { reportResult } from "../../app/report-result.ts";
import { readJson } from "../read-json.ts";
import type { RouteTable } from "../route-table.ts";
import { submitProposal } from "../submit-proposal.ts";

const errors = {
  400: {
    description: "Invalid input: `details.issues` names each field and what to do",
    schema: ErrorEnvelope,
  },
  401: { description: "Missing or unknown API key", schema: ErrorEnvelope },
  403: { description: "The key may not do this", schema: ErrorEnvelope },
  404: { description: "No such proposal (or not this agent's)", schema: ErrorEnvelope },
};

export const DecisionWaitQuery = z.object({
  wait: z.coerce
    .number()
    .min(0)
    .max(60)
    .default(0)
    .describe("seconds to wait for a terminal status or needs_info"),
});

export function proposalRoutes(routes: RouteTable): void {
  routes.add(
    {
      method: "post",
      path: "/v1/proposals",
      summary: "Submit a proposal; it is validated, routed by the policy and, if needed, queued for review",
      tag: "proposals",
      access: "authenticated",
      body: ProposalInput,
      headers: [
        {
          name: "Idempotency-Key",
          description:
            "optional, scoped to the agent: a replay returns the original response; the same key with a different body is 422",
        },
      ],
      responses: {
        201: {
          description: "Created (or the original response again on an idempotent replay)",
          schema: Proposal,
        },
        ...errors,
        413: { description: "Body too large", schema: ErrorEnvelope },
        422: { description: "Idempotency-Key reused with a different body", schema: ErrorEnvelope },
      },
    },
    async (c, principal) => {
      // The same as the hot path in fast-propose.ts, which serves agents' key-authenticated requests.
      const { json, headers } = await submitProposal(
        c.var.deps,
        principal!,
        () => readJson(c),
        (name) => c.req.header(name),
      );
      return c.body(json, 201, headers);
    },
  );

  routes.add(
    {
      method: "get",
      path: "/v1/proposals/:id",
      summary: "A proposal with its route, reasons, status, reviews, decisions and execution",
      tag: "proposals",
      access: "authenticated",
      responses: { 200: { description: "The proposal", schema: Proposal }, ...errors },
    },
    async (c, principal) => c.json(await getProposal(c.var.deps, principal!, c.req.param("id")!)),
  );

  routes.add(
    {
      method: "get",
      path: "/v1/proposals/:id/decision",
      summary: "Long-poll until the proposal reaches a terminal status or needs_info, or the wait ends",
      tag: "proposals",
      access: "authenticated",
      query: DecisionWaitQuery,
      responses: { 200: { description: "The proposal in its current state", schema: Proposal }, ...errors },
    },
    async (c, principal) => {
      const deps = c.var.deps;
      const query = DecisionWaitQuery.safeParse(c.req.query());
      if (!query.success) {
        throw new AppError(
          "invalid_input",
          "invalid_query",
          "wait must be a number of seconds between 0 and 60",
          {
            issues: [{ path: "query.wait", message: "a number of seconds between 0 and 60" }],
          },
        );
      }
      const wait = Math.min(query.data.wait, deps.config.maxWaitSeconds);
      return c.json(await waitForDecision(deps, principal!, c.req.param("id")!, wait, c.req.raw.signal));
    },
  );

  routes.add(
    {
      method: "post",
      path: "/v1/proposals/:id/info",
      summary: "The agent answers a request for information: a new revision, routed again",
      tag: "proposals",
      access: "authenticated",
      body: InfoInput,
      responses: {
        200: { description: "The proposal after re-routing", schema: Proposal },
        ...errors,
        409: { description: "The proposal is not waiting for information", schema: ErrorEnvelope },
      },
    },
    async (c, principal) =>
      c.json(await provideInfo(c.var.deps, principal!, c.req.param("id")!, await readJson(c))),
  );

  routes.add(
    {
      method: "post",
      path: "/v1/proposals/:id/cancel",
      summary: "The agent withdraws a proposal still waiting",
      tag: "proposals",
      access: "authenticated",
      responses: {
        200: { description: "The cancelled proposal", schema: Proposal },
        ...errors,
        409: { description: "Already decided or otherwise final", schema: ErrorEnvelope },
      },
    },
    async (c, principal) => c.json(await cancelProposal(c.var.deps, principal!, c.req.param("id")!)),
  );

  routes.add(
    {
      method: "post",
      path: "/v1/proposals/:id/result",
      summary: "The agent reports the result of an approved action it executed",
      tag: "proposals",
      access: "authenticated",
      body: ResultInput,
      responses: {
        200: { description: "The proposal with its execution", schema: Proposal },
        ...errors,
        409: { description: "Not approved, or already executed", schema: ErrorEnvelope },
      },
    },
    async (c, principal) =>
      c.json(await reportResult(c.var.deps, principal!, c.req.param("id")!, await readJson(c))),
  );
}
