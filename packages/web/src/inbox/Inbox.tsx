import { useEffect, useState } from "react";
import type { ActionTypeInfo, PersonView, ReviewItem } from "../api/types.ts";
import { navigate } from "../app/router.ts";
import { useLastDecision } from "../review/last-decision.ts";
import { age, dueText, when, words } from "../ui/format.ts";
import { Shortcut, useShortcuts } from "../ui/shortcuts.tsx";
import { InboxFilterBar } from "./InboxFilterBar.tsx";
import {
  claimedByMe,
  claimedByOther,
  type InboxFilters,
  type Inbox as InboxState,
  nextReview,
  PAGE,
  waitingForOthers,
} from "./use-inbox.ts";

const ENTER = "Enter";

/**
 * The tooltip of a reconciliation review's tag (an execution that ended unknown or was dead-lettered),
 * from the review's own `reconciliation` — set by the server when it opened the review, never read
 * from a summary an agent could word.
 */
function reconcileTitle(reconciliation: NonNullable<ReviewItem["reconciliation"]>): string {
  const what = reconciliation.kind === "rollback" ? "The rollback of this action" : "This action";
  return reconciliation.outcome === "unknown"
    ? `${what} may or may not have happened (outcome unknown): say what happened`
    : `Loopgate gave up delivering ${what.toLowerCase()}: say what happened`;
}

function open(item: ReviewItem) {
  navigate({ name: "review", reviewId: item.id, proposalId: item.proposalId });
}

/** The reviewer's queues with counts, then the open reviews in priority order, updated live. */
export function Inbox({
  user,
  inbox,
  filters,
  actions,
  onFilters,
}: {
  user: PersonView;
  inbox: InboxState;
  filters: InboxFilters;
  actions: ActionTypeInfo[];
  onFilters: (filters: InboxFilters) => void;
}) {
  const previous = useLastDecision();
  const [selected, setSelected] = useState(0);
  const { items } = inbox;
  useEffect(() => {
    if (selected >= items.length) setSelected(Math.max(0, items.length - 1));
  }, [items.length, selected]);

  useShortcuts({
    j: () => setSelected((s) => Math.min(items.length - 1, s + 1)),
    k: () => setSelected((s) => Math.max(0, s - 1)),
    [ENTER]: () => {
      const item = items[selected];
      if (item) open(item);
    },
    n: () => {
      const item = nextReview(items, null, user.id);
      if (item) open(item);
    },
  });

  return (
    <main className="inbox" aria-labelledby="inbox-title">
      <h1 id="inbox-title">Inbox</h1>
      {previous ? (
        <p role="status" className="notice previous-decision">
          Recorded for “{previous.summary}”: {previous.text}
        </p>
      ) : null}
      <section aria-label="My queues" className="queue-cards">
        {inbox.queues.length === 0 && !inbox.loading ? (
          <p className="muted">No queue has anything waiting.</p>
        ) : null}
        {inbox.queues.map((q) => (
          <button
            type="button"
            key={q.queue}
            className={`queue-card ${filters.queue === q.queue ? "selected" : ""}`}
            aria-pressed={filters.queue === q.queue}
            onClick={() => onFilters({ ...filters, queue: filters.queue === q.queue ? "" : q.queue })}
          >
            <strong>{q.queue}</strong>
            <span className="count">{q.open} waiting</span>
            <span>oldest {age(q.oldestAt)}</span>
            <span className={Date.parse(q.nextDueAt) < Date.now() ? "overdue" : ""}>
              next {dueText(q.nextDueAt)}
            </span>
          </button>
        ))}
      </section>
      <InboxFilterBar filters={filters} queues={inbox.queues} actions={actions} onChange={onFilters} />
      <p className="shortcut-help">
        <Shortcut keys="n" /> open the next item · <Shortcut keys="j" />/<Shortcut keys="k" /> move ·{" "}
        <Shortcut keys="Enter" /> open
      </p>
      {inbox.error ? (
        <p role="alert" className="error">
          The inbox could not be loaded: {inbox.error}
        </p>
      ) : null}
      {inbox.loading && items.length === 0 ? <p className="muted">Loading…</p> : null}
      {!inbox.loading && items.length === 0 && !inbox.error ? (
        <div className="empty">
          <p>
            Nothing is waiting for you
            {filters.queue || filters.actionType || filters.agent ? " with these filters" : ""}.
          </p>
          <p className="muted">
            New proposals appear here as agents submit them; there is no need to reload.
          </p>
        </div>
      ) : null}
      {items.length > 0 ? (
        <table className="review-list" aria-label="Open reviews">
          <thead>
            <tr>
              <th scope="col">Summary</th>
              <th scope="col">Action</th>
              <th scope="col">Agent</th>
              <th scope="col">Queue</th>
              <th scope="col">Due</th>
              <th scope="col">Waiting</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item, index) => {
              const taken = claimedByOther(item, user.id);
              // Approved by you, waiting for someone else: not yours to work, shown muted like a taken one.
              const waiting = waitingForOthers(item);
              return (
                <tr
                  key={item.id}
                  data-review-id={item.id}
                  className={`${index === selected ? "selected" : ""} ${taken || waiting !== null ? "taken" : ""}`}
                  aria-selected={index === selected}
                >
                  <td className="summary">
                    <a
                      href={`/review/${item.id}?proposal=${item.proposalId}`}
                      onClick={(event) => {
                        event.preventDefault();
                        open(item);
                      }}
                    >
                      {item.summary ?? `${item.actionType} from ${item.agent}`}
                    </a>{" "}
                    {item.reconciliation !== null ? (
                      <span
                        className="status status-unknown reconcile-tag"
                        title={reconcileTitle(item.reconciliation)}
                      >
                        reconcile
                      </span>
                    ) : null}
                  </td>
                  <td data-label="Action">{item.actionType}</td>
                  <td data-label="Agent">{item.agent}</td>
                  <td data-label="Queue">
                    {item.queue}
                    {item.level > 0 ? ` (level ${item.level})` : ""}
                  </td>
                  <td
                    title={when(item.dueAt)}
                    className={Date.parse(item.dueAt) < Date.now() ? "overdue" : ""}
                  >
                    {dueText(item.dueAt)}
                  </td>
                  <td data-label="Waiting">{age(item.createdAt)}</td>
                  <td data-label="Status">
                    {words(item.status)}
                    {waiting !== null ? (
                      <span className="approved-by-you"> · you approved · waiting for {waiting} more</span>
                    ) : item.approvalsRequired > 1 ? (
                      ` · ${item.approvalsGiven}/${item.approvalsRequired} approvals`
                    ) : (
                      ""
                    )}
                    {taken && item.claim ? (
                      <span className="claim"> · taken by {item.claim.by.name}</span>
                    ) : claimedByMe(item, user.id) ? (
                      <span className="claim"> · claimed by you</span>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
      {inbox.more ? (
        <p className="list-more">
          <span className="muted">
            {items.length} open reviews listed, earliest due first; more are waiting.
          </span>{" "}
          <button type="button" onClick={inbox.loadMore}>
            Show {PAGE} more
          </button>
        </p>
      ) : null}
    </main>
  );
}
