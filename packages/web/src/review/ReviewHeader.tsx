import type { ExecutionItem, Proposal, ReviewItem } from "../api/types.ts";
import { duration, when, words } from "../ui/format.ts";
import { PlainText } from "../ui/safe.tsx";
import { Shortcut } from "../ui/shortcuts.tsx";
import { AlreadyExecutedNotice } from "./RiskSections.tsx";
import { executionStateText, unsettled } from "./reconciliation.ts";

/**
 * The top of the review page: what the proposal is (its summary as plain text, action type, agent,
 * queue, status — with the execution's state on a reconciliation review — and due time, or "closed"),
 * whether the caller holds the claim, and the keys the page answers to (on a closed review, only moving).
 */
export function ReviewHeader({
  proposal,
  reconciliation,
  claim,
  blocked,
  verbs,
  closed,
}: {
  proposal: Proposal;
  /** The execution a reconciliation review settles, or null for an ordinary review. */
  reconciliation: ExecutionItem | null;
  claim: ReviewItem["claim"];
  /** Why the page is read-only (someone else holds it, it is closed, …), or null. */
  blocked: string | null;
  /** The verdicts offered, with their keys. */
  verbs: readonly { key: string; label: string }[];
  /** The review is closed or its proposal past review: a record, with nothing due and nothing to decide. */
  closed: boolean;
}) {
  const leaseLeft = claim ? Date.parse(claim.expiresAt) - Date.now() : 0;
  return (
    <div className="review-head">
      <h1 id="review-title">
        <PlainText text={proposal.summary ?? `${proposal.action.type} from ${proposal.agent}`} />
      </h1>
      <p className="meta">
        <code>{proposal.action.type}</code> · agent {proposal.agent} · queue {proposal.review?.queue ?? "—"} ·{" "}
        {words(proposal.status)}
        {/* A reconciliation: the proposal reads "approved", but what it set in motion is unsettled. */}
        {reconciliation !== null ? (
          <>
            {" · "}
            <span className={unsettled(reconciliation) ? "execution-state warning" : "execution-state"}>
              {executionStateText(reconciliation)}
            </span>
          </>
        ) : null}
        {closed ? " · review closed" : proposal.review ? ` · due ${when(proposal.review.dueAt)}` : ""}
      </p>
      {reconciliation === null ? <AlreadyExecutedNotice proposal={proposal} /> : null}
      <p className="lease" role="status">
        {closed
          ? "This review is closed: nothing is left to decide"
          : claim && !blocked
            ? `Claimed by you until ${when(claim.expiresAt)} (${duration(leaseLeft)} left; renewed while open)`
            : blocked
              ? blocked
              : "Not claimed"}
      </p>
      <p className="shortcut-help">
        {(closed ? [] : verbs).map((v) => (
          <span key={v.key}>
            <Shortcut keys={v.key} /> {v.label.toLowerCase()}{" "}
          </span>
        ))}
        {reconciliation === null && !closed ? (
          <>
            <Shortcut keys="e" /> edit ·{" "}
          </>
        ) : null}
        {closed ? null : (
          <>
            <Shortcut keys="c" /> comment ·{" "}
          </>
        )}
        <Shortcut keys="n" /> next item · <Shortcut keys="g" /> inbox · <Shortcut keys="Esc" /> leave a field
      </p>
    </div>
  );
}
