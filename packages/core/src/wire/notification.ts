import { z } from "zod";
import { Page, Timestamp } from "./common.ts";

/**
 * The events a queue's `notify` channels can receive: review events, the proposals of its action
 * types that never reach a person — blocked by the policy, or held by a stop — and executions of its
 * action types given up on (`execution.dead_lettered`). `review.overdue`: a reconciliation review past its
 * due time with nowhere to escalate to, which stays open. `autonomy.demoted`: a circuit breaker withdrew
 * an agent's autonomy on one of the queue's action types.
 */
export const NotificationEventType = z.enum([
  "review.created",
  "review.escalated",
  "review.reminder",
  "review.decided",
  "review.expired",
  "review.overdue",
  "proposal.blocked",
  "proposal.held",
  "execution.dead_lettered",
  "autonomy.demoted",
]);
export type NotificationEventType = z.infer<typeof NotificationEventType>;

/**
 * The body of an outgoing event webhook (and what email and Slack messages are written from). Signed
 * like executor deliveries, Standard Webhooks style: `webhook-id` (stable across retries, equal to
 * `id`), `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`.
 */
export const NotificationEvent = z.object({
  id: z.string().describe("stable per event and channel; the same on every retry"),
  type: NotificationEventType,
  at: Timestamp,
  proposal: z
    .object({
      id: z.string(),
      agent: z.string(),
      actionType: z.string(),
      summary: z.string().nullable(),
      status: z.string(),
      reason: z.string().nullable().describe("for proposal events: the reason that blocked or held it"),
      url: z.string().describe("deep link to the proposal's audit trail in the reviewer app"),
    })
    .nullable()
    .describe("null for autonomy.demoted, which is about an agent, not one proposal"),
  review: z
    .object({
      id: z.string(),
      queue: z.string(),
      level: z.number().int(),
      status: z.string(),
      dueAt: Timestamp,
      url: z.string().describe("deep link to the review in the reviewer app"),
    })
    .nullable()
    .describe("null for proposal events"),
  decision: z
    .object({ verdict: z.string(), by: z.string(), category: z.string().nullable() })
    .nullable()
    .describe("for review.decided"),
  reminder: z
    .object({ beforeMs: z.number().int(), dueAt: Timestamp })
    .nullable()
    .describe("for review.reminder: how long before the due time it was sent"),
  expiry: z
    .object({ rule: z.string(), applied: z.string() })
    .nullable()
    .describe("for review.expired and review.overdue: the on-expiry rule and what was applied"),
  execution: z
    .object({
      id: z.string(),
      kind: z.enum(["execute", "rollback"]),
      attempts: z.number().int(),
      error: z.string().nullable(),
      statusCode: z.number().int().nullable(),
      reconciliationReviewId: z.string().nullable().describe("the review a person settles it on"),
    })
    .nullable()
    .optional()
    .describe("for execution.dead_lettered: the execution given up on"),
  autonomy: z
    .object({
      agent: z.string(),
      actionType: z.string(),
      from: z.string(),
      to: z.string(),
      reason: z.string(),
      breaker: z
        .string()
        .describe("the breaker that tripped: override, incident, rollback, executor_failure"),
      url: z.string().describe("deep link to the owner dashboard's autonomy section"),
    })
    .nullable()
    .optional()
    .describe("for autonomy.demoted: the demotion"),
});
export type NotificationEvent = z.infer<typeof NotificationEvent>;

/** Where a delivery stands in the outbox. */
export const NotificationStatus = z.enum(["pending", "sending", "sent", "failed"]);
export type NotificationStatus = z.infer<typeof NotificationStatus>;

/** One delivery of an event to a channel, as `GET /v1/notifications` lists it (never a secret). */
export const NotificationDelivery = z.object({
  id: z.string().describe("the webhook-id of the delivery, the same on every attempt"),
  event: NotificationEventType,
  channel: z.enum(["webhook", "email", "slack"]),
  target: z.string().describe("the webhook's URL, the email addresses, or `slack` (its URL is a secret)"),
  proposalId: z.string().nullable().describe("null for autonomy.demoted"),
  reviewId: z.string().nullable().describe("null for proposal events"),
  status: NotificationStatus,
  attempts: z.number().int(),
  nextAttemptAt: Timestamp.nullable().describe("when the next attempt is due, while pending or sending"),
  lastError: z.string().nullable(),
  createdAt: Timestamp,
  sentAt: Timestamp.nullable(),
});
export type NotificationDelivery = z.infer<typeof NotificationDelivery>;

/** Query of `GET /v1/notifications`. */
export const NotificationQuery = Page.extend({
  status: NotificationStatus.optional(),
  reviewId: z.string().max(100).optional(),
});
export type NotificationQuery = z.infer<typeof NotificationQuery>;
