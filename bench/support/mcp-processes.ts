import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { createInterface } from "node:readline";
import { promisify } from "node:util";

const LOOPGATE = new URL("../../packages/server/bin/loopgate.js", import.meta.url).pathname;
/** The real filesystem MCP server, the upstream of the MCP gateway benchmark. */
export const FILESYSTEM_SERVER = createRequire(import.meta.url).resolve(
  "@modelcontextprotocol/server-filesystem/dist/index.js",
);
export const LOOPGATE_BIN = LOOPGATE;

/** `loopgate serve --json` on a data dir, plus an agent key made with `loopgate keys create`. */
export async function startLoopgate(
  dataDir: string,
  policy: string,
): Promise<{ url: string; key: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [LOOPGATE, "serve", "--port", "0", "--data-dir", dataDir, "--policy", policy, "--json"],
    { stdio: ["ignore", "pipe", "ignore"], env: { ...process.env, LOOPGATE_LOG_LEVEL: "silent" } },
  );
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`loopgate serve exited with ${code}`)));
  });
  const { url } = JSON.parse(line) as { url: string };
  const { stdout } = await promisify(execFile)(process.execPath, [
    LOOPGATE,
    "keys",
    "create",
    "--data-dir",
    dataDir,
    "--name",
    "bench-agent",
    "--role",
    "agent",
  ]);
  return { url, key: stdout.trim(), child };
}
