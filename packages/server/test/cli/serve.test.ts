import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { REPO_ROOT, runCli, tempDir } from "./run-cli.ts";

let dataDir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ path: dataDir, cleanup } = await tempDir());
});
afterEach(async () => {
  await cleanup();
});

describe("loopgate serve", () => {
  it("prints its URL, accepts keys created beside it and stops gracefully on SIGINT", async () => {
    const env = { ...process.env };
    delete env.LOOPGATE_DATABASE_URL;
    const child = spawn(
      process.execPath,
      [
        join(REPO_ROOT, "packages/server/bin/loopgate.js"),
        "serve",
        "--port",
        "0",
        "--data-dir",
        dataDir,
        "--json",
      ],
      { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));

    const url = await new Promise<string>((resolve, reject) => {
      let stdout = "";
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        stdout += chunk;
        for (const line of stdout.split("\n")) {
          // Only the CLI's own line has exactly one field, `url`.
          const parsed = tryJson(line);
          if (parsed !== null && Object.keys(parsed).join() === "url") resolve(String(parsed.url));
        }
      });
      void exited.then(() => reject(new Error(`serve exited before listening: ${stderr}`)));
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${url}/healthz`);
    expect(response.status).toBeLessThan(500);

    // A key created by the CLI beside the running server works at once (SPEC §6).
    const created = await runCli([
      "keys",
      "create",
      "--data-dir",
      dataDir,
      "--name",
      "bot",
      "--role",
      "agent",
    ]);
    expect(created.code).toBe(0);
    const anonymous = await fetch(`${url}/v1/actions`);
    expect(anonymous.status).toBe(401);
    const authorised = await fetch(`${url}/v1/actions`, {
      headers: { authorization: `Bearer ${created.stdout.trim()}` },
    });
    expect(authorised.status).not.toBe(401);

    child.kill("SIGINT");
    expect(await exited).toBe(0);
    expect(stderr).toContain("Stopped.");
  });
});

function tryJson(line: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(line);
    return value !== null && typeof value === "object" ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
