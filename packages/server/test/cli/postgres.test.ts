import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashApiKey } from "../../src/app/api-keys.ts";
import { signingKeyFromSecret } from "../../src/app/signing-key.ts";
import { openStore } from "../../src/store/open-store.ts";
import { testDatabaseUrl } from "../support/stores.ts";
import { runCli, tempDir } from "./run-cli.ts";

const baseUrl = testDatabaseUrl();

/** The CLI against PostgreSQL (`LOOPGATE_DATABASE_URL`), in a database of its own. */
describe.skipIf(baseUrl === null)("the CLI with LOOPGATE_DATABASE_URL", () => {
  const database = `loopgate_cli_${randomBytes(5).toString("hex")}`;
  let databaseUrl: string;
  let dir: string;
  let cleanup: () => Promise<void>;

  async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: baseUrl ?? "" });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    await admin((client) => client.query(`CREATE DATABASE ${database}`));
    const url = new URL(baseUrl ?? "");
    url.pathname = `/${database}`;
    databaseUrl = url.toString();
    ({ path: dir, cleanup } = await tempDir());
  });

  afterAll(async () => {
    await cleanup?.();
    await admin((client) => client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
  });

  it("creates keys in PostgreSQL and exports a chain that verifies against a checkpoint", async () => {
    const secretKey = randomBytes(32);
    const env = {
      LOOPGATE_DATABASE_URL: databaseUrl,
      LOOPGATE_AUDIT_SIGNING_KEY: secretKey.toString("base64"),
    };
    const created = await runCli(["keys", "create", "--name", "pg-bot", "--role", "agent"], { env });
    expect(created.stderr).toContain("PostgreSQL");
    expect(created.code).toBe(0);
    const secret = created.stdout.trim();

    const store = await openStore({ databaseUrl });
    try {
      expect(await store.apiKeyByHash(hashApiKey(secret))).toMatchObject({ name: "pg-bot", role: "agent" });
    } finally {
      await store.close();
    }

    const out = join(dir, "audit.jsonl");
    const checkpoint = join(dir, "checkpoint.json");
    const exported = await runCli(["audit", "export", "--out", out, "--checkpoint-out", checkpoint], { env });
    expect(exported.code).toBe(0);
    const written = JSON.parse(await readFile(checkpoint, "utf8")) as { keyId: string };
    expect(written.keyId).toBe(signingKeyFromSecret(secretKey).keyId);

    const verified = await runCli(["audit", "verify", out, "--checkpoint", checkpoint]);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/^OK: 1 entry, chain intact, head seq 1 /);
  });

  it("reads PostgreSQL whatever --data-dir names: a missing folder is not refused there", async () => {
    const missing = join(dir, "no-store-here");
    const listed = await runCli(["keys", "list", "--json", "--data-dir", missing], {
      env: { LOOPGATE_DATABASE_URL: databaseUrl },
    });
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain('"name":"pg-bot"');
    expect(existsSync(missing)).toBe(false);
  });
});
