import type { ExecutionItem, ExecutionResult, Proposal, ReconcileVerdict } from "../api/types.ts";
import { words } from "../ui/format.ts";

/** One verb of a reconciliation review: its key, its label in plain words, and what it does. */
export interface ReconcileSpec {
  verdict: ReconcileVerdict;
  key: string;
  label: string;
  does: string;
}

/**
 * The verbs of a reconciliation review (SPEC §3), in button order. A record over core's
 * `ReconcileVerdict`, so a verb added there or taken away fails the typecheck until it is here too.
 * The keys stay clear of the ordinary review's (a, r, x, i, m, e, c, n, g).
 */
const SPECS: Record<ReconcileVerdict, Omit<ReconcileSpec, "verdict">> = {
  mark_executed: {
    key: "d",
    label: "It did happen",
    does: "records the action as executed, once; nothing is sent again",
  },
  mark_failed: {
    key: "f",
    label: "It did not happen",
    does: "records the execution as failed; nothing is sent again",
  },
  retry: {
    key: "t",
    label: "Try again",
    does: "queues a new attempt with the same webhook-id, so an executor that dedups on it applies it once",
  },
};

export const RECONCILE_VERBS: readonly ReconcileSpec[] = (Object.keys(SPECS) as ReconcileVerdict[]).map(
  (verdict) => ({ verdict, ...SPECS[verdict] }),
);

/** Whether an execution still waits for a person to say what happened. */
export function unsettled(execution: Pick<ExecutionItem, "status">): boolean {
  return execution.status === "unknown" || execution.status === "dead_lettered";
}

/**
 * The execution this review reconciles, or null for an ordinary review. The execution names its
 * reconciliation review (`reconciliationReviewId`, moved to the new review when one escalates). A
 * post-review still open when the action's outcome became unclear settles it too — the server then
 * refuses approve and reject (`reconciliation_verdict_required`) and takes these verbs instead.
 */
export function reconciliationOf(
  proposal: Pick<Proposal, "execution" | "reviews">,
  reviewId: string,
): ExecutionItem | null {
  const rows = proposal.execution.executions ?? [];
  const named = rows.find((row) => row.reconciliationReviewId === reviewId);
  if (named !== undefined) return named;
  const open = proposal.reviews.some(
    (r) => r.id === reviewId && (r.status === "pending" || r.status === "escalated"),
  );
  return open ? (rows.find(unsettled) ?? null) : null;
}

/** "the rollback of mail.send" or "mail.send": what the execution carried out. */
export function executionSubject(execution: Pick<ExecutionItem, "kind">, actionType: string): string {
  return execution.kind === "rollback" ? `the rollback of ${actionType}` : actionType;
}

/**
 * The execution's state in a few words, said beside the proposal's status in the page header: a
 * proposal reads "approved" while what it set in motion is unknown or given up, and the header must not
 * read as if all is well.
 */
export function executionStateText(execution: Pick<ExecutionItem, "kind" | "status">): string {
  const state =
    execution.status === "unknown"
      ? "outcome unknown"
      : execution.status === "dead_lettered"
        ? "delivery given up"
        : `now ${words(execution.status)}`;
  return execution.kind === "rollback" ? `rollback ${state}` : state;
}

/** One line on what a reconciliation did, from the server's answer (the execution as it now stands). */
export function reconciledText(
  verdict: ReconcileVerdict,
  result: ExecutionResult,
  actionType: string,
): string {
  const { execution } = result;
  const subject = executionSubject(execution, actionType);
  switch (verdict) {
    case "mark_executed":
      return `marked executed — ${subject} is recorded as ${words(execution.status)}`;
    case "mark_failed":
      return `marked failed — ${subject} is recorded as ${words(execution.status)}; nothing is sent again`;
    case "retry":
      return `retry — a new attempt at ${subject} is ${words(execution.status)} (${execution.attempts} ${execution.attempts === 1 ? "attempt" : "attempts"} so far)`;
    default: {
      const unknownVerdict: never = verdict;
      return String(unknownVerdict);
    }
  }
}
