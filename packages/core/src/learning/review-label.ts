import { assertNever } from "../lifecycle/assert-never.ts";
import type { DecisionVerdict } from "../lifecycle/statuses.ts";
import { payloadEditDistance } from "./payload-edit-distance.ts";

/** What a label is computed from: the verdict that closed the review and the two payloads. */
export interface ReviewOutcome {
  /** The verdict of the decision that closed the review. */
  verdict: DecisionVerdict;
  /** The payload the agent proposed (the revision that was reviewed). */
  proposedPayload: unknown;
  /** The payload that was approved: the proposed one, or the reviewer's edit. Ignored unless approved. */
  finalPayload: unknown;
}

/** A label with the edit distance it came from, kept for feedback export and audits of the learning loop. */
export interface ReviewLabel {
  /** 1 = approved unchanged, 0 = rejected or handled manually, in between = edited. */
  label: number;
  /** Normalised edit distance between proposed and final payload (0 unless edited, 1 when refused). */
  editDistance: number;
}

/**
 * The evidence a reviewed proposal gives about its agent (SPEC §5): approved unchanged = 1; rejected or
 * handled manually = 0; edited = 1 − the normalised edit distance between the proposed and the final
 * payload ({@link payloadEditDistance}). An approval whose final payload differs (an edit earlier in a
 * multi-approval review) counts as the edit it is.
 *
 * Escalations and requests for information are steps, not outcomes, and an expiry says nothing about
 * the proposal: they give `null`, and such proposals stay out of calibration.
 *
 * @example
 * ```ts
 * reviewLabel({ verdict: "edit", proposedPayload: { amount: 42.5, currency: "EUR" }, finalPayload: { amount: 40, currency: "EUR" } });
 * // { label: 0.5, editDistance: 0.5 }
 * ```
 */
export function reviewLabel(outcome: ReviewOutcome): ReviewLabel | null {
  switch (outcome.verdict) {
    case "approve":
    case "edit": {
      const editDistance = payloadEditDistance(outcome.proposedPayload, outcome.finalPayload);
      return { label: 1 - editDistance, editDistance };
    }
    case "reject":
    case "handle_manually":
      return { label: 0, editDistance: 1 };
    case "escalate":
    case "request_info":
      return null;
    default:
      return assertNever(outcome.verdict);
  }
}
