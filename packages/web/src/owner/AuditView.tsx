import type { AuditOrder } from "@loopgate/core";
import { type FormEvent, memo, useCallback, useEffect, useRef, useState } from "react";
import { api, query } from "../api/client.ts";
import type { AuditChainStatus, AuditEntry, ListPage } from "../api/types.ts";
import { hrefOf, navigate, type Page } from "../app/router.ts";
import { exactWhen, when } from "../ui/format.ts";
import { JsonText } from "../ui/safe.tsx";

/** Entries a page, the first and each one "Older entries" adds. */
const PAGE_SIZE = 100;

/** The filters beside the proposal id (which lives in the address); times as the inputs hold them. */
interface AuditFilters {
  type: string;
  since: string;
  until: string;
  order: AuditOrder;
}

const NO_FILTERS: AuditFilters = { type: "", since: "", until: "", order: "desc" };

/**
 * A `datetime-local` value (the browser's time zone, to the minute) as an ISO instant; `end` takes the
 * end of that minute, so "To 11:07" keeps the entries of 11:07. Undefined when empty or unreadable.
 */
function instant(local: string, end = false): string | undefined {
  const time = local === "" ? Number.NaN : new Date(local).getTime();
  if (Number.isNaN(time)) return undefined;
  const wholeMinute = /T\d\d:\d\d$/.test(local);
  return new Date(end && wholeMinute ? time + 59_999 : time).toISOString();
}

/** `seen` with the types of `entries` added, sorted; the same array when nothing is new. */
function withTypes(seen: readonly string[], entries: readonly AuditEntry[]): readonly string[] {
  const added = entries
    .map((e) => e.type)
    .filter((type, i, all) => !seen.includes(type) && all.indexOf(type) === i);
  return added.length === 0 ? seen : [...seen, ...added].sort();
}

/**
 * The audit log, newest first unless asked otherwise, a page at a time with older pages on request
 * (the API's cursor); filtered by proposal, type and time; with the stored chain's verification status.
 * Owners and auditors.
 */
export function AuditView({ proposalId }: { proposalId: string | null }) {
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [chain, setChain] = useState<AuditChainStatus | null>(null);
  const [chainError, setChainError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [input, setInput] = useState(proposalId ?? "");
  const [draft, setDraft] = useState<AuditFilters>(NO_FILTERS);
  const [filters, setFilters] = useState<AuditFilters>(NO_FILTERS);
  // Every entry type listed so far, offered by the Type filter. Core keeps no list of them (each use
  // case names its own), so the page learns them from what it shows; a type not seen yet can be typed.
  const [typesSeen, setTypesSeen] = useState<readonly string[]>([]);
  // Counts the lists shown: a page that arrives for an earlier list (other filters) is dropped.
  const listing = useRef(0);

  useEffect(() => {
    api<AuditChainStatus>("GET", "/v1/audit/verification")
      .then(setChain)
      .catch((e: Error) => setChainError(e.message));
  }, []);

  // Following a proposal's link (or going back) changes the proposal shown: the field follows.
  useEffect(() => setInput(proposalId ?? ""), [proposalId]);

  const pagePath = useCallback(
    (cursor: string | null) =>
      `/v1/audit${query({
        proposalId,
        type: filters.type.trim(),
        since: instant(filters.since),
        until: instant(filters.until, true),
        order: filters.order,
        limit: PAGE_SIZE,
        cursor,
      })}`,
    [proposalId, filters],
  );

  useEffect(() => {
    const current = ++listing.current;
    setEntries(null);
    setNextCursor(null);
    setLoadingMore(false);
    setError(null);
    api<ListPage<AuditEntry>>("GET", pagePath(null))
      .then((page) => {
        if (current !== listing.current) return;
        setEntries(page.items);
        setNextCursor(page.nextCursor);
        setTypesSeen((seen) => withTypes(seen, page.items));
      })
      .catch((e: Error) => {
        if (current === listing.current) setError(e.message);
      });
  }, [pagePath]);

  function loadMore() {
    if (nextCursor === null || loadingMore) return;
    const current = listing.current;
    setLoadingMore(true);
    setError(null);
    api<ListPage<AuditEntry>>("GET", pagePath(nextCursor))
      .then((page) => {
        if (current !== listing.current) return;
        setEntries((shown) => [...(shown ?? []), ...page.items]);
        setNextCursor(page.nextCursor);
        setTypesSeen((seen) => withTypes(seen, page.items));
      })
      .catch((e: Error) => {
        if (current === listing.current) setError(e.message);
      })
      .finally(() => {
        if (current === listing.current) setLoadingMore(false);
      });
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    // A new object even when nothing changed: "Show" lists afresh from the newest entry.
    setFilters({ ...draft });
    const wanted = input.trim() || null;
    if (wanted !== proposalId) navigate({ name: "audit", proposalId: wanted });
  }

  const newestFirst = filters.order === "desc";
  const filtered =
    proposalId !== null || filters.type.trim() !== "" || filters.since !== "" || filters.until !== "";
  const first = entries?.[0];
  const last = entries?.at(-1);

  return (
    <main className="owner" aria-labelledby="audit-title">
      <h1 id="audit-title">Audit trail</h1>
      <section className="panel" aria-label="Chain verification">
        {chain === null && chainError !== null ? (
          <p role="alert" className="error">
            {chainError}
          </p>
        ) : chain === null ? (
          <p className="muted">Verifying the chain…</p>
        ) : chain.ok ? (
          <p className="ok-text" role="status">
            Chain verified: {chain.count} entries, every hash recomputed and every link followed
            {chain.head ? ` up to entry #${chain.head.seq}` : ""} ({when(chain.checkedAt)}).
          </p>
        ) : (
          <p className="error" role="alert">
            The chain does NOT verify{chain.problem?.seq ? ` at entry #${chain.problem.seq}` : ""}:{" "}
            {chain.problem?.reason}. Export it with <code>loopgate audit export</code> and keep the copy.
          </p>
        )}
      </section>
      <form onSubmit={submit} className="filters" aria-label="Audit filters">
        <label>
          Proposal id
          <input value={input} onChange={(e) => setInput(e.target.value)} placeholder="every proposal" />
        </label>
        <label>
          Type
          <input
            value={draft.type}
            onChange={(e) => setDraft({ ...draft, type: e.target.value })}
            placeholder="e.g. decision.recorded"
            list="audit-types"
          />
          <datalist id="audit-types">
            {typesSeen.map((type) => (
              <option key={type} value={type} />
            ))}
          </datalist>
        </label>
        <label>
          From
          <input
            type="datetime-local"
            value={draft.since}
            onChange={(e) => setDraft({ ...draft, since: e.target.value })}
          />
        </label>
        <label>
          To
          <input
            type="datetime-local"
            value={draft.until}
            onChange={(e) => setDraft({ ...draft, until: e.target.value })}
          />
        </label>
        <label>
          Order
          <select
            value={draft.order}
            onChange={(e) => setDraft({ ...draft, order: e.target.value === "asc" ? "asc" : "desc" })}
          >
            <option value="desc">Newest first</option>
            <option value="asc">Oldest first</option>
          </select>
        </label>
        <button type="submit">Show</button>
      </form>
      {error && error !== chainError ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
      {entries === null && error === null ? <p className="muted">Loading entries…</p> : null}
      {entries !== null && entries.length === 0 ? (
        <p className="muted">
          No audit entries
          {proposalId ? " for this proposal: check the id" : filtered ? " match these filters" : ""}.
        </p>
      ) : null}
      {entries !== null && entries.length > 0 ? (
        <table className="audit" aria-label="Audit entries">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">What</th>
              <th scope="col">Proposal</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <AuditRow key={entry.seq} entry={entry} linked={entry.proposalId !== proposalId} />
            ))}
          </tbody>
        </table>
      ) : null}
      {entries !== null && first !== undefined && last !== undefined ? (
        <div className="filters">
          <p className="muted" role="status">
            {entries.length === 1 ? "1 entry" : `${entries.length} entries`} shown,{" "}
            {newestFirst ? "newest first" : "oldest first"}: #{first.seq} to #{last.seq}.
            {nextCursor === null
              ? ` No ${newestFirst ? "older" : "newer"} entry${filtered ? " matches" : " exists"}.`
              : ""}
          </p>
          {nextCursor !== null ? (
            <button type="button" onClick={loadMore} disabled={loadingMore}>
              {loadingMore ? "Loading…" : newestFirst ? "Older entries" : "Newer entries"}
            </button>
          ) : null}
        </div>
      ) : null}
    </main>
  );
}

/**
 * What kind of actor, and for a person the credential they acted through when the entry records it:
 * "user, signed in" or "user, key 01a2…" (the key's `key.created` entry names it).
 */
function actorDetail(actor: AuditEntry["actor"]): string {
  if (actor.via === undefined) return actor.kind;
  return actor.via.kind === "session" ? `${actor.kind}, signed in` : `${actor.kind}, key ${actor.via.id}`;
}

/**
 * One entry. Memoised: "Older entries" adds a page below the rows shown, which need not render again.
 * `linked`: its proposal is not the one the page shows, so its id links to that proposal's trail.
 */
const AuditRow = memo(function AuditRow({ entry, linked }: { entry: AuditEntry; linked: boolean }) {
  return (
    <tr>
      <td>{entry.seq}</td>
      <td>
        <time dateTime={entry.at}>{exactWhen(entry.at)}</time>
      </td>
      <td>
        {entry.actor.name} <span className="muted">({actorDetail(entry.actor)})</span>
      </td>
      <td>
        <code>{entry.type}</code>
      </td>
      <td>
        {entry.proposalId === null ? (
          <span className="muted">—</span>
        ) : linked ? (
          <ProposalTrailLink proposalId={entry.proposalId} />
        ) : (
          <code>{entry.proposalId}</code>
        )}
      </td>
      <td>
        <details>
          <summary>data · hash {entry.hash.slice(0, 12)}…</summary>
          <JsonText value={entry.data} label={`entry ${entry.seq} data`} />
        </details>
      </td>
    </tr>
  );
});

/**
 * A proposal's id, linking to its own audit trail. The app's only other page for a proposal is the
 * review page, which claims the review it opens: reading the log must not take reviews from reviewers.
 */
function ProposalTrailLink({ proposalId }: { proposalId: string }) {
  const page: Page = { name: "audit", proposalId };
  return (
    <a
      href={hrefOf(page)}
      title="Show this proposal's audit trail"
      onClick={(event) => {
        if (event.metaKey || event.ctrlKey || event.shiftKey) return;
        event.preventDefault();
        navigate(page);
      }}
    >
      <code>{proposalId}</code>
    </a>
  );
}
