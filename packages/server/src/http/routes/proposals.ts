import { ErrorEnvelope, InfoInput, Proposal, ProposalInput, ResultInput } from "@loopgate/core";
import { z } from "zod";
import { AppError } from "../../app/app-error.ts";
import { cancelProposal } from "../../app/cancel.ts";
import { provideInfo } from "../../app/provide-info.ts";
import { getProposal, waitForDecision } from "../../app/read-proposal.ts";
import { reportResult } from "../../app/report-result.ts";
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
  routes.direct(
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
    async (req, principal) => {
      const { json, headers } = await submitProposal(
        req.deps,
        principal,
        () => req.json(),
        (name) => req.header(name),
      );
      return { status: 201, text: json, headers };
    },
  );

  routes.direct(
    {
      method: "get",
      path: "/v1/proposals/:id",
      summary: "A proposal with its route, reasons, status, reviews, decisions and execution",
      tag: "proposals",
      access: "authenticated",
      responses: { 200: { description: "The proposal", schema: Proposal }, ...errors },
    },
    async (req, principal) => ({
      status: 200,
      body: await getProposal(req.deps, principal, req.param("id")),
    }),
  );

  routes.direct(
    {
      method: "get",
      path: "/v1/proposals/:id/decision",
      summary: "Long-poll until the proposal reaches a terminal status or needs_info, or the wait ends",
      tag: "proposals",
      access: "authenticated",
      query: DecisionWaitQuery,
      responses: { 200: { description: "The proposal in its current state", schema: Proposal }, ...errors },
    },
    async (req, principal) => {
      const { deps } = req;
      const query = DecisionWaitQuery.safeParse(req.query());
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
      return {
        status: 200,
        body: await waitForDecision(deps, principal, req.param("id"), wait, req.signal),
      };
    },
  );

  routes.direct(
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
    async (req, principal) => ({
      status: 200,
      body: await provideInfo(req.deps, principal, req.param("id"), await req.json()),
    }),
  );

  routes.direct(
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
    async (req, principal) => ({
      status: 200,
      body: await cancelProposal(req.deps, principal, req.param("id")),
    }),
  );

  routes.direct(
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
        409: {
          description:
            "Not approved, already executed, or its execution by Loopgate awaits reconciliation by a person",
          schema: ErrorEnvelope,
        },
      },
    },
    async (req, principal) => ({
      status: 200,
      body: await reportResult(req.deps, principal, req.param("id"), await req.json()),
    }),
  );
}
