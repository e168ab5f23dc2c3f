import type { AppDeps } from "./deps.ts";
import type { EventBus } from "./events.ts";

/**
 * How long the bypass check trusts a "this agent has no refused proposals of this action type"
 * answer: a rejection or block made by another replica (another server on the same PostgreSQL
 * database, or another process on the same SQLite file outside one `--workers` cluster) is seen by
 * this one's next check at most this long later. Within a replica, and across the processes of one
 * cluster (which relay their events), a refusal is seen at once.
 */
export const REFUSAL_CACHE_MS = 100;
/** Agents remembered at most; past it the cache starts over. */
const MAX_AGENTS = 10_000;
const REFUSED_STATUSES = new Set(["rejected", "blocked"]);

/** What a shared read returns: rows with their creation time, newest first. */
interface Dated {
  createdAt: string;
}

interface NoneRefused {
  /** The window start the answer covers: it also holds for any later start. */
  since: string;
  /** Trusted until this time (ms, the app's clock). */
  until: number;
}

/**
 * The negative answers of the bypass check's refused-proposals read, kept for
 * {@link REFUSAL_CACHE_MS}. Most proposals come from agents with nothing refused, and on SQLite the
 * read costs tens of microseconds of the event loop even when it finds nothing (every commit
 * invalidates the reader's page cache). Only "none" is kept: when there are refused proposals they
 * are always read fresh, so a positive check never changes. Any refusal this process sees (a
 * `rejected` or `blocked` status on the event bus) forgets its agent's answers at once.
 */
export class RefusalCache {
  readonly #none = new Map<string, Map<string, NoneRefused>>();
  /** Reads in flight, by agent and action type: later checks join them instead of reading again. */
  readonly #reading = new Map<string, { generation: number; since: string; rows: Promise<Dated[]> }>();
  /** Moves on every forget, so an answer read before a refusal is never stored after it. */
  #generation = 0;

  constructor(events: EventBus) {
    events.subscribe((event) => {
      if (event.status === null || !REFUSED_STATUSES.has(event.status)) return;
      this.#generation++;
      if (event.agentId === null) this.#none.clear();
      else this.#none.delete(event.agentId);
    });
  }

  /** The current generation, taken before reading so {@link rememberNone} can tell if it is stale. */
  get generation(): number {
    return this.#generation;
  }

  /**
   * The agent's refused proposals of the type since `since`, read by `read` — or by a read of the same
   * agent and type already in flight, begun for the same or an earlier window and before any refusal
   * this process has seen since; its rows are cut to `since`. Without this, every check arriving
   * while the "none refused" answer is being renewed reads too: on PostgreSQL, under load, that was a
   * read for a third of all proposals. A "none" answer is remembered as by {@link rememberNone}.
   *
   * @example
   * ```ts
   * const rows = await cache.readShared("bot", "billing.refund", since, Date.now(), () =>
   *   store.refusedProposals("bot", "billing.refund", since, 20),
   * );
   * ```
   */
  async readShared<Row extends Dated>(
    agentId: string,
    actionType: string,
    since: string,
    nowMs: number,
    read: () => Promise<Row[]>,
  ): Promise<Row[]> {
    const key = `${agentId}\u0000${actionType}`;
    const pending = this.#reading.get(key);
    if (pending !== undefined && pending.generation === this.#generation && pending.since <= since) {
      const rows = (await pending.rows) as Row[];
      return rows.filter((row) => row.createdAt >= since);
    }
    const generation = this.#generation;
    const entry = { generation, since, rows: read() };
    this.#reading.set(key, entry);
    try {
      const rows = (await entry.rows) as Row[];
      if (rows.length === 0) this.rememberNone(agentId, actionType, since, nowMs, generation);
      return rows;
    } finally {
      if (this.#reading.get(key) === entry) this.#reading.delete(key);
    }
  }

  /** True when the agent is known to have no refused proposals of the type since `since`. */
  knownNone(agentId: string, actionType: string, since: string, nowMs: number): boolean {
    const known = this.#none.get(agentId)?.get(actionType);
    return known !== undefined && known.until > nowMs && known.since <= since;
  }

  /** Remembers that a read begun at `generation` found no refused proposals since `since`. */
  rememberNone(agentId: string, actionType: string, since: string, nowMs: number, generation: number): void {
    if (generation !== this.#generation) return;
    let types = this.#none.get(agentId);
    if (types === undefined) {
      if (this.#none.size >= MAX_AGENTS) this.#none.clear();
      types = new Map();
      this.#none.set(agentId, types);
    }
    types.set(actionType, { since, until: nowMs + REFUSAL_CACHE_MS });
  }
}

const caches = new WeakMap<EventBus, RefusalCache>();

/** The cache of a server (one per event bus). */
export function refusalCacheOf(deps: Pick<AppDeps, "events">): RefusalCache {
  let cache = caches.get(deps.events);
  if (cache === undefined) {
    cache = new RefusalCache(deps.events);
    caches.set(deps.events, cache);
  }
  return cache;
}
