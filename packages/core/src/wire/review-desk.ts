import { z } from "zod";
import { DecisionVerdict, ExecutionStatus, ProposalStatus } from "../lifecycle/statuses.ts";
import { ActionTypeName, LIMITS, Page, Timestamp } from "./common.ts";

/**
 * Query of `GET /v1/proposals`, two lists in one: `entity=…`, an entity's recent proposals (the
 * entity is `context.entity`), newest first; or `status=held`, the proposals stops hold, oldest first,
 * optionally of one `agent` and/or `actionType` — a stop's scope. Exactly one of the two is given.
 * Strict, as the audit query is: a filter it does not know (`agentId=…`) is refused, never ignored —
 * the unfiltered list would read as the filtered one.
 */
export const ProposalListQuery = z
  .strictObject({
    ...Page.shape,
    entity: z
      .string()
      .min(1)
      .max(LIMITS.label)
      .optional()
      .describe("the `context.entity` of the proposals, e.g. customer:c_123"),
    status: z
      .literal("held", {
        error:
          "only held proposals are listed this way: status=held (an entity's proposals of every status: entity=…)",
      })
      .optional()
      .describe("`held`: the proposals stops hold, oldest first"),
    agent: z.string().min(1).max(LIMITS.label).optional().describe("with status=held: only this agent's"),
    actionType: ActionTypeName.optional().describe("with status=held: only this action type's"),
  })
  .superRefine((query, ctx) => {
    if (query.entity !== undefined && query.status !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["status"],
        message: "give entity=… or status=held, not both: they are two lists",
      });
    }
    if (query.entity === undefined && query.status === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["entity"],
        message: "is required, or status=held for the proposals stops hold",
      });
    }
    if (query.status === undefined) {
      for (const field of ["agent", "actionType"] as const) {
        if (query[field] !== undefined)
          ctx.addIssue({
            code: "custom",
            path: [field],
            message: "filters the held list only: add status=held",
          });
      }
    }
  });
export type ProposalListQuery = z.infer<typeof ProposalListQuery>;

/** One proposal in a list of `GET /v1/proposals` (an entity's history, the held list): where it stands. */
export const ProposalHistoryItem = z.object({
  id: z.string(),
  status: ProposalStatus,
  executionStatus: ExecutionStatus,
  actionType: z.string(),
  agent: z.string(),
  summary: z.string().nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type ProposalHistoryItem = z.infer<typeof ProposalHistoryItem>;

/** Query of `GET /v1/proposals/:id/similar`: how many past cases at most. */
export const SimilarCasesQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(10).default(3),
});
export type SimilarCasesQuery = z.infer<typeof SimilarCasesQuery>;

/**
 * A past proposal of the same agent and action type that people decided, alike to the one under
 * review: what was asked, what was decided, by whom and why. Text is masked for people without the
 * PII permission.
 */
export const SimilarCase = z.object({
  id: z.string(),
  similarity: z.number().min(0).max(1).describe("1 for the same words, 0 for none shared"),
  status: ProposalStatus,
  summary: z.string().nullable(),
  request: z.string().nullable().describe("the start of the original request's text"),
  createdAt: Timestamp,
  decision: z
    .object({
      verdict: DecisionVerdict,
      by: z.object({ id: z.string(), name: z.string() }),
      at: Timestamp,
      category: z.string().nullable(),
      comment: z.string().nullable(),
    })
    .nullable()
    .describe("the decision that closed it"),
});
export type SimilarCase = z.infer<typeof SimilarCase>;

/** `GET /v1/audit/verification`: the whole chain checked on the server, from the genesis to the head. */
export const AuditChainStatus = z.object({
  ok: z.boolean(),
  count: z.number().int().describe("entries checked"),
  head: z.object({ seq: z.number().int(), hash: z.string() }).nullable(),
  problem: z
    .object({ seq: z.number().int().nullable(), reason: z.string() })
    .nullable()
    .describe("the first bad entry, when the chain does not verify"),
  checkedAt: Timestamp,
});
export type AuditChainStatus = z.infer<typeof AuditChainStatus>;

/** `GET /v1/reviews/summary`: the caller's queues with their open reviews. */
export const QueueSummary = z.object({
  queue: z.string(),
  open: z.number().int().describe("pending and escalated reviews"),
  oldestAt: Timestamp.describe("when the oldest open review was opened"),
  nextDueAt: Timestamp.describe("the earliest due time among them"),
  capacity: z.number().int().nullable().describe("the queue's capacity in the active policy; null for none"),
  overloaded: z.boolean().describe("more open reviews than its capacity"),
});
export type QueueSummary = z.infer<typeof QueueSummary>;
