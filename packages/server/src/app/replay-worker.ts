import { parentPort, workerData } from "node:worker_threads";
import { loadPolicy } from "@loopgate/core";
import { HistoryReads, type ReplayDocPart, type ReplayRange } from "../store/history-sql.ts";
import { openSqlite, SqliteRunner } from "../store/sqlite-connection.ts";
import { newReplay, type ReplaySettings } from "./replay-settings.ts";
import { replayRange } from "./replay-walk.ts";

/**
 * What a replay worker is given (see replay-workers.ts). It loads its modules and the candidate policy,
 * says it is ready, then replays each stretch of history it is handed until it is told to finish.
 */
export interface ReplayWorkerData {
  file: string;
  workspaceId: string;
  policyText: string;
  policyVersion: number;
  settings: ReplaySettings;
  parts: ReplayDocPart[];
}

/** What the caller tells a worker: replay a stretch, or post the counts and stop. */
export type ReplayWorkerOrder = { type: "replay"; range: ReplayRange } | { type: "finish" };

/** What a worker reports: ready for a stretch, a stretch replayed, its counts, or why it failed. */
export type ReplayWorkerMessage =
  | { type: "ready" }
  | { type: "replayed"; count: number }
  | { type: "done"; tallies: ReturnType<ReturnType<typeof newReplay>["tallies"]> }
  | { type: "error"; message: string };

const post = (message: ReplayWorkerMessage) => parentPort?.postMessage(message);

/** Replays the stretches it is handed on its own read connection, then posts the counts. */
function start(data: ReplayWorkerData): void {
  // The parent loaded this text already (and judged it, if it was new): read it as stored.
  const loaded = loadPolicy(data.policyText, { version: data.policyVersion, stored: true });
  if (!loaded.ok) {
    post({ type: "error", message: "the candidate policy no longer loads" });
    return;
  }
  const db = openSqlite(data.file, 10_000);
  const reads = new HistoryReads(new SqliteRunner(db), data.workspaceId, "sqlite");
  const store = {
    replayRows: (range: ReplayRange, parts: readonly ReplayDocPart[], limit: number) =>
      reads.replayRows(range, parts, limit),
    historyDecisions: (ids: readonly string[]) => reads.decisionsOf(ids),
  };
  const replay = newReplay(loaded.policy, data.settings);
  parentPort?.on("message", (order: ReplayWorkerOrder) => {
    if (order.type === "finish") {
      db.close();
      post({ type: "done", tallies: replay.tallies() });
      return;
    }
    let count = 0;
    replayRange(store, replay, data.parts, order.range, (done) => {
      count = done;
    }).then(
      () => post({ type: "replayed", count }),
      (error: unknown) => post({ type: "error", message: (error as Error).message ?? String(error) }),
    );
  });
  post({ type: "ready" });
}

try {
  start(workerData as ReplayWorkerData);
} catch (error) {
  post({ type: "error", message: (error as Error).message ?? String(error) });
}
