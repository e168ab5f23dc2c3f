import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
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

describe("loopgate serve --policy", () => {
  it("lists a policy's problems as policy check does and exits 1, before opening any store", async () => {
    const broken = join(dataDir, "broken.yaml");
    await writeFile(
      broken,
      [
        "version: 1",
        "actions:",
        "  support.reply:",
        "    reviewQueue: support",
        "  billing.refund:",
        "    reversable: true",
        "",
      ].join("\n"),
    );
    const check = await runCli(["policy", "check", broken]);
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/^.*broken\.yaml:4:5 actions\.support\.reply\.reviewQueue: /);
    expect(check.stdout).toContain("broken.yaml:6:5 actions.billing.refund.reversable: ");

    const store = join(dataDir, "store");
    const serve = await runCli(["serve", "--port", "0", "--data-dir", store, "--policy", broken]);
    expect(serve.code).toBe(1);
    expect(serve.stdout).toBe("");
    // The same lines `policy check` prints, on stderr (they are why serve did not start), then one line.
    expect(serve.stderr).toBe(
      `${check.stdout}loopgate: not started: ${broken} has 2 problems (listed above); fix them and start again\n`,
    );
    expect(existsSync(store)).toBe(false);
  });

  it("exits 2 for a policy file that cannot be read, in policy check's words", async () => {
    const check = await runCli(["policy", "check", "nonexistent.yaml"]);
    const serve = await runCli([
      "serve",
      "--port",
      "0",
      "--data-dir",
      dataDir,
      "--policy",
      "nonexistent.yaml",
    ]);
    expect([check.code, serve.code]).toEqual([2, 2]);
    expect(serve.stderr).toBe("loopgate: cannot read nonexistent.yaml: no such file\n");
    expect(serve.stderr).toBe(check.stderr);
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
