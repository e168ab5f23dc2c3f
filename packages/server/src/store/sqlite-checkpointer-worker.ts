/**
 * The embedded store's checkpointer, on a worker thread (started through
 * sqlite-checkpointer-entry.js, see SqliteCheckpointer). Each request runs one PASSIVE checkpoint on
 * a connection of its own and reports how far it got.
 */
import { parentPort, workerData } from "node:worker_threads";
import type {
  CheckpointerConfig,
  CheckpointerRequest,
  CheckpointerResponse,
} from "./sqlite-checkpointer-protocol.ts";
import { openSqliteCheckpointer, runCheckpoint } from "./sqlite-connection.ts";

const port = parentPort;
if (port === null) throw new Error("sqlite-checkpointer-worker.ts runs as a worker thread");
const config = workerData as CheckpointerConfig;
const db = openSqliteCheckpointer(config.file, config.busyTimeoutMs);

port.on("message", (request: CheckpointerRequest) => {
  if (request.kind === "close") {
    db.close();
    process.exit(0);
  }
  let response: CheckpointerResponse;
  try {
    response = { kind: "checkpointed", ...runCheckpoint(db) };
  } catch (error) {
    response = { kind: "failed", message: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(response);
});
port.postMessage({ kind: "ready" } satisfies CheckpointerResponse);
