import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { ReplayTallies } from "@loopgate/core";
import type { HistoryPosition } from "../store/history-sql.ts";
import type { Store } from "../store/store.ts";
import type { ReplayCandidate } from "./policy-replay.ts";
import type { ReplaySettings } from "./replay-settings.ts";
import { replayParts } from "./replay-walk.ts";
import type { ReplayWorkerData, ReplayWorkerMessage } from "./replay-worker.ts";

/**
 * Below this many proposals replay stays on the calling thread: starting a worker (loading tsx and
 * core) costs about half a second, which a small history replays in.
 */
export const PARALLEL_REPLAY_MIN = 50_000;
/** Most worker threads a replay uses. */
const MAX_WORKERS = 4;

const WORKER_ENTRY = new URL("./replay-worker-entry.js", import.meta.url);

/**
 * Replays the history on worker threads when that pays (SPEC §5 "Replay"): on the embedded store, with
 * at least {@link PARALLEL_REPLAY_MIN} proposals and two cores, the history is cut into equal parts by
 * position, each replayed by a worker on its own read connection (WAL lets readers run side by side),
 * and their counts come back to be merged. The counts are integers, so the merged report is the same
 * as one pass would give. Returns null when replay should run on this thread instead.
 */
export async function replayInParallel(
  store: Store,
  candidate: ReplayCandidate,
  settings: ReplaySettings,
  options: { total: number | null; workers?: number; onProgress?: (done: number, total: number) => void },
): Promise<ReplayTallies[] | null> {
  const source = (
    store as Partial<{ readerSource(): { file: string; workspaceId: string } }>
  ).readerSource?.();
  if (source === undefined) return null;
  const workers = Math.min(MAX_WORKERS, options.workers ?? Math.min(2, availableParallelism()));
  if (workers < 2) return null;
  const total = options.total ?? (await store.historySize(settings.since));
  if (options.workers === undefined && total < PARALLEL_REPLAY_MIN) return null;

  const starts: (HistoryPosition | null)[] = [null];
  for (let k = 1; k < workers; k++)
    starts.push(await store.historyPosition(settings.since, Math.floor((k * total) / workers)));
  const parts = replayParts(candidate.policy);
  // Stored times are `toISOString()` text: a bound given with an offset is brought to that form.
  const since = settings.since === null ? null : new Date(settings.since).toISOString();
  const done = new Array<number>(workers).fill(0);
  const running: Worker[] = [];
  try {
    return await Promise.all(
      starts.map((from, k) => {
        const data: ReplayWorkerData = {
          ...source,
          policyText: candidate.text,
          policyVersion: candidate.policy.version,
          settings,
          parts,
          range: { since, from, after: null, before: starts[k + 1] ?? null },
        };
        return new Promise<ReplayTallies>((resolve, reject) => {
          const worker = new Worker(WORKER_ENTRY, { workerData: data });
          running.push(worker);
          worker.on("message", (message: ReplayWorkerMessage) => {
            if (message.type === "progress") {
              done[k] = message.done;
              const sum = done.reduce((a, b) => a + b, 0);
              options.onProgress?.(sum, Math.max(total, sum));
            } else if (message.type === "done") resolve(message.tallies);
            else reject(new Error(message.message));
          });
          worker.on("error", reject);
          worker.on("exit", (code) => reject(new Error(`a replay worker stopped (exit code ${code})`)));
        });
      }),
    );
  } finally {
    await Promise.all(running.map((worker) => worker.terminate()));
  }
}
