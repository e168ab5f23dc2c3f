import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root: the CLI runs from here, as a user would run `npx loopgate` in a checkout. */
export const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

/** The `loopgate` bin, as `npx loopgate` runs it. */
export const BIN = join(REPO_ROOT, "packages/server/bin/loopgate.js");

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Variables that would point the CLI at a developer's own store or key; tests set what they need. */
const ISOLATED = ["LOOPGATE_DATABASE_URL", "LOOPGATE_DATA_DIR", "LOOPGATE_AUDIT_SIGNING_KEY"];

/**
 * Runs the real `loopgate` bin in a child process and collects its output and exit status; `input`
 * is written to its stdin (a password), which is otherwise empty.
 */
export function runCli(
  args: string[],
  options: { env?: Record<string, string>; input?: string } = {},
): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
  for (const name of ISOLATED) delete env[name];
  Object.assign(env, options.env);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: REPO_ROOT,
      env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    child.stdin.end(options.input);
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** A fresh directory under the OS temp dir, removed by the returned cleanup. */
export async function tempDir(
  prefix = "loopgate-cli-",
): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

/** A fixture file's path relative to the repository root, as a user would type it. */
export function fixture(name: string): string {
  return `packages/server/test/cli/fixtures/${name}`;
}

/**
 * Sets up a data directory as `loopgate serve --policy <fixture>` would leave it: the store, with the
 * fixture loaded as the active policy. Runs the real server in-process and stops it again.
 */
export async function dataDirWithPolicy(dataDir: string, fixtureName = "good-policy.yaml"): Promise<void> {
  const { startServer } = await import("../../src/http/start-server.ts");
  const server = await startServer({
    port: 0,
    dataDir,
    policyFile: join(REPO_ROOT, fixture(fixtureName)),
    logLevel: "silent",
  });
  await server.close();
}
