import type { CompiledPolicy, QueueLoad } from "@loopgate/core";
import type { Store } from "../store/store.ts";

/**
 * How long this process trusts what it read of the queues' open reviews. Overload is a matter of
 * hundreds of reviews, so a second's lag changes nothing; reading every proposal would.
 */
export const QUEUE_LOAD_CACHE_MS = 1000;

const NONE: ReadonlyMap<string, QueueLoad> = new Map();
const cache = new WeakMap<
  Store,
  { at: number; policy: CompiledPolicy; load: Promise<Map<string, QueueLoad>> }
>();

/**
 * The queues past their capacity that the policy's `overload` section covers, with their load: open
 * (pending and escalated) reviews against capacity. No read at all when the policy has no `overload`
 * section; otherwise one indexed count per second per process.
 *
 * @example
 * ```ts
 * const overloaded = await overloadedQueues(deps.store, policy);
 * overloaded.get("support"); // { open: 512, capacity: 500 } when past capacity, else undefined
 * ```
 */
export async function overloadedQueues(
  store: Store,
  policy: CompiledPolicy,
): Promise<ReadonlyMap<string, QueueLoad>> {
  if (policy.overload.size === 0) return NONE;
  const now = Date.now();
  let entry = cache.get(store);
  if (entry === undefined || entry.policy !== policy || now - entry.at > QUEUE_LOAD_CACHE_MS) {
    entry = { at: now, policy, load: readLoad(store, policy) };
    cache.set(store, entry);
    entry.load.catch(() => cache.delete(store));
  }
  return entry.load;
}

/** Forgets the cached load (tests, and a process that just opened or closed many reviews). */
export function forgetQueueLoad(store: Store): void {
  cache.delete(store);
}

async function readLoad(store: Store, policy: CompiledPolicy): Promise<Map<string, QueueLoad>> {
  const watched = [...policy.overload.keys()].filter((q) => policy.queues.get(q)?.capacity != null);
  const overloaded = new Map<string, QueueLoad>();
  if (watched.length === 0) return overloaded;
  for (const row of await store.queueSummary(watched)) {
    const capacity = policy.queues.get(row.queue)?.capacity;
    if (capacity != null && row.open > capacity) overloaded.set(row.queue, { open: row.open, capacity });
  }
  return overloaded;
}

/** The queue whose overload holds a proposal, from its route's reasons; null when none does. */
export function overloadHoldQueue(reasons: readonly { rule: string; route: string }[]): string | null {
  const reason = reasons.find((r) => r.route === "held" && r.rule.startsWith("overload:"));
  return reason === undefined ? null : reason.rule.slice("overload:".length);
}
