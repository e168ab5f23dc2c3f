import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Loopgate } from "@loopgate/sdk";
import { startTestServer, type TestServer } from "../../../server/test/http/test-server.ts";

/** A real Loopgate for an example's test: the example's policy, an agent key, a reviewer, a work dir. */
export interface ExampleServer {
  server: TestServer;
  env: NodeJS.ProcessEnv;
  reviewer: Loopgate;
  dir: string;
  close(): Promise<void>;
}

export async function startExampleServer(policyFile: string): Promise<ExampleServer> {
  const server = await startTestServer("sqlite", { policyFile });
  const dir = await mkdtemp(join(tmpdir(), "loopgate-example-"));
  const env = {
    ...process.env,
    LOOPGATE_URL: server.url,
    LOOPGATE_API_KEY: await server.key("example-agent", "agent"),
    REFUNDS_LOG: join(dir, "refunds.log"),
  };
  const reviewer = new Loopgate({ url: server.url, apiKey: await server.key("anna", "reviewer") });
  return {
    server,
    env,
    reviewer,
    dir,
    async close() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Runs an example script with tsx, as `node --import tsx script …args`. */
export function runScript(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): ChildProcess & { output: Promise<string>; stderr(): string } {
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const output = new Promise<string>((resolve, reject) => {
    child.on("exit", (code, signal) =>
      code === 0 ? resolve(stdout) : reject(new Error(`${script} exited ${code ?? signal}: ${stderr}`)),
    );
  });
  output.catch(() => {}); // a killed child is expected in restart tests
  return Object.assign(child, { output, stderr: () => stderr });
}

/** Waits for the first open review and returns it. */
export async function firstReview(reviewer: Loopgate, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [review] = (await reviewer.listReviews()).items;
    if (review !== undefined) return review;
    if (Date.now() > deadline) throw new Error("no review appeared");
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Polls `check` until it holds. */
export async function until(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 25));
  }
}
