import { z } from "zod";
import { ActionTypeName, JsonObject, LIMITS, Page, Timestamp } from "./common.ts";

/**
 * Wire shapes of execution (SPEC §6): the grant an agent executes under, the body a webhook executor
 * receives, stops, rollbacks and the reconciliation of an execution whose outcome needs a person.
 */

/**
 * A signed, single-use permission to execute one approved action (`execute: { via: agent }`). It is
 * bound to the SHA-256 of the exact approved payload (`payloadHash`, `sha256:<hex>` of its canonical
 * JSON) and signed with Loopgate's Ed25519 key `keyId`; verify it with `verifyGrant` from
 * `@loopgate/sdk` and the public key served at `GET /v1/keys/grants`.
 */
export const Grant = z.object({
  id: z.string().min(1).max(200),
  proposalId: z.string().min(1).max(200),
  actionType: ActionTypeName,
  payloadHash: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  issuedAt: Timestamp,
  expiresAt: Timestamp,
  keyId: z.string().min(1).max(100),
  signature: z.string().min(1).max(200).describe("base64 Ed25519 signature over grantMessage(grant)"),
});
export type Grant = z.infer<typeof Grant>;

/** A public key that signs grants, as served by `GET /v1/keys/grants`. */
export const GrantKey = z.object({
  keyId: z.string(),
  algorithm: z.literal("Ed25519"),
  publicKey: z.string().describe("base64 of the 32-byte raw public key"),
});
export type GrantKey = z.infer<typeof GrantKey>;

/** Execution statuses of one execution row (the proposal's `execution.status` mirrors them). */
export const ExecutionRowStatus = z.enum([
  "queued",
  "executing",
  "executed",
  "failed",
  "unknown",
  "dead_lettered",
  "cancelled",
  "granted",
]);
export type ExecutionRowStatus = z.infer<typeof ExecutionRowStatus>;

/** The decision behind an execution, as a webhook executor receives it; null for an auto-approved action. */
export const ExecutionDecision = z.object({
  verdict: z.string(),
  by: z.object({ id: z.string(), name: z.string() }),
  at: Timestamp,
});
export type ExecutionDecision = z.infer<typeof ExecutionDecision>;

/**
 * The body Loopgate POSTs to a webhook executor. `type` is `action.execute`, or `action.rollback` for
 * a rollback (which then names the execution it undoes in `rollbackOf`).
 */
export const ExecutorRequestBody = z.object({
  type: z.enum(["action.execute", "action.rollback"]),
  proposalId: z.string(),
  action: z.object({ type: z.string(), payload: JsonObject }),
  decision: ExecutionDecision.nullable(),
  rollbackOf: z.string().optional().describe("rollback only: the webhook-id of the execution it undoes"),
});
export type ExecutorRequestBody = z.infer<typeof ExecutorRequestBody>;

/** Who a stop applies to. Both fields given: that agent's actions of that type; `all: true`: everything. */
export const StopScope = z
  .strictObject({
    agent: z.string().min(1).max(LIMITS.label).optional(),
    actionType: ActionTypeName.optional(),
    all: z.literal(true).optional(),
  })
  .superRefine((scope, ctx) => {
    if (scope.agent === undefined && scope.actionType === undefined && scope.all === undefined) {
      ctx.addIssue({
        code: "custom",
        message: "an empty scope stops nothing: name an agent, an action type, or set all: true",
      });
    }
    if (scope.all === true && (scope.agent !== undefined || scope.actionType !== undefined)) {
      ctx.addIssue({
        code: "custom",
        path: ["all"],
        message: "all: true already covers everything: drop agent and actionType",
      });
    }
  });
export type StopScope = z.infer<typeof StopScope>;

/** Body of `POST /v1/stops`. */
export const StopInput = z.strictObject({
  scope: StopScope,
  reason: z.string().trim().min(1, { error: "say why, for the audit log" }).max(LIMITS.text),
});
export type StopInput = z.infer<typeof StopInput>;

/** Body of `DELETE /v1/stops/:id` (optional): why automation may resume, kept in the audit entry. */
export const LiftStopInput = z.strictObject({
  reason: z.string().trim().min(1, { error: "say why, or leave reason out" }).max(LIMITS.text).optional(),
});
export type LiftStopInput = z.infer<typeof LiftStopInput>;

/**
 * Query of `GET /v1/stops`: `state=in_force` (the default) lists every stop in force, oldest first, in
 * one page; `state=lifted` lists the stops lifted, most recently lifted first, a page at a time.
 */
export const StopQuery = Page.extend({
  state: z.enum(["in_force", "lifted"]).default("in_force"),
});
export type StopQuery = z.infer<typeof StopQuery>;

/** A stop as the API returns it; `liftedAt`, `liftedBy` and `liftReason` are null while it is in force. */
export const StopView = z.object({
  id: z.string(),
  scope: z.object({
    agent: z.string().optional(),
    actionType: z.string().optional(),
    all: z.literal(true).optional(),
  }),
  reason: z.string(),
  createdBy: z.object({ id: z.string(), name: z.string() }),
  createdAt: Timestamp,
  liftedAt: Timestamp.nullable(),
  liftedBy: z.object({ id: z.string(), name: z.string() }).nullable(),
  liftReason: z.string().nullable().describe("why it was lifted, when the person lifting it said"),
  held: z
    .number()
    .int()
    .optional()
    .describe("on the stops in force: how many proposals in its scope are held now"),
  alreadyInForce: z
    .literal(true)
    .optional()
    .describe(
      "on POST /v1/stops answered 200: a stop with exactly this scope was already in force, and this is it, as it is (absent on a stop just made, 201)",
    ),
});
export type StopView = z.infer<typeof StopView>;

/** Body of `POST /v1/proposals/:id/rollback`. */
export const RollbackInput = z.strictObject({
  reason: z.string().max(LIMITS.text).optional(),
});
export type RollbackInput = z.infer<typeof RollbackInput>;

/** The verbs of a reconciliation review (an execution that ended `unknown` or `dead_lettered`). */
export const ReconcileVerdict = z.enum(["mark_executed", "mark_failed", "retry"]);
export type ReconcileVerdict = z.infer<typeof ReconcileVerdict>;

/** Body of `POST /v1/reviews/:id/decisions` on a reconciliation review. */
export const ReconcileInput = z.strictObject({
  verdict: ReconcileVerdict,
  comment: z.string().max(LIMITS.text).optional(),
  packetHash: z
    .string()
    .max(200)
    .optional()
    .describe("as on any decision: given and stale (the proposal changed since it was read), 409"),
});
export type ReconcileInput = z.infer<typeof ReconcileInput>;

/** One execution of a proposal (the action itself or a rollback), as shown on the proposal. */
export const ExecutionItem = z.object({
  id: z.string().describe("the webhook-id and Idempotency-Key of every attempt"),
  kind: z.enum(["execute", "rollback"]),
  via: z.enum(["webhook", "agent"]),
  status: ExecutionRowStatus,
  attempts: z.number().int(),
  nextAttemptAt: Timestamp.nullable(),
  lastError: z.string().nullable(),
  reconciliationReviewId: z.string().nullable(),
  rollbackOf: z.string().nullable(),
  updatedAt: Timestamp,
});
export type ExecutionItem = z.infer<typeof ExecutionItem>;

/** The answer to a reconciliation or a rollback: the execution as it now stands. */
export const ExecutionResult = z.object({
  proposalId: z.string(),
  executionStatus: z.string(),
  execution: ExecutionItem,
});
export type ExecutionResult = z.infer<typeof ExecutionResult>;
