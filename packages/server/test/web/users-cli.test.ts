import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "../../src/http/start-server.ts";
import { type CliRun, REPO_ROOT, runCli, tempDir } from "../cli/run-cli.ts";
import { DESK_POLICY } from "./support/desk.ts";

/** Runs the real `loopgate` bin with `input` on stdin. */
function runWithInput(args: string[], input: string): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
  delete env.LOOPGATE_DATABASE_URL;
  delete env.LOOPGATE_DATA_DIR;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, "packages/server/bin/loopgate.js"), ...args], {
      cwd: REPO_ROOT,
      env,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => {
      stdout += c;
    });
    child.stderr.setEncoding("utf8").on("data", (c: string) => {
      stderr += c;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe("loopgate users, beside a running server", () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  let server: RunningServer;

  beforeAll(async () => {
    dir = await tempDir("loopgate-users-");
    server = await startServer({ port: 0, dataDir: dir.path, policyFile: DESK_POLICY, logLevel: "silent" });
  });
  afterAll(async () => {
    await server.close();
    await dir.cleanup();
  });

  const signIn = (name: string, password: string) =>
    fetch(`${server.url}/v1/session`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name, password }),
    });

  it("adds a person whose password comes from stdin; they can sign in at once", async () => {
    const added = await runWithInput(
      [
        "users",
        "add",
        "rita",
        "--role",
        "reviewer",
        "--queues",
        "support,billing",
        "--json",
        "--data-dir",
        dir.path,
      ],
      "a long enough secret\n",
    );
    expect(added.stderr).toContain("Added reviewer rita");
    expect(added.code).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({
      name: "rita",
      role: "reviewer",
      queues: ["support", "billing"],
      pii: false,
    });
    const response = await signIn("rita", "a long enough secret");
    expect(response.status).toBe(201);
    expect(((await response.json()) as any).user.queues).toEqual(["support", "billing"]);
  });

  it("refuses a short password and a taken name, and never stores or prints the password", async () => {
    const short = await runWithInput(
      ["users", "add", "sam", "--role", "owner", "--data-dir", dir.path],
      "short\n",
    );
    expect(short.code).toBe(2);
    expect(short.stderr).toContain("at least 10 characters");
    const taken = await runWithInput(
      ["users", "add", "rita", "--role", "owner", "--data-dir", dir.path],
      "another long secret\n",
    );
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain(
      `rita already exists (a reviewer): set their password with: loopgate users passwd rita --data-dir ${dir.path}`,
    );
    const listed = await runCli(["users", "list", "--json", "--data-dir", dir.path]);
    expect(listed.code).toBe(0);
    const people = listed.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(people).toEqual([expect.objectContaining({ name: "rita", password: true })]);
    expect(listed.stdout).not.toContain("scrypt");
    const audit = await server.deps.store.listAudit({ type: "user.created" }, 10);
    expect(JSON.stringify(audit.items)).not.toMatch(/scrypt|long enough secret/);
  });

  it("sets a new password with `users passwd`; the old one stops working", async () => {
    const changed = await runWithInput(
      ["users", "passwd", "rita", "--data-dir", dir.path],
      "a brand new secret\n",
    );
    expect(changed.code).toBe(0);
    expect((await signIn("rita", "a long enough secret")).status).toBe(401);
    expect((await signIn("rita", "a brand new secret")).status).toBe(201);
  });
});
