import { type FormEvent, useCallback, useEffect, useRef, useState } from "react";
import { ApiError, api } from "../api/client.ts";
import type { ActionTypeInfo, ListPage, StopView } from "../api/types.ts";
import { heldWords, isStopEvent, type SubscribeChanges } from "../app/StopBanner.tsx";
import { duration, when } from "../ui/format.ts";
import { HeldProposals } from "./HeldProposals.tsx";

type ScopeKind = "all" | "agent" | "actionType";

/** Lifted stops shown at first, and added by each "Show older stops". */
const HISTORY_PAGE = 20;

function scopeText(stop: StopView): string {
  if (stop.scope.all) return "everything";
  return [
    stop.scope.agent ? `agent ${stop.scope.agent}` : null,
    stop.scope.actionType ? `action ${stop.scope.actionType}` : null,
  ]
    .filter(Boolean)
    .join(", ");
}

/**
 * Stops in force; owners start one (scope and reason) or lift one (with a reason, if they give one).
 * The action type is picked from those the policy declares, so a typo cannot start a stop that stops
 * nothing. A stop holding proposals lists them on demand, for every role (see {@link HeldProposals}).
 * Below, for owners and auditors, the history: the stops lifted, most recently lifted first.
 * Reviewers read the stops in force only. Another owner's stop or lift shows at once when `subscribe`
 * delivers the change stream.
 */
export function StopsView({
  actions,
  role,
  subscribe,
}: {
  actions: readonly ActionTypeInfo[];
  role: "owner" | "auditor" | "reviewer";
  subscribe?: SubscribeChanges;
}) {
  const manage = role === "owner";
  const readHistory = role !== "reviewer";
  const [stops, setStops] = useState<StopView[] | null>(null);
  const [unavailable, setUnavailable] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [kind, setKind] = useState<ScopeKind>("all");
  const [target, setTarget] = useState("");
  const [reason, setReason] = useState("");
  const [liftReason, setLiftReason] = useState<Record<string, string>>({});

  const history = useStopHistory();
  const reloadHistory = readHistory ? history.reload : null;

  const load = useCallback(() => {
    api<ListPage<StopView>>("GET", "/v1/stops")
      .then((page) => setStops(page.items))
      .catch((e: unknown) => {
        if (e instanceof ApiError && e.code === "route_not_found") setUnavailable(true);
        else setError((e as Error).message);
      });
    reloadHistory?.();
  }, [reloadHistory]);
  useEffect(load, [load]);
  useEffect(() => {
    if (subscribe === undefined) return;
    return subscribe((event) => {
      if (isStopEvent(event)) load();
    });
  }, [subscribe, load]);

  async function start(event: FormEvent) {
    event.preventDefault();
    setError(null);
    const scope = kind === "all" ? { all: true } : { [kind]: target.trim() };
    try {
      await api("POST", "/v1/stops", { scope, reason: reason.trim() });
      // Back to an empty form, so a second click does not start the same stop again.
      setKind("all");
      setReason("");
      setTarget("");
      load();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  async function lift(stop: StopView) {
    setError(null);
    try {
      // The reason, when given, is kept with the stop and in the audit log.
      const why = liftReason[stop.id]?.trim() ?? "";
      await api("DELETE", `/v1/stops/${encodeURIComponent(stop.id)}`, why === "" ? {} : { reason: why });
      load();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  if (unavailable) {
    return (
      <main className="owner">
        <h1>Stops</h1>
        <p className="notice">
          This server does not offer stops yet. Upgrade Loopgate to stop automation from here.
        </p>
      </main>
    );
  }
  return (
    <main className="owner" aria-labelledby="stops-title">
      <h1 id="stops-title">Stops</h1>
      <p className="hint">
        A stop halts automation at once: nothing in scope executes and new proposals are held until it is
        lifted.{manage ? null : " Only owners start and lift stops."}
      </p>
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
      {manage ? (
        <form className="panel stop-form" onSubmit={start} aria-label="Start a stop">
          <label>
            Scope
            <select
              value={kind}
              onChange={(e) => {
                setKind(e.target.value as ScopeKind);
                setTarget("");
              }}
            >
              <option value="all">Everything</option>
              <option value="agent">One agent</option>
              <option value="actionType">One action type</option>
            </select>
          </label>
          {kind === "agent" ? (
            <label>
              Agent id
              <input value={target} onChange={(e) => setTarget(e.target.value)} required />
            </label>
          ) : null}
          {kind === "actionType" ? (
            <label>
              Action type
              <select value={target} onChange={(e) => setTarget(e.target.value)} required>
                <option value="">Choose an action type</option>
                {actions.map((action) => (
                  <option key={action.type} value={action.type}>
                    {action.type}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          <label>
            Reason
            <input
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              required
              placeholder="why automation must stop"
            />
          </label>
          <button type="submit" className="danger">
            Stop automation
          </button>
        </form>
      ) : null}
      {stops !== null && stops.length === 0 ? (
        <p className="muted">No stop is in force: automation runs as the policy says.</p>
      ) : null}
      <ul className="stops">
        {(stops ?? []).map((stop) => (
          <li key={stop.id} className="panel">
            <strong>Stopped: {scopeText(stop)}</strong> — {stop.reason}
            <span className="meta">
              {" "}
              since {when(stop.createdAt)} by {stop.createdBy.name}
              {stop.held ? ` · ${heldWords(stop.held)}` : ""}
            </span>
            <HeldProposals stop={stop} scope={scopeText(stop)} canAudit={role !== "reviewer"} />
            {manage ? (
              <>
                <label>
                  Reason for lifting (optional)
                  <input
                    value={liftReason[stop.id] ?? ""}
                    onChange={(e) => setLiftReason({ ...liftReason, [stop.id]: e.target.value })}
                  />
                </label>
                <button type="button" onClick={() => void lift(stop)}>
                  Lift this stop
                </button>
              </>
            ) : null}
          </li>
        ))}
      </ul>
      {readHistory ? <StopHistory history={history} /> : null}
    </main>
  );
}

interface StopHistoryState {
  items: StopView[] | null;
  nextCursor: string | null;
  error: string | null;
  reload: () => void;
  more: () => void;
}

/** The lifted stops (`GET /v1/stops?state=lifted`), a page at a time; `reload` starts again from the newest. */
function useStopHistory(): StopHistoryState {
  const [items, setItems] = useState<StopView[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const latest = useRef(0);

  const read = useCallback((cursor: string | null) => {
    const request = ++latest.current;
    const after = cursor === null ? "" : `&cursor=${encodeURIComponent(cursor)}`;
    api<ListPage<StopView>>("GET", `/v1/stops?state=lifted&limit=${HISTORY_PAGE}${after}`)
      .then((page) => {
        if (request !== latest.current) return;
        // A server without the history answers the stops in force instead: none of them is lifted.
        const lifted = page.items.filter((stop) => stop.liftedAt !== null);
        setItems((shown) => (cursor === null ? lifted : [...(shown ?? []), ...lifted]));
        setNextCursor(page.nextCursor);
        setError(null);
      })
      .catch((e: unknown) => {
        if (request === latest.current) setError((e as Error).message);
      });
  }, []);
  const reload = useCallback(() => read(null), [read]);
  const more = useCallback(() => {
    if (nextCursor !== null) read(nextCursor);
  }, [read, nextCursor]);
  return { items, nextCursor, error, reload, more };
}

/** Who stopped what and why, since when, and who lifted it when: newest lift first. */
function StopHistory({ history }: { history: StopHistoryState }) {
  const { items } = history;
  return (
    <section aria-labelledby="stop-history-title">
      <h2 id="stop-history-title">History</h2>
      {history.error ? (
        <p role="alert" className="error">
          The history could not be loaded: {history.error}
        </p>
      ) : null}
      {items !== null && items.length === 0 && history.error === null ? (
        <p className="muted">No stop has been lifted yet.</p>
      ) : null}
      {items !== null && items.length > 0 ? (
        <table aria-label="Lifted stops">
          <thead>
            <tr>
              <th scope="col">Scope</th>
              <th scope="col">Why</th>
              <th scope="col">Stopped</th>
              <th scope="col">Lifted</th>
              <th scope="col">Why lifted</th>
              <th scope="col">In force for</th>
            </tr>
          </thead>
          <tbody>
            {items.map((stop) => (
              <tr key={stop.id}>
                <th scope="row">{scopeText(stop)}</th>
                <td>{stop.reason}</td>
                <td>
                  {stop.createdBy.name}, {when(stop.createdAt)}
                </td>
                <td>
                  {stop.liftedBy?.name ?? "—"}, {stop.liftedAt === null ? "—" : when(stop.liftedAt)}
                </td>
                <td>{stop.liftReason ?? <span className="muted">not given</span>}</td>
                <td>
                  {stop.liftedAt === null
                    ? "—"
                    : duration(Date.parse(stop.liftedAt) - Date.parse(stop.createdAt))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {history.nextCursor !== null ? (
        <button type="button" onClick={history.more}>
          Show older stops
        </button>
      ) : null}
    </section>
  );
}
