import { z } from "zod";
import { DecisionVerdict, ReviewStatus } from "../lifecycle/statuses.ts";
import { ActionTypeName, JsonObject, LIMITS, Page, SnakeCase, Timestamp } from "./common.ts";
import { Proposal } from "./proposal.ts";

/**
 * What a reconciliation review is for: an execution that ended `unknown` or `dead_lettered` (SPEC §3),
 * which a person settles with `mark_executed`, `mark_failed` or `retry`. Fixed when the review opens
 * (and kept by the review an escalation opens after it), so a list tells such a review from an
 * ordinary one without reading the execution — and without trusting any text an agent wrote.
 *
 * @example
 * ```ts
 * const toReconcile = page.items.filter((item) => item.reconciliation !== null);
 * ```
 */
export const ReviewReconciliation = z.object({
  executionId: z.string().describe("the execution to settle (its webhook-id)"),
  kind: z.enum(["execute", "rollback"]).describe("the action itself, or its rollback"),
  outcome: z
    .enum(["unknown", "dead_lettered"])
    .describe("why it needs a person: no clear answer from the executor, or delivery given up"),
});
export type ReviewReconciliation = z.infer<typeof ReviewReconciliation>;

/** A review as listed by `GET /v1/reviews`. */
export const ReviewItem = z.object({
  id: z.string(),
  proposalId: z.string(),
  queue: z.string(),
  status: ReviewStatus,
  level: z.number().int(),
  priority: z.number().int(),
  dueAt: z.string(),
  approvalsRequired: z.number().int(),
  approvalsGiven: z.number().int(),
  approvers: z.array(z.object({ id: z.string(), name: z.string(), at: z.string() })),
  claim: z.object({ by: z.object({ id: z.string(), name: z.string() }), expiresAt: z.string() }).nullable(),
  actionType: z.string(),
  agent: z.string(),
  summary: z.string().nullable(),
  policyVersion: z.number().int(),
  createdAt: z.string(),
  reconciliation: ReviewReconciliation.nullable().describe(
    "set on a reconciliation review (decide it with mark_executed, mark_failed or retry); null on a review of a proposal",
  ),
});
export type ReviewItem = z.infer<typeof ReviewItem>;

/**
 * A review in the caller's queue (`GET /v1/reviews`): the review, and whether the caller already
 * approved it — an open N-of-M review they approved waits for someone else, and they can neither
 * claim nor approve it again.
 *
 * @example
 * ```ts
 * const waiting = page.items.filter((item) => !item.approvedByCaller);
 * ```
 */
export const ReviewListItem = ReviewItem.extend({
  approvedByCaller: z
    .boolean()
    .describe("true when the caller is among `approvers`; on an open review: it waits for another approver"),
});
export type ReviewListItem = z.infer<typeof ReviewListItem>;

/** Query of `GET /v1/reviews`. Without `status`, the reviews still waiting (pending and escalated). */
export const ReviewQuery = Page.extend({
  queue: z.string().max(100).optional(),
  status: ReviewStatus.optional(),
  actionType: ActionTypeName.optional(),
  agent: z.string().max(200).optional(),
});
export type ReviewQuery = z.infer<typeof ReviewQuery>;

/** Body of `POST /v1/reviews/:id/claim`. */
export const ClaimInput = z.strictObject({
  leaseSeconds: z.number().int().min(10).max(3600).default(300),
});
export type ClaimInput = z.infer<typeof ClaimInput>;

/**
 * Body of `POST /v1/reviews/claim-next`: take the next review waiting in the caller's queues (or in
 * `queue`), in queue order, skipping reviews someone else holds and reviews the caller already
 * approved.
 *
 * @example
 * ```ts
 * ClaimNextInput.parse({ queue: "support", leaseSeconds: 120 });
 * ```
 */
export const ClaimNextInput = z.strictObject({
  queue: z.string().min(1).max(100).optional(),
  leaseSeconds: z.number().int().min(10).max(3600).default(300),
});
export type ClaimNextInput = z.infer<typeof ClaimNextInput>;

/**
 * Answer of `POST /v1/reviews/claim-next`: the review now claimed by the caller and its packet as
 * `GET /v1/proposals/:id` shows it to them; both null when nothing is waiting that they can take.
 */
export const ClaimNextResult = z.object({
  review: ReviewItem.nullable(),
  proposal: Proposal.nullable(),
});
export type ClaimNextResult = z.infer<typeof ClaimNextResult>;

/**
 * Body of `POST /v1/reviews/:id/decisions`.
 *
 * `edit` carries the edited `payload` (or a JSON Merge Patch in `patch` for reviewers who see masked
 * PII); `packetHash` is the hash of the packet the reviewer saw, refused with 409 when stale.
 *
 * @example
 * ```ts
 * DecisionInput.parse({ verdict: "reject", category: "wrong_amount", comment: "Only one charge was duplicated" });
 * ```
 */
const VERDICT_LIST = DecisionVerdict.options.map((v) => JSON.stringify(v)).join(", ");

/** A decision's verdict, whose refusal also names the verbs of a reconciliation review. */
const Verdict = z.enum(DecisionVerdict.options, {
  error: (issue) =>
    `${issue.input === undefined ? "is required: one" : "must be one"} of ${VERDICT_LIST} (a reconciliation review takes "mark_executed", "mark_failed" or "retry")`,
});

export const DecisionInput = z
  .strictObject({
    verdict: Verdict,
    payload: JsonObject.optional(),
    patch: JsonObject.optional(),
    category: SnakeCase.optional(),
    comment: z.string().max(LIMITS.text).optional(),
    packetHash: z.string().max(200).optional(),
  })
  .superRefine((d, ctx) => {
    if (d.verdict === "edit" && d.payload === undefined && d.patch === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["payload"],
        message: "an edit needs the edited payload (or a patch of the changed fields)",
      });
    }
    if (d.verdict !== "edit") {
      for (const field of ["payload", "patch"] as const) {
        if (d[field] === undefined) continue;
        ctx.addIssue({
          code: "custom",
          path: [field],
          message: `only an edit carries a ${field}; use verdict "edit" to change the action, or leave ${field} out`,
        });
      }
    }
    if (d.payload !== undefined && d.patch !== undefined) {
      ctx.addIssue({ code: "custom", path: ["patch"], message: "send either payload or patch, not both" });
    }
  });
export type DecisionInput = z.infer<typeof DecisionInput>;

/** The answer to a decision: the decision recorded and where the proposal now stands. */
export const DecisionResult = z.object({
  decision: z.object({
    id: z.string(),
    reviewId: z.string(),
    proposalId: z.string(),
    verdict: DecisionVerdict,
    by: z.object({ id: z.string(), name: z.string() }),
    at: Timestamp,
    category: z.string().nullable(),
    comment: z.string().nullable(),
    packetHash: z.string().nullable(),
    payload: JsonObject.nullable(),
  }),
  proposalStatus: z.string(),
  reviewStatus: ReviewStatus,
  approvalsGiven: z.number().int(),
  approvalsRequired: z.number().int(),
});
export type DecisionResult = z.infer<typeof DecisionResult>;
