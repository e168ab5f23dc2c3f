import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { hashApiKey } from "../../src/app/api-keys.ts";
import { openStore } from "../../src/store/open-store.ts";
import { dataDirWithPolicy, runCli, tempDir } from "./run-cli.ts";

let dataDir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ path: dataDir, cleanup } = await tempDir());
});
afterEach(async () => {
  await cleanup();
});

async function keyRow(secret: string) {
  const store = await openStore({ dataDir });
  try {
    return await store.apiKeyByHash(hashApiKey(secret));
  } finally {
    await store.close();
  }
}

describe("loopgate keys create", () => {
  it("prints the new key alone on stdout, and the key is stored hashed", async () => {
    const run = await runCli([
      "keys",
      "create",
      "--data-dir",
      dataDir,
      "--name",
      "support-bot",
      "--role",
      "agent",
      "--actions",
      "support.reply,billing.refund",
    ]);
    expect(run.stderr).toContain("Created agent key");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^lg_agent_[A-Za-z0-9_-]{43}\n$/);
    // A new store has no policy to check --actions against: kept, with a warning.
    expect(run.stderr).toContain(
      "loopgate: warning: no policy is loaded in data directory " +
        `${dataDir} yet, so --actions support.reply,billing.refund could not be checked`,
    );
    const row = await keyRow(run.stdout.trim());
    expect(row).toMatchObject({
      name: "support-bot",
      role: "agent",
      actions: ["support.reply", "billing.refund"],
      userId: null,
      expiresAt: null,
      revokedAt: null,
    });
  });

  it("prints {id, name, role, key} with --json, and a person's key acts as a user created for it", async () => {
    const run = await runCli([
      "keys",
      "create",
      "--data-dir",
      dataDir,
      "--name",
      "alice",
      "--role",
      "reviewer",
      "--expires",
      "90d",
      "--json",
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout.split("\n")).toHaveLength(2);
    const printed = JSON.parse(run.stdout) as { id: string; name: string; role: string; key: string };
    expect(Object.keys(printed).sort()).toEqual(["id", "key", "name", "role"]);
    expect(printed).toMatchObject({ name: "alice", role: "reviewer" });
    const row = await keyRow(printed.key);
    expect(row?.id).toBe(printed.id);
    expect(row?.userId).not.toBeNull();
    const expires = Date.parse(row?.expiresAt ?? "");
    expect(Math.abs(expires - (Date.now() + 90 * 86_400_000))).toBeLessThan(60_000);

    const store = await openStore({ dataDir });
    try {
      expect(await store.userByName("alice")).toMatchObject({ id: row?.userId, role: "reviewer" });
    } finally {
      await store.close();
    }
  });

  it("refuses a key with more rights than the person it would act as (exit 1)", async () => {
    const first = await runCli([
      "keys",
      "create",
      "--data-dir",
      dataDir,
      "--name",
      "rita",
      "--role",
      "reviewer",
    ]);
    expect(first.code).toBe(0);
    const second = await runCli([
      "keys",
      "create",
      "--data-dir",
      dataDir,
      "--name",
      "rita",
      "--role",
      "owner",
    ]);
    expect(second.code).toBe(1);
    expect(second.stdout).toBe("");
    expect(second.stderr).toBe(
      "loopgate: rita is a reviewer; an owner key cannot act as them. Choose another name or role.\n",
    );
  });

  it("refuses --actions the active policy does not declare, naming the declared ones (exit 2)", async () => {
    await dataDirWithPolicy(dataDir);
    const flags = ["keys", "create", "--data-dir", dataDir, "--name", "bob", "--role", "agent"];
    const typo = await runCli([...flags, "--actions", "nope.action,support.reply"]);
    expect(typo.code).toBe(2);
    expect(typo.stdout).toBe("");
    expect(typo.stderr).toBe(
      'loopgate: --actions: "nope.action" is not an action type of the active policy (version 1); ' +
        "its action types are billing.refund, support.reply\n",
    );
    expect(await listedKeyNames()).toEqual([]);

    const declared = await runCli([...flags, "--actions", "support.reply"]);
    expect(declared.code, declared.stderr).toBe(0);
    expect(declared.stderr).not.toContain("warning");
    expect(await listedKeyNames()).toEqual(["bob"]);
  });

  it.each([
    [["--name", "bot"], "required option '--role"],
    [["--name", "bot", "--role", "robot"], "Allowed choices are agent, reviewer, owner, auditor"],
    [["--name", "alice", "--role", "reviewer", "--actions", "support.reply"], "agent keys only"],
    [["--name", "bot", "--role", "agent", "--expires", "soon"], "--expires"],
    [["--name", "bot", "--role", "agent", "--expires", "2001-01-01"], "must be in the future"],
    [["--name", "bad name", "--role", "agent"], "--name bad name"],
    [["--name", "bot", "--role", "agent", "--actions", "Refund!"], "is not an action type"],
  ])("exits 2 on a usage error: %j", async (flags, message) => {
    const run = await runCli(["keys", "create", "--data-dir", dataDir, ...flags]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(message);
  });
});

/** The names of the keys in the data directory, read from the store as `keys list` does. */
async function listedKeyNames(): Promise<string[]> {
  const store = await openStore({ dataDir });
  try {
    const page = await store.listAudit({ type: "key.created" }, 100);
    return page.items.map((entry) => String(entry.data.name));
  } finally {
    await store.close();
  }
}

describe("loopgate keys list", () => {
  it("lists keys without their secrets", async () => {
    const agent = await runCli(["keys", "create", "--data-dir", dataDir, "--name", "bot", "--role", "agent"]);
    const owner = await runCli([
      "keys",
      "create",
      "--data-dir",
      dataDir,
      "--name",
      "olga",
      "--role",
      "owner",
    ]);
    const list = await runCli(["keys", "list", "--data-dir", dataDir]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^ID\s+NAME\s+ROLE\s+ACTIONS\s+CREATED\s+EXPIRES\n/);
    expect(list.stdout).toContain("bot");
    expect(list.stdout).toContain("olga");
    for (const secret of [agent.stdout.trim(), owner.stdout.trim()]) {
      expect(list.stdout).not.toContain(secret);
      expect(list.stdout).not.toContain(hashApiKey(secret));
    }
    const json = await runCli(["keys", "list", "--data-dir", dataDir, "--json"]);
    const rows = json.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { name: string; role: string });
    expect(rows.map((r) => [r.name, r.role])).toEqual([
      ["bot", "agent"],
      ["olga", "owner"],
    ]);
  });
});
