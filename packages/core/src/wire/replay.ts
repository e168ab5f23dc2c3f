import { z } from "zod";
import { DecisionVerdict, RouteVerdict } from "../lifecycle/statuses.ts";
import { ActionTypeName, JsonObject, Timestamp } from "./common.ts";

/** A candidate `thresholds.auto` per action type, e.g. `{ "support.reply": 0.85 }`. */
export const ReplayThresholds = z
  .record(ActionTypeName, z.number().min(0).max(2))
  .describe("thresholds.auto per action type; above 1 means never");
export type ReplayThresholds = z.infer<typeof ReplayThresholds>;

/** Body of `POST /v1/policy/replay`. */
export const ReplayRequest = z.strictObject({
  policy: z
    .string()
    .min(1)
    .max(1_000_000)
    .optional()
    .describe("the candidate policy as YAML text; omitted: the active policy (to try thresholds only)"),
  since: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .describe(
      "replay proposals created at or after this time: an ISO timestamp or a duration back from now, e.g. 30d",
    ),
  thresholds: ReplayThresholds.optional(),
});
export type ReplayRequest = z.infer<typeof ReplayRequest>;

const count = z.number().int().min(0);
const share = z.number().min(0).max(1);

/** A route as recorded or replayed: a policy verdict, or `held` where a stop held it. */
export const ReplayRoute = z.union([RouteVerdict, z.literal("held")]);
export type ReplayRoute = z.infer<typeof ReplayRoute>;

/** How many proposals moved from one route to another under the candidate. */
export const ReplayRouteChange = z.object({
  from: ReplayRoute.describe("the route recorded when the proposal was submitted"),
  to: ReplayRoute.describe("the route under the candidate"),
  count,
});
export type ReplayRouteChange = z.infer<typeof ReplayRouteChange>;

/** Proposals the candidate would run unattended that were not automated when recorded. */
export const ReplayNewlyAutomated = z.object({
  count,
  reviewed: count.describe("of them, with a reviewer's outcome (approve, edit, reject, handle manually)"),
  unknownOutcome: count.describe("of them, never decided by a person: their error is unknown"),
  estimatedErrorRate: share
    .nullable()
    .describe("mean of 1 − label over the reviewed ones (SPEC §5); null when none was reviewed"),
  errorUpperBound: share
    .nullable()
    .describe("Wilson 95% upper bound on that error rate; null when none was reviewed"),
});
export type ReplayNewlyAutomated = z.infer<typeof ReplayNewlyAutomated>;

/** The replay of one action type (or of all of them, in `totals`). */
export const ReplayActionReport = z.object({
  actionType: z.string().describe("the action type, or `*` for the totals"),
  declared: z.boolean().describe("the candidate declares it (an undeclared type is blocked)"),
  proposals: count,
  unchanged: count,
  routeChanges: z.array(ReplayRouteChange),
  automationRate: z.object({ before: share, after: share }),
  newlyAutomated: ReplayNewlyAutomated,
  noLongerAutomated: count.describe("recorded as auto, sent to a person (or blocked) by the candidate"),
});
export type ReplayActionReport = z.infer<typeof ReplayActionReport>;

/** The answer of `POST /v1/policy/replay` and of `loopgate policy replay --json`. */
export const ReplayReport = z.object({
  policyVersion: z
    .number()
    .int()
    .nullable()
    .describe("the stored version replayed, or null for a candidate text not yet loaded"),
  policyHash: z.string().describe("SHA-256 of the candidate's text, to tell reports apart"),
  since: Timestamp.nullable(),
  thresholds: ReplayThresholds,
  proposals: count,
  totals: ReplayActionReport,
  actionTypes: z.array(ReplayActionReport).describe("sorted by action type"),
});
export type ReplayReport = z.infer<typeof ReplayReport>;

/** One change between a proposed and a final payload, in the manner of JSON Patch (RFC 6902). */
export const PayloadChange = z.object({
  op: z.enum(["add", "remove", "replace"]),
  path: z.string().describe("JSON Pointer (RFC 6901) into the proposed payload"),
  value: z.unknown().optional().describe("the final value (absent for remove)"),
});
export type PayloadChange = z.infer<typeof PayloadChange>;

/** One line of `loopgate export feedback`: a decided review with what the agent proposed and what a person made of it. */
export const FeedbackLine = z.object({
  proposalId: z.string(),
  reviewId: z.string(),
  agent: z.string(),
  actionType: z.string(),
  proposedPayload: JsonObject,
  finalPayload: JsonObject.nullable().describe("the approved payload; null when refused or not approved"),
  diff: z.array(PayloadChange),
  verdict: DecisionVerdict,
  category: z.string().nullable(),
  comment: z.string().nullable(),
  label: z
    .number()
    .min(0)
    .max(1)
    .nullable()
    .describe("1 approved unchanged … 0 refused; null for escalate and request_info"),
  editDistance: z.number().min(0).max(1).nullable(),
  decidedAt: Timestamp,
  reviewerId: z.string(),
});
export type FeedbackLine = z.infer<typeof FeedbackLine>;
