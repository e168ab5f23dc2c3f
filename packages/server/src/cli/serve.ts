import { type Command, InvalidArgumentError } from "commander";
import { DEFAULT_APP_CONFIG } from "../app/deps.ts";
import { dataDirFlag, describeLocation, storeLocation } from "./environment.ts";
import { note, say, sayJson } from "./output.ts";
import { parsePort } from "./parse.ts";
import { readCheckedPolicy } from "./policy-check.ts";

interface ServeFlags {
  port: number;
  host: string;
  dataDir?: string;
  policy?: string;
  json?: boolean;
  rateLimit?: number;
  workers: number;
}

/** The port `loopgate serve` listens on when not told. */
export const DEFAULT_PORT = 4747;

/**
 * HTTP worker processes when not told. One: a single process already keeps two cores busy (requests
 * on its main thread, embedded-store commits on a writer thread), and on 2 cores more processes only
 * add the cost of passing commits between them (docs/benchmarks.md); more cores gain from more.
 */
export const DEFAULT_WORKERS = 1;

/** `loopgate serve`. */
export function registerServe(program: Command): void {
  program
    .command("serve")
    .description("run the Loopgate server (API and reviewer app)")
    .option("--port <n>", "port to listen on (0 picks a free one)", parsePort, DEFAULT_PORT)
    .option("--host <host>", "interface to listen on", "127.0.0.1")
    .option(
      "--data-dir <dir>",
      "where the embedded store and signing key live (default: $LOOPGATE_DATA_DIR or .loopgate)",
    )
    .option("--policy <file>", "load this policy file at start (a new version when it changed)")
    .option(
      "--rate-limit <per-second>",
      `requests per second per API key or session, bursts of twice that (0: no limit) (default: ${DEFAULT_APP_CONFIG.rateLimit.perSecond})`,
      parseRate,
    )
    .option(
      "--workers <n>",
      "HTTP worker processes sharing the port, for machines with more than 2 cores",
      parseWorkers,
      DEFAULT_WORKERS,
    )
    .option("--json", 'print {"url"} as one JSON line once listening')
    .addHelpText(
      "after",
      `
The embedded store is used unless LOOPGATE_DATABASE_URL names a PostgreSQL database.
Stops gracefully on SIGINT (Ctrl-C) or SIGTERM.

Examples:
  $ loopgate serve --policy loopgate.yaml
  $ loopgate serve --port 8080 --host 0.0.0.0 --data-dir /var/lib/loopgate
  $ LOOPGATE_DATABASE_URL=postgres://loopgate@db/loopgate loopgate serve --policy loopgate.yaml`,
    )
    .action(async (flags: ServeFlags) => serve(flags));
}

async function serve(flags: ServeFlags): Promise<void> {
  // Checked here, as `policy check` would, before anything opens: a file that cannot be read exits 2,
  // one with problems lists them and exits 1 (the server would only refuse it with a count).
  if (flags.policy !== undefined) await readCheckedPolicy(flags.policy);
  const location = storeLocation(flags);
  // Loaded here, not at the top: the HTTP app is most of the CLI's start-up time, and only serve needs it.
  const { startServer } = await import("../http/start-server.ts");
  const start: typeof startServer =
    flags.workers > 1
      ? async (options) => {
          const { startCluster } = await import("../cluster/start-cluster.ts");
          return startCluster({ ...options, workers: flags.workers });
        }
      : startServer;
  const server = await start({
    ...(flags.rateLimit === undefined
      ? {}
      : { config: { rateLimit: { perSecond: flags.rateLimit, burst: flags.rateLimit * 2 } } }),
    port: flags.port,
    host: flags.host,
    dataDir: location.dataDir,
    ...(location.databaseUrl === undefined ? {} : { databaseUrl: location.databaseUrl }),
    ...(flags.policy === undefined ? {} : { policyFile: flags.policy }),
  });
  if (flags.json) sayJson({ url: server.url });
  else say(server.url);
  note(`Loopgate is listening on ${server.url} (${describeLocation(location)}). Ctrl-C stops it.`);
  const dirFlag = dataDirFlag(location);
  note(
    `Give an agent a key:  npx loopgate keys create${dirFlag} --name my-agent --role agent\n` +
      `and a reviewer one:   npx loopgate keys create${dirFlag} --name my-name --role reviewer\n` +
      `Let a person sign in: npx loopgate users add${dirFlag} my-name --role reviewer   (password on stdin)\n` +
      `Reviewer app:         ${server.url}/\n` +
      `API reference:        ${server.url}/openapi.json`,
  );

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        // A second signal while closing: the operator wants out now.
        note(`${signal} again: exiting without waiting.`);
        process.exit(1);
      }
      stopping = true;
      note(`${signal}: stopping (finishing requests in flight)…`);
      server.close().then(
        () => {
          note("Stopped.");
          resolve();
        },
        (error: unknown) => {
          note(`Error while stopping: ${error instanceof Error ? error.message : String(error)}`);
          process.exitCode = 1;
          resolve();
        },
      );
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}

function parseRate(value: string): number {
  const rate = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(rate)) {
    throw new InvalidArgumentError("give a whole number of requests per second, e.g. 1000 (0 for no limit)");
  }
  return rate;
}

function parseWorkers(value: string): number {
  const workers = Number(value);
  if (!/^\d+$/.test(value) || workers < 1 || workers > 256) {
    throw new InvalidArgumentError("give a number of worker processes from 1 to 256, e.g. 2");
  }
  return workers;
}
