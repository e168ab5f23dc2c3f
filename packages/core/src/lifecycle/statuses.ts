import { z } from "zod";

/** Where a proposal stands. Terminal statuses never change again. */
export const ProposalStatus = z.enum([
  "auto_approved",
  "pending_review",
  "escalated",
  "needs_info",
  "approved",
  "approved_with_edits",
  "rejected",
  "blocked",
  "expired",
  "handled_manually",
  "held",
  "cancelled",
]);
export type ProposalStatus = z.infer<typeof ProposalStatus>;

/** Statuses after which a proposal never changes route or decision again. */
export const TERMINAL_PROPOSAL_STATUSES: readonly ProposalStatus[] = Object.freeze([
  "auto_approved",
  "approved",
  "approved_with_edits",
  "rejected",
  "blocked",
  "expired",
  "handled_manually",
  "cancelled",
]);

/** Where the execution of a proposal's final action stands (a field separate from the status). */
export const ExecutionStatus = z.enum([
  "not_started",
  "executing",
  "executed",
  "failed",
  "unknown",
  "dead_lettered",
  "cancelled",
  "rolled_back",
]);
export type ExecutionStatus = z.infer<typeof ExecutionStatus>;

/**
 * Where a review (the human task) stands. `pending` and `escalated` are waiting for a decision
 * (`escalated` is a review at escalation level ≥ 1 or opened by an `escalate` route);
 * `decided`, `expired` and `cancelled` are closed.
 */
export const ReviewStatus = z.enum(["pending", "escalated", "decided", "expired", "cancelled"]);
export type ReviewStatus = z.infer<typeof ReviewStatus>;

/** The route verdicts a policy can give, most restrictive first; `held` is added while a stop is in force. */
export const RouteVerdict = z.enum(["block", "escalate", "needs_info", "review", "auto"]);
export type RouteVerdict = z.infer<typeof RouteVerdict>;

/** A reviewer's verdict on a review. */
export const DecisionVerdict = z.enum([
  "approve",
  "edit",
  "reject",
  "escalate",
  "request_info",
  "handle_manually",
]);
export type DecisionVerdict = z.infer<typeof DecisionVerdict>;

/**
 * The verdicts a review of an action that already ran accepts (the `post_review` stage, or the sampled
 * share of auto-routed proposals): the proposal stays `auto_approved`, so `approve` keeps what ran and
 * `reject` rolls it back; there is nothing left to escalate, ask about or take over by hand. The server
 * refuses the others with `verdict_not_after_execution`; the reviewer app offers only these.
 */
export const VERDICTS_AFTER_EXECUTION = Object.freeze([
  "approve",
  "reject",
] as const) satisfies readonly DecisionVerdict[];
export type VerdictAfterExecution = (typeof VERDICTS_AFTER_EXECUTION)[number];

/** Whether a review of an action that already ran accepts `verdict` (see {@link VERDICTS_AFTER_EXECUTION}). */
export function isVerdictAfterExecution(verdict: DecisionVerdict): verdict is VerdictAfterExecution {
  return (VERDICTS_AFTER_EXECUTION as readonly DecisionVerdict[]).includes(verdict);
}

/** What the on-expiry rule of a queue or action type does when a review's due time passes. */
export const OnExpiry = z.enum(["escalate", "reject", "expire", "approve"]);
export type OnExpiry = z.infer<typeof OnExpiry>;

/** Autonomy stages, from least to most autonomous (SPEC §5). */
export const AutonomyStage = z.enum(["observe", "review_all", "threshold", "post_review", "sample_only"]);
export type AutonomyStage = z.infer<typeof AutonomyStage>;
