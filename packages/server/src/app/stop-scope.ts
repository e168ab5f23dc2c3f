import type { Route } from "@loopgate/core";
import { type StopRow, stopCovers } from "../store/execution-rows.ts";
import type { Store } from "../store/store.ts";

/**
 * The stops in force, cached for the propose path, which must not read the stops table on every
 * request. A stop made through this process's API refreshes the cache at once (see `forgetStops`);
 * one made by the CLI or another replica is seen within {@link STOP_CACHE_MS}. That delay only
 * decides whether a new proposal shows as `held`: nothing in scope executes either way, because
 * every attempt checks the stops inside the transaction that starts it.
 */
export const STOP_CACHE_MS = 1000;

const cache = new WeakMap<Store, { at: number; stops: Promise<StopRow[]> }>();

/** The first stop in force covering an agent's action of a type, or null. */
export async function stopCovering(
  store: Store,
  agentId: string,
  actionType: string,
): Promise<StopRow | null> {
  const now = Date.now();
  let entry = cache.get(store);
  if (entry === undefined || now - entry.at > STOP_CACHE_MS) {
    entry = { at: now, stops: store.stopsInForce() };
    cache.set(store, entry);
    entry.stops.catch(() => cache.delete(store));
  }
  return (await entry.stops).find((stop) => stopCovers(stop, agentId, actionType)) ?? null;
}

/** Drops the cached stops after a stop or resume in this process. */
export function forgetStops(store: Store): void {
  cache.delete(store);
}

/**
 * The route of a proposal held by a stop: the policy's verdict and reasons stay recorded (the status
 * says `held`), and the stop is added as a reason.
 */
export function heldRoute(route: Route, stop: StopRow): Route {
  return {
    ...route,
    reasons: [
      ...route.reasons,
      {
        rule: `stop:${stop.id}`,
        route: "held",
        message: `Held: automation is stopped for ${describeScope(stop)} (${stop.reason}); it is routed again when the stop is lifted`,
      },
    ],
  };
}

/** A stop's scope in words, e.g. `agent support-bot, action type support.reply`. */
export function describeScope(stop: Pick<StopRow, "agentId" | "actionType">): string {
  if (stop.agentId === null && stop.actionType === null) return "everything";
  return [
    stop.agentId === null ? null : `agent ${stop.agentId}`,
    stop.actionType === null ? null : `action type ${stop.actionType}`,
  ]
    .filter((part) => part !== null)
    .join(", ");
}
