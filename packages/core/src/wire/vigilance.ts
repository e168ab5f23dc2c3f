import { z } from "zod";
import { DecisionVerdict } from "../lifecycle/statuses.ts";
import { LIMITS, Timestamp } from "./common.ts";

/**
 * Reviewer vigilance (SPEC §5): the wire shapes of `GET /v1/vigilance`, of what the reviewer app reports
 * while a packet is open (`POST /v1/reviews/:id/activity`) and of a blind review's first judgement
 * (`POST /v1/reviews/:id/judgement`).
 */

/** Query of `GET /v1/vigilance`: a window (default the last 30 days) and optionally one reviewer. */
export const VigilanceQuery = z.strictObject({
  from: Timestamp.optional().describe("start of the window (inclusive); default: 30 days before `to`"),
  to: Timestamp.optional().describe("end of the window (exclusive); default: now"),
  reviewer: z.string().max(200).optional().describe("a person's id or name: only that reviewer"),
});
export type VigilanceQuery = z.infer<typeof VigilanceQuery>;

/** Where a reviewer's override rate stands against the healthy 5–20% band. */
export const OverrideBand = z
  .enum(["below", "healthy", "above"])
  .describe(
    "below 5%: possible rubber-stamping; 5–20%: healthy; above 20%: the agent or the reviewer needs a look",
  );
export type OverrideBand = z.infer<typeof OverrideBand>;

const count = z.number().int().min(0);
const share = z.number().min(0).max(1);

/** One reviewer's vigilance over the window. */
export const ReviewerVigilance = z.object({
  reviewer: z.object({ id: z.string(), name: z.string() }),
  decisions: count.describe("decisions on real proposals (canaries are counted under `canaries`)"),
  dwell: z.object({
    measured: count.describe("decisions whose packet the reviewer was seen opening (the rest have no dwell)"),
    p50Ms: z.number().nullable().describe("median time from first opening the packet to deciding"),
    p50MsPerKChar: z
      .number()
      .nullable()
      .describe("median dwell per 1,000 characters of packet (summary, payload, evidence, request)"),
    p50PacketChars: z.number().nullable(),
  }),
  approvals: count.describe("approvals unchanged (verdict approve)"),
  approvalsWithoutEvidence: count.describe(
    "approvals of a proposal with evidence that the reviewer never opened (API decisions without a read count too)",
  ),
  streak: z.object({
    longest: count.describe("longest run of consecutive approvals unchanged in the window"),
    current: count.describe("the run of approvals unchanged ending with the reviewer's latest decision"),
  }),
  overrideRate: share.describe("decisions other than approve-unchanged ÷ decisions"),
  band: OverrideBand,
  canaries: z.object({
    seen: count.describe("canaries the reviewer decided"),
    caught: count.describe("canaries the reviewer did not approve unchanged"),
    catchRate: share.nullable().describe("caught ÷ seen; null before any canary was decided"),
  }),
  blind: z.object({
    judged: count.describe("blind reviews where the reviewer recorded a first judgement and then decided"),
    changedMind: count.describe("…whose final verdict differs from the first judgement"),
    changedMindRate: share.nullable(),
  }),
});
export type ReviewerVigilance = z.infer<typeof ReviewerVigilance>;

/** The answer of `GET /v1/vigilance`. */
export const VigilanceReport = z.object({
  items: z.array(ReviewerVigilance),
  window: z.object({ from: Timestamp, to: Timestamp }),
  band: z.object({ low: share, high: share }).describe("the healthy override band"),
  canaries: z
    .array(
      z.object({
        proposalId: z.string(),
        name: z.string().describe("the canary's name in the policy"),
        reviewer: z.object({ id: z.string(), name: z.string() }),
        verdict: DecisionVerdict,
        caught: z.boolean(),
        at: Timestamp,
      }),
    )
    .describe("every canary decided in the window (owners and auditors only ever see this)"),
});
export type VigilanceReport = z.infer<typeof VigilanceReport>;

/** Body of `POST /v1/reviews/:id/activity`: what the reviewer app saw the reviewer do. */
export const ReviewActivityInput = z.strictObject({
  kind: z.enum(["opened", "evidence_opened"]).describe("the packet was opened, or its evidence shown"),
});
export type ReviewActivityInput = z.infer<typeof ReviewActivityInput>;

/** A reviewer's first judgement on a blind review, before the agent's recommendation is shown. */
export const JudgementInput = z.strictObject({
  verdict: DecisionVerdict,
  comment: z.string().max(LIMITS.text).optional(),
});
export type JudgementInput = z.infer<typeof JudgementInput>;

/** A recorded first judgement. */
export const Judgement = z.object({
  verdict: DecisionVerdict,
  comment: z.string().nullable(),
  at: Timestamp,
});
export type Judgement = z.infer<typeof Judgement>;

/** What the caller's reviewing of one review left on record (the answer of the two POSTs above). */
export const ReviewActivity = z.object({
  reviewId: z.string(),
  firstOpenedAt: Timestamp.nullable(),
  evidenceOpenedAt: Timestamp.nullable(),
  judgement: Judgement.nullable(),
});
export type ReviewActivity = z.infer<typeof ReviewActivity>;

/** On a proposal read by a person: whether its open review is blind and what is withheld until judged. */
export const BlindReviewState = z.object({
  reviewId: z.string(),
  judgementRequired: z.boolean().describe("true until the caller records a first judgement"),
  withheld: z
    .array(z.string())
    .describe("fields withheld until then, e.g. confidence, signals.agentConfidence, route.reasons"),
  judgement: Judgement.nullable(),
});
export type BlindReviewState = z.infer<typeof BlindReviewState>;
