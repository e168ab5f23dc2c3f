import cluster, { type Worker } from "node:cluster";
import { readFile } from "node:fs/promises";
import { pino } from "pino";
import { type AppDeps, DEFAULT_APP_CONFIG } from "../app/deps.ts";
import { EventBus } from "../app/events.ts";
import { uuidV7Factory } from "../app/ids.ts";
import { installPolicy } from "../app/policy-admin.ts";
import { PolicyRegistry } from "../app/policy-registry.ts";
import { SYSTEM_ACTOR } from "../app/principal.ts";
import { loadOrCreateSigningKey } from "../app/signing-key.ts";
import type { RunningServer, ServerOptions } from "../http/start-server.ts";
import { openStore } from "../store/open-store.ts";
import { SqliteStore } from "../store/sqlite-store.ts";
import { toWireOutcome } from "../store/sqlite-writer-protocol.ts";
import type { Change, Store } from "../store/store.ts";
import { unpackChanges } from "../store/writer-docs.ts";
import {
  type PrimaryMessage,
  WORKER_CONFIG_ENV,
  type WorkerConfig,
  type WorkerMessage,
} from "./cluster-protocol.ts";

export interface ClusterOptions extends Omit<ServerOptions, "store" | "now" | "mounts"> {
  /** HTTP worker processes; each serves the whole API on the shared port. */
  workers: number;
}

/** How long a stopping worker may take to finish its requests before it is killed. */
const STOP_GRACE_MS = 10_000;

const WORKER_ENTRY = new URL("./cluster-worker-entry.js", import.meta.url).pathname;

/**
 * `loopgate serve --workers N`: N HTTP worker processes share the port (node:cluster hands each new
 * connection to one of them), so request handling — parsing, validation, signals, routing, JSON —
 * runs on N cores instead of one.
 *
 * This process is the primary. It migrates the store, loads the policy file and the signing key
 * before any worker starts, relays change events between workers, and restarts a worker that dies.
 * On the embedded store it is also the one writer: workers read the file themselves but send their
 * commits here, where one group commit writes the changes of every worker in one transaction and one
 * fsync, and appends the audit chain in one process. A worker answers a request only after the
 * primary reported its commit done, so acknowledged writes stay durable. On PostgreSQL each worker
 * commits itself, as any replica does (the chain head row lock orders them).
 *
 * Per-process state is per worker: the rate limit counts each worker's requests apart, and the
 * short API key cache of each worker expires on its own.
 *
 * @example
 * ```ts
 * const server = await startCluster({ port: 4747, dataDir: ".loopgate", policyFile: "loopgate.yaml", workers: 2 });
 * console.log(server.url);
 * ```
 */
export async function startCluster(options: ClusterOptions): Promise<RunningServer> {
  if (!cluster.isPrimary) throw new Error("startCluster runs in the primary process");
  const logger = pino(
    { level: options.logLevel ?? process.env.LOOPGATE_LOG_LEVEL ?? "info" },
    pino.destination(2),
  );
  const embedded = options.databaseUrl === undefined || options.databaseUrl === "";
  const store: Store = embedded ? await openEmbeddedWriter(options.dataDir) : await openStore(options);
  const deps: AppDeps = {
    store,
    now: () => new Date(),
    newId: uuidV7Factory(),
    policies: new PolicyRegistry(store),
    events: new EventBus(),
    logger,
    config: { ...DEFAULT_APP_CONFIG, ...options.config },
  };
  try {
    await deps.policies.refresh();
    if (options.policyFile !== undefined) {
      const text = await readFile(options.policyFile, "utf8");
      const { version, changed } = await installPolicy(
        deps,
        text,
        SYSTEM_ACTOR,
        `file:${options.policyFile}`,
      );
      logger.info(
        { version, changed, file: options.policyFile },
        changed ? "policy loaded" : "policy unchanged",
      );
    }
    await loadOrCreateSigningKey(options.dataDir);
  } catch (error) {
    await store.close();
    throw error;
  }

  const workerConfig: WorkerConfig = {
    port: options.port,
    host: options.host ?? "127.0.0.1",
    dataDir: options.dataDir,
    ...(embedded ? {} : { databaseUrl: options.databaseUrl }),
    ...(options.config === undefined ? {} : { config: options.config }),
    ...(options.logLevel === undefined ? {} : { logLevel: options.logLevel }),
    remoteCommits: embedded,
  };
  cluster.setupPrimary({ exec: WORKER_ENTRY, serialization: "advanced" });

  let stopping = false;
  const listening = new Map<Worker, string>();
  let firstUrl: ((url: string) => void) | null = null;
  let startFailed: ((error: Error) => void) | null = null;
  const allListening = new Promise<string>((resolve, reject) => {
    firstUrl = resolve;
    startFailed = reject;
  });

  const fork = (): Worker => {
    const worker = cluster.fork({ [WORKER_CONFIG_ENV]: JSON.stringify(workerConfig) });
    worker.on("message", (message: WorkerMessage) => {
      switch (message.kind) {
        case "listening":
          listening.set(worker, message.url);
          if (listening.size === options.workers) firstUrl?.(message.url);
          return;
        case "commit":
          void commitFor(worker, message.id, unpackChanges(message));
          return;
        case "events":
          for (const other of Object.values(cluster.workers ?? {})) {
            if (other !== undefined && other !== worker)
              sendTo(other, { kind: "events", events: message.events });
          }
          return;
      }
    });
    worker.on("exit", (code, signal) => {
      const wasListening = listening.delete(worker);
      if (stopping) return;
      if (!wasListening) {
        // A worker that never came up (bad configuration, port taken) would fail again: give up.
        startFailed?.(
          new Error(`a Loopgate worker exited before listening (code ${code}, signal ${signal})`),
        );
        return;
      }
      logger.error({ code, signal }, "a Loopgate worker stopped; starting another");
      fork();
    });
    return worker;
  };

  const commitFor = async (worker: Worker, id: number, changes: Change[]) => {
    const settled = await Promise.allSettled(changes.map((change) => store.commit(change)));
    const outcomes = settled.map(toWireOutcome);
    // A worker that died meanwhile gets no answer; its agents retry with their Idempotency-Key.
    sendTo(worker, { kind: "committed", id, outcomes });
  };

  for (let i = 0; i < options.workers; i++) fork();
  let url: string;
  try {
    url = await allListening;
  } catch (error) {
    stopping = true;
    await stopWorkers();
    await store.close();
    throw error;
  }
  startFailed = null;
  logger.info({ url, store: store.engine, workers: options.workers }, "loopgate listening");

  let closing: Promise<void> | null = null;
  return {
    url,
    deps,
    close() {
      stopping = true;
      closing ??= stopWorkers().then(() => store.close());
      return closing;
    },
  };
}

/** The embedded store, written on this thread: the primary serves no requests. */
async function openEmbeddedWriter(dataDir: string): Promise<Store> {
  const store = new SqliteStore({ dataDir, writerThread: false });
  try {
    await store.migrate();
  } catch (error) {
    await store.close().catch(() => {});
    throw error;
  }
  return store;
}

/** Asks every worker to finish its requests and exit; kills those that take too long. */
async function stopWorkers(): Promise<void> {
  const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
  await Promise.all(
    workers.map(
      (worker) =>
        new Promise<void>((resolve) => {
          if (worker.isDead()) return resolve();
          const timer = setTimeout(() => worker.process.kill("SIGKILL"), STOP_GRACE_MS);
          worker.once("exit", () => {
            clearTimeout(timer);
            resolve();
          });
          sendTo(worker, { kind: "stop" });
        }),
    ),
  );
}

function sendTo(worker: Worker, message: PrimaryMessage): void {
  if (!worker.isConnected()) return;
  worker.send(message, undefined, () => {
    // An error here means the worker is gone; its exit handler deals with it.
  });
}
