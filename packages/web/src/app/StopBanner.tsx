import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError, api } from "../api/client.ts";
import type { ChangeEvent } from "../api/events.ts";
import type { ListPage, PersonView, StopView } from "../api/types.ts";
import { when } from "../ui/format.ts";
import { hrefOf, navigate } from "./router.ts";
import "./stop-banner.css";

/**
 * How often the stops are read again without being told: the change stream announces each stop and
 * lift made through this server, but not one made by the CLI or by another replica over PostgreSQL.
 */
const POLL_MS = 15_000;

/** Subscribes a listener to the app's change events; returns the unsubscribe. */
export type SubscribeChanges = (listener: (event: ChangeEvent) => void) => () => void;

/** Whether a change event says the stops in force changed. */
export function isStopEvent(event: ChangeEvent): boolean {
  return event.type === "stop.created" || event.type === "stop.lifted";
}

/** A stop's scope in words: "agent refund-bot", "billing.refund", "billing.refund from agent refund-bot". */
export function stopScopeWords(scope: StopView["scope"]): string {
  if (scope.all || (scope.agent === undefined && scope.actionType === undefined)) return "everything";
  if (scope.agent !== undefined && scope.actionType !== undefined)
    return `${scope.actionType} from agent ${scope.agent}`;
  return scope.agent !== undefined ? `agent ${scope.agent}` : (scope.actionType ?? "everything");
}

/**
 * The stops in force, kept current: read at once, again on every stop or lift the change stream
 * reports, when the stream comes back after a drop, and every {@link POLL_MS}. A server that refuses
 * the read (an older one, where only owners and auditors list stops) leaves the list empty.
 */
function useStopsInForce(subscribe: SubscribeChanges, live: boolean): StopView[] {
  const [stops, setStops] = useState<StopView[]>([]);
  const latest = useRef(0);
  const refused = useRef(false);

  const load = useCallback(() => {
    if (refused.current) return;
    const request = ++latest.current;
    api<ListPage<StopView>>("GET", "/v1/stops")
      .then((page) => {
        if (request === latest.current) setStops(page.items);
      })
      .catch((e: unknown) => {
        if (e instanceof ApiError && (e.status === 403 || e.status === 404)) {
          refused.current = true;
          setStops([]);
        }
        // Otherwise keep what is shown: the next event or poll tries again.
      });
  }, []);

  useEffect(() => {
    load();
    const timer = setInterval(load, POLL_MS);
    const unsubscribe = subscribe((event) => {
      if (isStopEvent(event)) load();
    });
    return () => {
      clearInterval(timer);
      unsubscribe();
    };
  }, [load, subscribe]);

  // Events sent while the stream was down are lost: read again once it is back.
  useEffect(() => {
    if (live) load();
  }, [live, load]);

  return stops;
}

/**
 * Across every page while a stop is in force: what is stopped, why, by whom and since when. A
 * reviewer learns here why proposals in scope are `held` and why approvals in scope do not execute;
 * an owner gets a way to the Stops page.
 */
export function StopBanner({
  user,
  subscribe,
  live,
}: {
  user: PersonView;
  subscribe: SubscribeChanges;
  live: boolean;
}) {
  const stops = useStopsInForce(subscribe, live);
  if (stops.length === 0) return null;
  return (
    <section className="stop-banner" role="status" aria-label="Automation stopped">
      <ul>
        {stops.map((stop) => (
          <li key={stop.id}>
            <strong>Automation is stopped for {stopScopeWords(stop.scope)}</strong>
            <span className="stop-reason">: {stop.reason}</span>
            <span className="stop-since">
              {" "}
              — by {stop.createdBy.name}, since {when(stop.createdAt)}
            </span>
            {stop.held ? <span className="stop-held"> · {heldWords(stop.held)}</span> : null}
          </li>
        ))}
      </ul>
      <p className="stop-effect">
        New proposals in scope are held; what you approve now is recorded and runs once an owner lifts the
        stop.
        {user.role === "owner" ? (
          <>
            {" "}
            <a
              href={hrefOf({ name: "stops" })}
              onClick={(event) => {
                if (event.metaKey || event.ctrlKey || event.shiftKey) return;
                event.preventDefault();
                navigate({ name: "stops" });
              }}
            >
              Manage stops
            </a>
          </>
        ) : null}
      </p>
    </section>
  );
}

/** "1 proposal held", "12 proposals held". */
export function heldWords(held: number): string {
  return `${held} proposal${held === 1 ? "" : "s"} held`;
}
