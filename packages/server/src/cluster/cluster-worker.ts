/**
 * One HTTP worker of `loopgate serve --workers N`: the whole HTTP app over its own read connection,
 * started with the {@link WorkerConfig} the primary put in its environment (see start-cluster.ts).
 * On the embedded store its commits go to the primary, the one writer of the file; on PostgreSQL
 * it commits itself, as any replica does. Change events are relayed through the primary so that
 * long polls, SSE streams and the active policy follow changes made in any worker.
 */
import type { ChangeEvent } from "../app/events.ts";
import { startServer } from "../http/start-server.ts";
import { openStore } from "../store/open-store.ts";
import { SqliteStore } from "../store/sqlite-store.ts";
import type { Change, CommitResult, Store } from "../store/store.ts";
import {
  type PrimaryMessage,
  WORKER_CONFIG_ENV,
  type WorkerConfig,
  type WorkerMessage,
} from "./cluster-protocol.ts";
import { RemoteCommits } from "./remote-commits.ts";

const config = JSON.parse(process.env[WORKER_CONFIG_ENV] ?? "null") as WorkerConfig | null;
if (config === null || process.send === undefined) {
  throw new Error("cluster-worker.ts runs as a worker of `loopgate serve --workers`");
}
const send = (message: WorkerMessage): void => {
  process.send!(message);
};

/** The embedded store, reading the file itself and committing through the primary. */
class WorkerSqliteStore extends SqliteStore {
  constructor(
    dataDir: string,
    private readonly remote: RemoteCommits,
  ) {
    super({ dataDir, writerThread: false });
  }

  override commit(change: Change): Promise<CommitResult> {
    return this.remote.commit(change);
  }
}

const remote = config.remoteCommits ? new RemoteCommits(send) : null;
const store: Store =
  remote === null
    ? await openStore({
        dataDir: config.dataDir,
        ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
      })
    : new WorkerSqliteStore(config.dataDir, remote);
const server = await startServer({
  port: config.port,
  host: config.host,
  dataDir: config.dataDir,
  store,
  ...(config.config === undefined ? {} : { config: config.config }),
  ...(config.logLevel === undefined ? {} : { logLevel: config.logLevel }),
});

// Events published here go to the other workers, those of one turn in one message; events relayed
// from them are published here without going back. Publishing is synchronous, so the flag covers
// exactly the relayed events.
let relaying = false;
let outgoing: ChangeEvent[] = [];
server.deps.events.subscribe((event) => {
  if (relaying) return;
  outgoing.push(event);
  if (outgoing.length === 1) {
    setImmediate(() => {
      const events = outgoing;
      outgoing = [];
      send({ kind: "events", events });
    });
  }
});

let stopping: Promise<void> | null = null;
const stop = (exitCode: number): Promise<void> => {
  stopping ??= server
    .close()
    .then(() => store.close())
    .catch((error: unknown) => {
      server.deps.logger.error({ err: error }, "worker did not stop cleanly");
      exitCode = 1;
    })
    .then(() => process.exit(exitCode));
  return stopping;
};

process.on("message", (message: PrimaryMessage) => {
  switch (message.kind) {
    case "committed":
      remote?.settle(message);
      return;
    case "events":
      relaying = true;
      try {
        for (const event of message.events) server.deps.events.publish(event);
      } finally {
        relaying = false;
      }
      // Another worker stored a new policy version: route by it here too.
      if (message.events.some((event) => event.type === "policy.loaded")) void server.deps.policies.refresh();
      return;
    case "stop":
      void stop(0);
      return;
  }
});
// The primary is gone (it crashed or was killed): nothing can be committed any more.
process.on("disconnect", () => {
  remote?.failAll(new Error("the Loopgate primary process stopped; retry with the same Idempotency-Key"));
  void stop(1);
});
// The primary decides when workers stop; a signal to the process group must not cut requests short.
process.on("SIGINT", () => {});
process.on("SIGTERM", () => {});

send({ kind: "listening", url: server.url });
