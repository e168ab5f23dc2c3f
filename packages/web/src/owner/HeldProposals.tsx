import { useCallback, useEffect, useRef, useState } from "react";
import { api } from "../api/client.ts";
import type { ListPage, ProposalHistoryItem, StopView } from "../api/types.ts";
import { hrefOf, navigate, type Page } from "../app/router.ts";
import { when } from "../ui/format.ts";

/** Held proposals shown when the list opens, and added by each "Show more held". */
const HELD_PAGE = 20;

/** `GET /v1/proposals?status=held` for the stop's scope: its agent and/or action type, else everything. */
function heldPath(scope: StopView["scope"], cursor: string | null): string {
  const query = new URLSearchParams({ status: "held", limit: String(HELD_PAGE) });
  if (scope.agent !== undefined) query.set("agent", scope.agent);
  if (scope.actionType !== undefined) query.set("actionType", scope.actionType);
  if (cursor !== null) query.set("cursor", cursor);
  return `/v1/proposals?${query}`;
}

/**
 * What a stop in force holds, behind a disclosure on its line of the Stops page: each held proposal's
 * summary, agent, action type and when it was proposed, oldest first, read only once opened (and again
 * when the stop's count changes), a page at a time. Owners and auditors get a link to each one's audit
 * trail; reviewers, who have no audit page, see the list alone. Summaries come masked from the server
 * for people without the PII permission.
 */
export function HeldProposals({
  stop,
  scope,
  canAudit,
}: {
  stop: StopView;
  /** The stop's scope in words, e.g. "agent refund-bot", naming the list for assistive technology. */
  scope: string;
  canAudit: boolean;
}) {
  const held = stop.held ?? 0;
  const { agent, actionType } = stop.scope;
  const [open, setOpen] = useState(false);
  const [items, setItems] = useState<ProposalHistoryItem[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const latest = useRef(0);

  const read = useCallback(
    (cursor: string | null) => {
      const request = ++latest.current;
      api<ListPage<ProposalHistoryItem>>("GET", heldPath({ agent, actionType }, cursor))
        .then((page) => {
          if (request !== latest.current) return;
          setItems((shown) => (cursor === null ? page.items : [...(shown ?? []), ...page.items]));
          setNextCursor(page.nextCursor);
          setError(null);
        })
        .catch((e: unknown) => {
          if (request === latest.current) setError((e as Error).message);
        });
    },
    [agent, actionType],
  );
  // Read on opening, and from the start again whenever the stop's count changes while open.
  useEffect(() => {
    if (open && held > 0) read(null);
  }, [open, read, held]);

  if (held === 0) return null;
  return (
    <details className="held-proposals" onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>{held === 1 ? "Show the held proposal" : `Show the ${held} held proposals`}</summary>
      {error !== null ? (
        <p role="alert" className="error">
          The held proposals could not be loaded: {error}
        </p>
      ) : null}
      {items !== null && items.length === 0 && error === null ? (
        <p className="muted">Nothing is held any more.</p>
      ) : null}
      {items !== null && items.length > 0 ? (
        <table aria-label={`Held by the stop of ${scope}`}>
          <thead>
            <tr>
              <th scope="col">Summary</th>
              <th scope="col">Agent</th>
              <th scope="col">Action type</th>
              <th scope="col">Proposed</th>
              {canAudit ? <th scope="col">Audit trail</th> : null}
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.id}>
                <td>{item.summary ?? <span className="muted">no summary</span>}</td>
                <td>{item.agent}</td>
                <td>{item.actionType}</td>
                <td>{when(item.createdAt)}</td>
                {canAudit ? (
                  <td>
                    <AuditTrailLink proposalId={item.id} />
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {nextCursor !== null ? (
        <button type="button" onClick={() => read(nextCursor)}>
          Show more held
        </button>
      ) : null}
    </details>
  );
}

/** A link to the proposal's audit trail: a plain link (opens in a new tab too), followed in place. */
function AuditTrailLink({ proposalId }: { proposalId: string }) {
  const page: Page = { name: "audit", proposalId };
  return (
    <a
      href={hrefOf(page)}
      title={`The audit trail of ${proposalId}`}
      onClick={(event) => {
        if (event.metaKey || event.ctrlKey || event.shiftKey) return;
        event.preventDefault();
        navigate(page);
      }}
    >
      audit trail
    </a>
  );
}
