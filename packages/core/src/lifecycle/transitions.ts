import { assertNever } from "./assert-never.ts";
import type { OnExpiry, ProposalStatus, RouteVerdict } from "./statuses.ts";

export { assertNever } from "./assert-never.ts";
export {
  REVIEW_TRANSITIONS,
  type ReviewEvent,
  type ReviewTransitionResult,
  reviewTransition,
} from "./review-transitions.ts";

/** Something that happens to a proposal; the app applies one per change, inside the store transaction. */
export type ProposalEvent =
  | { kind: "routed"; verdict: RouteVerdict | "held" }
  /** `complete`: the review's required approvals are reached with this one. */
  | { kind: "approved"; edited: boolean; complete: boolean }
  | { kind: "rejected" }
  | { kind: "escalated" }
  | { kind: "info_requested" }
  | { kind: "handled_manually" }
  /** The agent answered a request for information; a `routed` event for the new revision follows. */
  | { kind: "info_provided" }
  /** The open review's due time passed and its on-expiry rule applies. */
  | { kind: "expired"; rule: OnExpiry }
  /** The agent did not answer a request for information in time. */
  | { kind: "info_expired" }
  | { kind: "cancelled" }
  | { kind: "held" }
  /** The stop holding the proposal was lifted; a `routed` event follows. */
  | { kind: "released" };

/** Where a transition leads, or why it is not allowed (an expected outcome, so a value, not a throw). */
export type TransitionResult = { ok: true; to: ProposalStatus } | { ok: false; reason: string };

/** A condition on the event's data that selects one row among those with the same `from` and event. */
export type ProposalGuard =
  | `verdict:${RouteVerdict | "held"}`
  | "approval:incomplete"
  | "approval:unchanged"
  | "approval:edited"
  | `on_expiry:${OnExpiry}`;

/** One allowed transition. */
export interface ProposalTransition {
  from: ProposalStatus | "new";
  event: ProposalEvent["kind"];
  to: ProposalStatus;
  guard?: ProposalGuard;
}

const VERDICTS = ["auto", "review", "escalate", "needs_info", "block", "held"] as const;
const WAITING_FOR_REVIEW = ["pending_review", "escalated"] as const;
const EXPIRY_RULES = ["escalate", "reject", "expire", "approve"] as const;

/**
 * Every allowed proposal transition (SPEC §3). `new` is a proposal not yet stored. `held` and
 * `needs_info` are routed again — after `released` or `info_provided`, which record the event and
 * leave the status to the `routed` that follows in the same change. A partial approval (N-of-M) keeps
 * the proposal waiting. An `approve` on-expiry rule is only allowed for reversible action types; the
 * caller checks that against the policy before sending the event.
 */
export const PROPOSAL_TRANSITIONS: readonly Readonly<ProposalTransition>[] = Object.freeze(
  (
    [
      ...(["new", "held", "needs_info"] as const).flatMap((from) =>
        VERDICTS.map((verdict) => ({
          from,
          event: "routed" as const,
          to: routeStatus(verdict),
          guard: `verdict:${verdict}` as const,
        })),
      ),
      ...WAITING_FOR_REVIEW.flatMap((from): ProposalTransition[] => [
        { from, event: "approved", to: from, guard: "approval:incomplete" },
        { from, event: "approved", to: "approved", guard: "approval:unchanged" },
        { from, event: "approved", to: "approved_with_edits", guard: "approval:edited" },
        { from, event: "rejected", to: "rejected" },
        { from, event: "escalated", to: "escalated" },
        { from, event: "info_requested", to: "needs_info" },
        { from, event: "handled_manually", to: "handled_manually" },
        ...EXPIRY_RULES.map((rule) => ({
          from,
          event: "expired" as const,
          to: expiryStatus(rule),
          guard: `on_expiry:${rule}` as const,
        })),
        { from, event: "cancelled", to: "cancelled" },
      ]),
      { from: "needs_info", event: "info_provided", to: "needs_info" },
      { from: "needs_info", event: "info_expired", to: "expired" },
      { from: "needs_info", event: "cancelled", to: "cancelled" },
      { from: "new", event: "held", to: "held" },
      { from: "held", event: "released", to: "held" },
      { from: "held", event: "cancelled", to: "cancelled" },
    ] satisfies ProposalTransition[]
  ).map((row): Readonly<ProposalTransition> => Object.freeze(row)),
);

/** The rows by `from` and event, built once so a transition is a map lookup. */
const ROWS = new Map<string, Readonly<ProposalTransition>[]>();
for (const row of PROPOSAL_TRANSITIONS) {
  const key = `${row.from}|${row.event}`;
  ROWS.set(key, [...(ROWS.get(key) ?? []), row]);
}

/**
 * Where a proposal goes when `event` happens in status `from`, read from {@link PROPOSAL_TRANSITIONS}.
 * Terminal statuses allow nothing; an event with no row from `from` is refused with a reason naming
 * the statuses it is allowed from.
 *
 * @example
 * ```ts
 * proposalTransition("new", { kind: "routed", verdict: "review" });             // { ok: true, to: "pending_review" }
 * proposalTransition("pending_review", { kind: "approved", edited: true, complete: true }); // { ok: true, to: "approved_with_edits" }
 * proposalTransition("rejected", { kind: "approved", edited: false, complete: true });     // { ok: false, reason: "…" }
 * ```
 */
export function proposalTransition(from: ProposalStatus | "new", event: ProposalEvent): TransitionResult {
  if (from !== "new" && isTerminal(from)) {
    return { ok: false, reason: `the proposal is ${from}, which is final: nothing can change it` };
  }
  const rows = ROWS.get(`${from}|${event.kind}`);
  if (rows === undefined) {
    const allowed = [
      ...new Set(PROPOSAL_TRANSITIONS.filter((r) => r.event === event.kind).map((r) => r.from)),
    ];
    return {
      ok: false,
      reason: `"${event.kind}" is not allowed for a proposal that is ${from} (only from ${allowed.join(", ")})`,
    };
  }
  const row = rows.find((candidate) => candidate.guard === undefined || guardHolds(candidate.guard, event));
  if (row === undefined) {
    return {
      ok: false,
      reason: `no transition from ${from} matches "${event.kind}" with ${JSON.stringify(event)}`,
    };
  }
  return { ok: true, to: row.to };
}

/** Whether the event carries the data a guarded row asks for. */
function guardHolds(guard: ProposalGuard, event: ProposalEvent): boolean {
  switch (event.kind) {
    case "routed":
      return guard === `verdict:${event.verdict}`;
    case "approved":
      if (!event.complete) return guard === "approval:incomplete";
      return guard === (event.edited ? "approval:edited" : "approval:unchanged");
    case "expired":
      return guard === `on_expiry:${event.rule}`;
    case "rejected":
    case "escalated":
    case "info_requested":
    case "handled_manually":
    case "info_provided":
    case "info_expired":
    case "cancelled":
    case "held":
    case "released":
      return false;
    default:
      return assertNever(event);
  }
}

/**
 * The status a route verdict puts a proposal in.
 *
 * @example
 * ```ts
 * routeStatus("escalate"); // "escalated"
 * ```
 */
export function routeStatus(verdict: RouteVerdict | "held"): ProposalStatus {
  switch (verdict) {
    case "auto":
      return "auto_approved";
    case "review":
      return "pending_review";
    case "escalate":
      return "escalated";
    case "needs_info":
      return "needs_info";
    case "block":
      return "blocked";
    case "held":
      return "held";
    default:
      return assertNever(verdict);
  }
}

/** The status an on-expiry rule puts a waiting proposal in. */
function expiryStatus(rule: OnExpiry): ProposalStatus {
  switch (rule) {
    case "escalate":
      return "escalated";
    case "reject":
      return "rejected";
    case "expire":
      return "expired";
    case "approve":
      return "approved";
    default:
      return assertNever(rule);
  }
}

/**
 * Whether a status is final: decided, executed automatically, blocked, expired or withdrawn. The
 * execution of an approved action still moves on its own field; the proposal's status does not.
 *
 * @example
 * ```ts
 * isTerminal("approved");       // true
 * isTerminal("pending_review"); // false
 * ```
 */
export function isTerminal(status: ProposalStatus): boolean {
  switch (status) {
    case "auto_approved":
    case "approved":
    case "approved_with_edits":
    case "rejected":
    case "blocked":
    case "expired":
    case "handled_manually":
    case "cancelled":
      return true;
    case "pending_review":
    case "escalated":
    case "needs_info":
    case "held":
      return false;
    default:
      return assertNever(status);
  }
}
