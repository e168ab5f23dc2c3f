/**
 * The embedded store's writer, on a worker thread (started through sqlite-writer-entry.js, see
 * SqliteWriter). Once it reports ready it writes every batch of its store: each batch the main
 * thread sends goes through a GroupCommit on a connection of its own, so the transaction, the
 * sealing of audit entries and the fsync of COMMIT cost this thread's time, not the event loop that
 * serves requests.
 */
import { parentPort, workerData } from "node:worker_threads";
import { GroupCommit } from "./group-commit.ts";
import { beginSqliteBatch, openSqliteWriter, SqliteRunner } from "./sqlite-connection.ts";
import {
  type CommittedResponse,
  markAnswered,
  toWireOutcome,
  type WriterRequest,
  type WriterResponse,
  type WriterStart,
} from "./sqlite-writer-protocol.ts";
import type { Change } from "./store.ts";
import { unpackChanges } from "./writer-docs.ts";

const port = parentPort;
if (port === null) throw new Error("sqlite-writer-worker.ts runs as a worker thread");
const config = workerData as WriterStart;
const answered = new Int32Array(config.answered);

// The store that starts this worker checkpoints on a thread beside it (see SqliteCheckpointer).
const db = openSqliteWriter(config.file, config.busyTimeoutMs, true);
const runner = new SqliteRunner(db);
const groupCommit = new GroupCommit({
  workspaceId: config.workspaceId,
  maxBatch: config.maxBatch,
  begin: () => beginSqliteBatch(db, runner, config.workspaceId),
});

/**
 * Every change of a request is queued in the same turn, so GroupCommit writes them in one
 * transaction (the main thread never sends more than `maxBatch`), each succeeding, conflicting or
 * failing on its own. GroupCommit settles every promise, so every change gets an outcome.
 */
async function commit(id: number, changes: Change[]): Promise<CommittedResponse> {
  const settled = await Promise.allSettled(changes.map((change) => groupCommit.commit(change)));
  return { kind: "committed", id, outcomes: settled.map(toWireOutcome) };
}

port.on("message", (request: WriterRequest) => {
  if (request.kind === "commit") {
    // An error escaping here (a failed postMessage) ends the worker; the main thread then fails the
    // batch it was waiting for instead of hanging.
    void commit(request.id, unpackChanges(request)).then((response) => {
      config.answers.postMessage(response);
      markAnswered(answered);
    });
  } else {
    void groupCommit.close().then(() => {
      db.close();
      process.exit(0);
    });
  }
});
port.postMessage({ kind: "ready" } satisfies WriterResponse);
