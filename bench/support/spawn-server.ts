import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { SERVER_NODE_FLAGS } from "./server-node-flags.ts";

export interface BenchServer {
  url: string;
  key: string;
  reviewerKeys: string[];
  engine: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts bench-server.ts in a child process, with the node flags `loopgate` runs with, and waits for its
 * JSON line. Anything else the server prints on stdout — V8's `--trace-gc` lines, say — is passed on
 * to stderr marked `[server]`.
 */
export async function spawnBenchServer(env: Record<string, string | undefined> = {}): Promise<BenchServer> {
  // BENCH_SERVER_NODE_ARGS, e.g. "--cpu-prof" or "--perf-basic-prof", profiles the server side of a run;
  // it comes after the CLI's own flags, so it can also override one (V8 takes the last).
  const extra = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const child = spawn(
    process.execPath,
    [
      ...SERVER_NODE_FLAGS,
      ...extra,
      "--import",
      "tsx",
      new URL("./bench-server.ts", import.meta.url).pathname,
    ],
    {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const lines = createInterface({ input: child.stdout! });
  let announced = false;
  const first = await new Promise<string>((resolve, reject) => {
    lines.on("line", (line) => {
      if (!announced && line.startsWith("{")) {
        announced = true;
        resolve(line);
      } else {
        process.stderr.write(`[server] ${line}\n`);
      }
    });
    child.once("exit", (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  const info = JSON.parse(first) as Omit<BenchServer, "child" | "stop">;
  return {
    ...info,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
