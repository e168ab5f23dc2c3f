import { assertNever } from "./assert-never.ts";
import type { ReviewStatus } from "./statuses.ts";

/**
 * Something that happens to an open review:
 * - `decided`: a terminal decision was recorded (approve with all approvals, edit, reject, escalate,
 *   request_info, handle_manually); a partial N-of-M approval is not one and changes nothing here;
 * - `expired`: its due time passed and the on-expiry rule was applied (with `escalate`, the next level
 *   opens as a new review that starts `escalated`);
 * - `cancelled`: closed without a decision of its own — the proposal was withdrawn, or (a
 *   reconciliation review) its execution was settled on another review of the proposal;
 * - `escalated_onward`: the review itself moves up a level in place (new queue and due time), for a
 *   caller that keeps one review row across levels. The app instead closes the review (`decided` or
 *   `expired`) and opens the next level as a new review, so a late decision on the old one is refused.
 */
export type ReviewEvent = "decided" | "expired" | "cancelled" | "escalated_onward";

export type ReviewTransitionResult = { ok: true; to: ReviewStatus } | { ok: false; reason: string };

/** Every allowed review transition; `decided`, `expired` and `cancelled` are closed. */
export const REVIEW_TRANSITIONS: readonly Readonly<{
  from: ReviewStatus;
  event: ReviewEvent;
  to: ReviewStatus;
}>[] = Object.freeze(
  (["pending", "escalated"] as const)
    .flatMap((from) => [
      { from, event: "decided" as const, to: "decided" as const },
      { from, event: "expired" as const, to: "expired" as const },
      { from, event: "cancelled" as const, to: "cancelled" as const },
      { from, event: "escalated_onward" as const, to: "escalated" as const },
    ])
    .map((row) => Object.freeze(row)),
);

/**
 * Where a review goes when `event` happens in status `from`. Only an open review (pending or
 * escalated) changes; a closed one refuses everything, which is how a late decision is told apart.
 *
 * @example
 * ```ts
 * reviewTransition("pending", "escalated_onward"); // { ok: true, to: "escalated" }
 * reviewTransition("expired", "decided");          // { ok: false, reason: "…" }
 * ```
 */
export function reviewTransition(from: ReviewStatus, event: ReviewEvent): ReviewTransitionResult {
  switch (from) {
    case "pending":
    case "escalated": {
      const row = REVIEW_TRANSITIONS.find((r) => r.from === from && r.event === event);
      return row === undefined
        ? { ok: false, reason: `"${event}" is not a review event` }
        : { ok: true, to: row.to };
    }
    case "decided":
    case "expired":
    case "cancelled":
      return { ok: false, reason: `the review is ${from}, which is closed: "${event}" cannot apply` };
    default:
      return assertNever(from);
  }
}
