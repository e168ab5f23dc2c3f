import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { hostname } from "node:os";
import { getRequestListener } from "@hono/node-server";
import { pino } from "pino";
import { type AppConfig, type AppDeps, DEFAULT_APP_CONFIG } from "../app/deps.ts";
import { EventBus } from "../app/events.ts";
import { uuidV7Factory } from "../app/ids.ts";
import { installPolicy } from "../app/policy-admin.ts";
import { PolicyRegistry } from "../app/policy-registry.ts";
import { SYSTEM_ACTOR } from "../app/principal.ts";
import { loadOrCreateSigningKey } from "../app/signing-key.ts";
import { unsetExecutorSecrets } from "../execution/allowlist.ts";
import { ExecutionDispatcher } from "../execution/dispatcher.ts";
import { startAutonomyWatch } from "../learning/autonomy-watch.ts";
import { startCalibrationRefitter } from "../learning/calibration-refitter.ts";
import { notificationConfigFromEnv } from "../notifications/notification-config.ts";
import { openStore } from "../store/open-store.ts";
import type { Store } from "../store/store.ts";
import { startExpiryTimer } from "../timers/expiry-timer.ts";
import { startLadderTimer } from "../timers/ladder-timer.ts";
import { startOverloadRelease } from "../timers/overload-release.ts";
import { createHttp } from "./app.ts";
import { withDirectRoutes } from "./direct-routes.ts";

export interface ServerOptions {
  port: number;
  /** @defaultValue "127.0.0.1" */
  host?: string;
  /** Where the embedded store, the signing key and other files live. */
  dataDir: string;
  /** PostgreSQL instead of the embedded store. */
  databaseUrl?: string;
  /** An already-open store to use instead of opening one (embedding, tests); the server does not close it. */
  store?: Store;
  /** A policy file to load at start-up (stored as a new version when it differs from the active one). */
  policyFile?: string;
  config?: Partial<AppConfig>;
  /** The clock; injected by tests that move time. @defaultValue () => new Date() */
  now?: () => Date;
  /** @defaultValue "info" (or LOOPGATE_LOG_LEVEL) */
  logLevel?: string;
  /**
   * Extra handlers served beside the API, each under its own path prefix (e.g. the demo's receiver at
   * `/demo/receiver`); a request under a prefix goes to that handler and never reaches the API.
   */
  mounts?: { prefix: string; fetch: (request: Request) => Response | Promise<Response> }[];
  /** Where executors read `env:NAME` secrets (the demo passes its own). @defaultValue process.env */
  executorEnv?: Readonly<Record<string, string | undefined>>;
  /**
   * Whether API keys' bulk requests are served on Node's request directly (direct-routes.ts); false
   * sends every request through the app, which answers the same (tests compare the two).
   * @defaultValue true
   */
  directRoutes?: boolean;
}

export interface RunningServer {
  url: string;
  deps: AppDeps;
  close(): Promise<void>;
}

/**
 * Opens the store, loads the policy, starts the timers and listens. Resolves once the server
 * answers requests.
 *
 * @example
 * ```ts
 * const server = await startServer({ port: 4747, dataDir: ".loopgate", policyFile: "loopgate.yaml" });
 * console.log(server.url);
 * ```
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  // Logs go to stderr, so stdout stays for what a command prints (the URL, JSON for scripts).
  const logger = pino(
    { level: options.logLevel ?? process.env.LOOPGATE_LOG_LEVEL ?? "info" },
    pino.destination(2),
  );
  const store =
    options.store ??
    (await openStore({
      dataDir: options.dataDir,
      ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    }));
  const deps: AppDeps = {
    store,
    now: options.now ?? (() => new Date()),
    newId: uuidV7Factory(),
    policies: new PolicyRegistry(store),
    events: new EventBus(),
    logger,
    config: { ...DEFAULT_APP_CONFIG, ...notificationConfigFromEnv(), ...options.config },
  };
  await deps.policies.refresh();
  if (options.policyFile !== undefined) {
    const text = await readFile(options.policyFile, "utf8");
    const { version, changed } = await installPolicy(deps, text, SYSTEM_ACTOR, `file:${options.policyFile}`);
    logger.info(
      { version, changed, file: options.policyFile },
      changed ? "policy loaded" : "policy unchanged",
    );
  }
  const active = deps.policies.activeOrNull();
  if (active !== null) {
    for (const { actionType, kind, secret } of unsetExecutorSecrets(
      active,
      options.executorEnv ?? process.env,
    )) {
      logger.warn(
        { actionType, kind, secret },
        `the executor secret ${secret} of ${actionType} (${kind}) is not set: set it before any is approved, or each will be dead-lettered`,
      );
    }
  }
  const signingKey = await loadOrCreateSigningKey(options.dataDir);
  deps.signingKey = signingKey;
  const { app, direct } = createHttp(deps, { signingKey });
  const timer = startExpiryTimer(deps);
  const dispatcher = new ExecutionDispatcher(deps, {
    owner: `${hostname()}:${process.pid}:${deps.newId().slice(-8)}`,
    ...(options.executorEnv === undefined ? {} : { env: options.executorEnv }),
  });
  deps.executions = dispatcher;
  dispatcher.start();

  const host = options.host ?? "127.0.0.1";
  // API keys' proposals, long polls, claims and decisions take the direct path (direct-routes.ts);
  // everything else reaches the app.
  const mounts = options.mounts ?? [];
  const underApi = mounts.find((m) => m.prefix === "/v1" || m.prefix.startsWith("/v1/"));
  if (underApi !== undefined)
    throw new Error(`a mount may not sit under /v1, the API's paths: ${underApi.prefix}`);
  const appListener = getRequestListener(withMounts(app.fetch, mounts), { hostname: host });
  const server = createServer(
    options.directRoutes === false ? appListener : withDirectRoutes(direct, appListener),
  );
  await new Promise<void>((resolve, reject) => {
    // A port in use (EADDRINUSE) rejects instead of crashing the process.
    server.once("error", reject);
    server.listen(options.port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  // Agents hold connections open between proposals; keep them longer than typical client pools do.
  server.keepAliveTimeout = 65_000;
  const address = server.address() as AddressInfo;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`;
  // Deep links in notifications point here unless LOOPGATE_PUBLIC_URL names the public address.
  deps.config.publicUrl ??= url;
  const ladder = startLadderTimer(deps);
  const refitter = startCalibrationRefitter(deps);
  const autonomyWatch = startAutonomyWatch(deps);
  const overloadRelease = startOverloadRelease(deps);
  logger.info({ url, store: store.engine }, "loopgate listening");

  return {
    url,
    deps,
    async close() {
      await timer.stop();
      await dispatcher.stop();
      await ladder.stop();
      await refitter.stop();
      await autonomyWatch.stop();
      await overloadRelease.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      if (options.store === undefined) await store.close();
    },
  };
}

/** Sends requests under a mount's prefix to its handler, the rest (with the server's env) to the API. */
function withMounts<Rest extends unknown[]>(
  fetch: (request: Request, ...rest: Rest) => Response | Promise<Response>,
  mounts: NonNullable<ServerOptions["mounts"]>,
): (request: Request, ...rest: Rest) => Response | Promise<Response> {
  if (mounts.length === 0) return fetch;
  return (request, ...rest) => {
    const { pathname } = new URL(request.url);
    const mount = mounts.find((m) => pathname === m.prefix || pathname.startsWith(`${m.prefix}/`));
    return mount === undefined ? fetch(request, ...rest) : mount.fetch(request);
  };
}
