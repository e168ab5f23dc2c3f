import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { ReplayTallies } from "@loopgate/core";
import type { HistoryPosition, ReplayRange } from "../store/history-sql.ts";
import type { Store } from "../store/store.ts";
import type { ReplayCandidate } from "./policy-replay.ts";
import type { ReplaySettings } from "./replay-settings.ts";
import { replayParts } from "./replay-walk.ts";
import type { ReplayWorkerData, ReplayWorkerMessage, ReplayWorkerOrder } from "./replay-worker.ts";

/**
 * Below this many proposals replay stays on the calling thread: starting a worker (loading tsx and
 * core) costs about half a second, which a small history replays in.
 */
export const PARALLEL_REPLAY_MIN = 50_000;
/** Most worker threads a replay uses. */
const MAX_WORKERS = 4;
/** Proposals per stretch a worker is handed at a time. */
const STRETCH = 25_000;

const WORKER_ENTRY = new URL("./replay-worker-entry.js", import.meta.url);

/**
 * Replays the history on worker threads when that pays (SPEC §5 "Replay"): on the embedded store, with
 * at least {@link PARALLEL_REPLAY_MIN} proposals and two cores. The workers start at once (loading
 * their modules while the history is counted) and each replays on its own read connection (WAL lets
 * readers run side by side). The history is handed out in stretches of {@link STRETCH} proposals, the
 * next to whichever worker finishes first: parts of a history cost unequal time (newer proposals carry
 * more reviews to read), and equal halves left one core idle for a third of the run. The counts come
 * back to be merged; they are integers, so the merged report is the same as one pass would give.
 * Returns null when replay should run on this thread instead.
 */
export async function replayInParallel(
  store: Store,
  candidate: ReplayCandidate,
  settings: ReplaySettings,
  options: {
    workers?: number;
    /** Proposals per stretch handed to a worker. @defaultValue 25,000 */
    stretch?: number;
    onProgress?: (done: number, total: number) => void;
  },
): Promise<ReplayTallies[] | null> {
  const source = (
    store as Partial<{ readerSource(): { file: string; workspaceId: string } }>
  ).readerSource?.();
  if (source === undefined) return null;
  const workers = Math.min(MAX_WORKERS, options.workers ?? Math.min(2, availableParallelism()));
  if (workers < 2) return null;
  const data: ReplayWorkerData = {
    ...source,
    policyText: candidate.text,
    policyVersion: candidate.policy.version,
    settings,
    parts: replayParts(candidate.policy),
  };
  const running = Array.from({ length: workers }, () => new Worker(WORKER_ENTRY, { workerData: data }));
  const since = settings.since === null ? null : new Date(settings.since).toISOString();
  const stretches = stretchesOf(store, since, options.stretch ?? STRETCH);
  let total = 0;
  let done = 0;
  try {
    const results = running.map(
      (worker) =>
        new Promise<ReplayTallies>((resolve, reject) => {
          const handOut = () =>
            stretches
              .next()
              .then(
                (range) =>
                  worker.postMessage(
                    (range === null
                      ? { type: "finish" }
                      : { type: "replay", range }) satisfies ReplayWorkerOrder,
                  ),
                reject,
              );
          worker.on("message", (message: ReplayWorkerMessage) => {
            if (message.type === "ready" || message.type === "replayed") {
              if (message.type === "replayed") {
                done += message.count;
                options.onProgress?.(done, Math.max(total, done));
              }
              void handOut();
            } else if (message.type === "done") resolve(message.tallies);
            else reject(new Error(message.message));
          });
          worker.on("error", reject);
          worker.on("exit", (code) => reject(new Error(`a replay worker stopped (exit code ${code})`)));
        }),
    );
    // Until the history is counted, a worker's failure is seen here, not as an unhandled rejection.
    for (const result of results) result.catch(() => {});
    total = await store.historySize(settings.since);
    // A small history replays on the calling thread sooner than workers would (they are stopped).
    if (options.workers === undefined && total < PARALLEL_REPLAY_MIN) return null;
    return await Promise.all(results);
  } finally {
    await Promise.all(running.map((worker) => worker.terminate()));
  }
}

/** The history cut into stretches of `size` proposals, one after the other, on demand. */
function stretchesOf(store: Store, since: string | null, size: number) {
  let from: HistoryPosition | null = null;
  let ended = false;
  let queue: Promise<ReplayRange | null> = Promise.resolve(null);
  return {
    /** The next stretch, or null when the history is handed out; calls are served in order. */
    next(): Promise<ReplayRange | null> {
      queue = queue.then(async () => {
        if (ended) return null;
        const start = from;
        const before = await store.historyPosition(since, size, start);
        if (before === null) ended = true;
        from = before;
        return { since, from: start, after: null, before };
      });
      return queue;
    },
  };
}
