import {
  AuditChainStatus,
  ErrorEnvelope,
  listOf,
  ProposalHistoryItem,
  ProposalListQuery,
  QueueSummary,
  SimilarCase,
  SimilarCasesQuery,
} from "@loopgate/core";
import { z } from "zod";
import { listProposals, queueSummary, verifyStoredChain } from "../../app/review-desk.ts";
import { similarCases } from "../../app/similar-cases.ts";
import type { RouteTable } from "../route-table.ts";

const errors = {
  400: { description: "Invalid query, with field paths", schema: ErrorEnvelope },
  401: { description: "Not signed in and no key", schema: ErrorEnvelope },
  403: { description: "The role may not read this", schema: ErrorEnvelope },
};

/**
 * Reads the reviewer app needs beyond the core API: an entity's history, the held proposals and the
 * chain's status.
 */
export function reviewDeskRoutes(routes: RouteTable): void {
  routes.add(
    {
      method: "get",
      path: "/v1/proposals",
      summary:
        "An entity's recent proposals, newest first (entity=…), or the proposals stops hold, oldest first (status=held, optionally of an agent and/or action type); people only, PII masked without the permission",
      tag: "proposals",
      access: "authenticated",
      query: ProposalListQuery,
      responses: {
        200: { description: "A page of proposals", schema: listOf(ProposalHistoryItem) },
        ...errors,
        404: {
          description:
            "`unknown_action_type`: status=held of an action type the policy does not define and nothing of it held; `details.actionTypes` lists the policy's",
          schema: ErrorEnvelope,
        },
      },
    },
    async (c, principal) => c.json(await listProposals(c.var.deps, principal!, c.req.query())),
  );
  routes.add(
    {
      method: "get",
      path: "/v1/proposals/:id/similar",
      summary:
        "Past proposals of the same agent and action type that people decided, most alike first, with the decision that closed each (people only; PII masked without the permission)",
      tag: "proposals",
      access: "authenticated",
      query: SimilarCasesQuery,
      responses: {
        200: { description: "Similar past cases", schema: z.object({ items: z.array(SimilarCase) }) },
        404: { description: "No such proposal", schema: ErrorEnvelope },
        ...errors,
      },
    },
    async (c, principal) =>
      c.json(await similarCases(c.var.deps, principal!, c.req.param("id")!, c.req.query())),
  );
  routes.add(
    {
      method: "get",
      path: "/v1/reviews/summary",
      summary: "The caller's queues with their open reviews: count, oldest, next due",
      tag: "reviews",
      access: "authenticated",
      responses: { 200: { description: "Queues", schema: listOf(QueueSummary) }, ...errors },
    },
    async (c, principal) => c.json(await queueSummary(c.var.deps, principal!)),
  );
  routes.add(
    {
      method: "get",
      path: "/v1/audit/verification",
      summary: "Verify the stored audit chain from the genesis to the head (owners and auditors)",
      tag: "audit",
      access: "authenticated",
      responses: { 200: { description: "The chain's status", schema: AuditChainStatus }, ...errors },
    },
    async (c, principal) => c.json(await verifyStoredChain(c.var.deps, principal!)),
  );
}
