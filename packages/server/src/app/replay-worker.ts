import { parentPort, workerData } from "node:worker_threads";
import { loadPolicy } from "@loopgate/core";
import { HistoryReads, type ReplayDocPart, type ReplayRange } from "../store/history-sql.ts";
import { openSqlite, SqliteRunner } from "../store/sqlite-connection.ts";
import { newReplay, type ReplaySettings } from "./replay-settings.ts";
import { replayRange } from "./replay-walk.ts";

/** What a replay worker is given (see replay-workers.ts). */
export interface ReplayWorkerData {
  file: string;
  workspaceId: string;
  policyText: string;
  policyVersion: number;
  settings: ReplaySettings;
  parts: ReplayDocPart[];
  range: ReplayRange;
}

/** What it reports: progress after each page, then its tallies, or why it failed. */
export type ReplayWorkerMessage =
  | { type: "progress"; done: number }
  | { type: "done"; tallies: ReturnType<ReturnType<typeof newReplay>["tallies"]> }
  | { type: "error"; message: string };

/** Replays one part of the history on its own read connection and posts the counts. */
async function run(data: ReplayWorkerData): Promise<ReplayWorkerMessage> {
  const loaded = loadPolicy(data.policyText, { version: data.policyVersion });
  if (!loaded.ok) return { type: "error", message: "the candidate policy no longer loads" };
  const db = openSqlite(data.file, 10_000);
  try {
    const reads = new HistoryReads(new SqliteRunner(db), data.workspaceId, "sqlite");
    const replay = newReplay(loaded.policy, data.settings);
    await replayRange(
      {
        replayRows: (range, parts, limit) => reads.replayRows(range, parts, limit),
        historyDecisions: (ids) => reads.decisionsOf(ids),
      },
      replay,
      data.parts,
      data.range,
      (done) => parentPort?.postMessage({ type: "progress", done } satisfies ReplayWorkerMessage),
    );
    return { type: "done", tallies: replay.tallies() };
  } finally {
    db.close();
  }
}

run(workerData as ReplayWorkerData).then(
  (message) => parentPort?.postMessage(message),
  (error: unknown) =>
    parentPort?.postMessage({
      type: "error",
      message: (error as Error).message ?? String(error),
    } satisfies ReplayWorkerMessage),
);
