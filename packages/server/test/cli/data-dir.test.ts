import { existsSync } from "node:fs";
import { mkdir, readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sqliteFile } from "../../src/store/sqlite-store.ts";
import { runCli, tempDir } from "./run-cli.ts";

let root: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ path: root, cleanup } = await tempDir());
});
afterAll(async () => {
  await cleanup();
});

/** Commands that only read the store, or change what must already be in it. */
const NEEDS_A_STORE: [string, (dir: string) => string[]][] = [
  ["keys list", (dir) => ["keys", "list", "--data-dir", dir]],
  ["users list", (dir) => ["users", "list", "--data-dir", dir]],
  ["users passwd", (dir) => ["users", "passwd", "rita", "--data-dir", dir]],
  ["audit export", (dir) => ["audit", "export", "--data-dir", dir, "--out", `${dir}.jsonl`]],
  ["export feedback", (dir) => ["export", "feedback", "--data-dir", dir, "--out", `${dir}.jsonl`]],
  ["autonomy", (dir) => ["autonomy", "--data-dir", dir]],
  ["policy replay", (dir) => ["policy", "replay", "--data-dir", dir]],
  ["stop", (dir) => ["stop", "--agent", "support-bot", "--reason", "incident", "--data-dir", dir]],
  ["resume", (dir) => ["resume", "0193f2c4-0000-7000-8000-000000000000", "--data-dir", dir]],
];

describe("a --data-dir with no Loopgate store in it", () => {
  it.concurrent.each(NEEDS_A_STORE)("%s refuses it (exit 2) and creates nothing", async (name, args) => {
    const dir = join(root, name.replace(" ", "-"));
    const run = await runCli(args(dir), { input: "a long enough secret\n" });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      `loopgate: no Loopgate data in ${dir}: pass the --data-dir that \`loopgate serve\` uses ` +
        "(or set LOOPGATE_DATA_DIR, or LOOPGATE_DATABASE_URL for PostgreSQL)\n",
    );
    expect(existsSync(dir)).toBe(false);
    expect(existsSync(`${dir}.jsonl`)).toBe(false);
  });

  it("is refused when the folder exists but holds no store, naming it as resolved", async () => {
    const dir = join(root, "empty");
    await mkdir(dir);
    const run = await runCli(["keys", "list", "--data-dir", dir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`no Loopgate data in ${dir}:`);
    expect(await readdir(dir)).toEqual([]);

    // Relative to where the command runs: both spellings are named.
    const relative = await runCli(["users", "list", "--data-dir", "no-such-loopgate-dir"]);
    expect(relative.code).toBe(2);
    expect(relative.stderr).toMatch(
      /^loopgate: no Loopgate data in no-such-loopgate-dir \(\/.+\/no-such-loopgate-dir\): /,
    );
  });

  it("is set up by keys create and users add, which make a store when there is none", async () => {
    const forKeys = join(root, "new-for-keys");
    const key = await runCli(["keys", "create", "--data-dir", forKeys, "--name", "bot", "--role", "agent"]);
    expect(key.code, key.stderr).toBe(0);
    expect(existsSync(sqliteFile(forKeys))).toBe(true);
    // Said, so a mistyped --data-dir does not go unnoticed.
    expect(key.stderr).toContain(`New store created in ${forKeys}: it held no Loopgate data.`);
    const again = await runCli([
      "keys",
      "create",
      "--data-dir",
      forKeys,
      "--name",
      "bot2",
      "--role",
      "agent",
    ]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toContain("New store created");

    const forUsers = join(root, "new-for-users");
    const user = await runCli(["users", "add", "rita", "--role", "reviewer", "--data-dir", forUsers], {
      input: "a long enough secret\n",
    });
    expect(user.code, user.stderr).toBe(0);
    expect(existsSync(sqliteFile(forUsers))).toBe(true);

    // …after which the commands that need a store work on it.
    const list = await runCli(["users", "list", "--data-dir", forUsers, "--json"]);
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout)).toMatchObject({ name: "rita", role: "reviewer" });
  });
});
