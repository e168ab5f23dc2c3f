import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { AuditDraft } from "@loopgate/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/open-store.ts";
import { runCli, tempDir } from "./run-cli.ts";

let dir: string;
let cleanup: () => Promise<void>;
let dataDir: string;
let exportFile: string;
let checkpointFile: string;
let lines: string[];

beforeAll(async () => {
  ({ path: dir, cleanup } = await tempDir());
  dataDir = join(dir, "data");
  exportFile = join(dir, "audit.jsonl");
  checkpointFile = join(dir, "checkpoint.json");
  // Each person's key writes two entries (user.created, key.created); the agent's one.
  for (const [name, role] of [
    ["support-bot", "agent"],
    ["alice", "reviewer"],
    ["olga", "owner"],
  ] as const) {
    const run = await runCli(["keys", "create", "--data-dir", dataDir, "--name", name, "--role", role]);
    expect(run.code).toBe(0);
  }
  const run = await runCli([
    "audit",
    "export",
    "--data-dir",
    dataDir,
    "--out",
    exportFile,
    "--checkpoint-out",
    checkpointFile,
  ]);
  expect(run.stderr).toContain("Exported 5 audit entries");
  expect(run.code).toBe(0);
  expect(run.stdout).toBe("");
  lines = (await readFile(exportFile, "utf8")).split("\n");
});

afterAll(async () => {
  await cleanup();
});

/** Writes a variant of the export and verifies it. */
async function verifyVariant(variant: string[], ...flags: string[]) {
  const file = join(dir, `variant-${Math.random().toString(36).slice(2)}.jsonl`);
  await writeFile(file, variant.join("\n"));
  return runCli(["audit", "verify", file, ...flags]);
}

describe("loopgate audit export", () => {
  it("writes one JSON entry per line in seq order and nothing else", async () => {
    expect(lines.at(-1)).toBe(""); // the file ends with a newline
    const entries = lines.slice(0, -1).map((line) => JSON.parse(line) as { seq: number; type: string });
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(entries.map((e) => e.type)).toEqual([
      "key.created",
      "user.created",
      "key.created",
      "user.created",
      "key.created",
    ]);
  });

  it("writes the same to stdout without --out", async () => {
    const run = await runCli(["audit", "export", "--data-dir", dataDir]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(lines.join("\n"));
  });

  it("signs a checkpoint of the exported head with the data directory's key", async () => {
    const checkpoint = JSON.parse(await readFile(checkpointFile, "utf8")) as Record<string, unknown>;
    const head = JSON.parse(lines[4] ?? "") as { seq: number; hash: string };
    expect(checkpoint).toMatchObject({ seq: head.seq, hash: head.hash });
    const key = JSON.parse(await readFile(join(dataDir, "audit-signing-key.json"), "utf8")) as {
      keyId: string;
    };
    expect(checkpoint.keyId).toBe(key.keyId);
  });
});

describe("loopgate audit verify", () => {
  it("accepts the export with its checkpoint", async () => {
    const run = await runCli(["audit", "verify", exportFile, "--checkpoint", checkpointFile]);
    expect(run.code).toBe(0);
    const head = JSON.parse(lines[4] ?? "") as { hash: string };
    const { keyId } = JSON.parse(await readFile(checkpointFile, "utf8")) as { keyId: string };
    expect(run.stdout).toBe(
      `OK: 5 entries, chain intact, head seq 5 hash ${head.hash}\ncheckpoint verified (key ${keyId})\n`,
    );
  });

  it("says when only internal consistency was checked", async () => {
    const run = await runCli(["audit", "verify", exportFile]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("no checkpoint given: internal consistency only");
  });

  it("names the entry whose data was changed", async () => {
    const entry = JSON.parse(lines[2] ?? "") as { data: Record<string, unknown> };
    entry.data.role = "owner";
    const variant = [...lines];
    variant[2] = JSON.stringify(entry);
    const run = await verifyVariant(variant);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^FAILED at entry seq 3 \(line 3\): .*changed/);
  });

  it("names the gap where a line was deleted", async () => {
    const run = await verifyVariant(lines.filter((_, i) => i !== 1));
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^FAILED at entry seq 3 \(line 2\): .*entry 2 is missing/);
  });

  it("says plainly when the export is older than the checkpoint, and what to do", async () => {
    const { path, cleanup: done } = await tempDir();
    try {
      const data = join(path, "data");
      const older = join(path, "older.jsonl");
      const olderCheckpoint = join(path, "older-checkpoint.json");
      const newerCheckpoint = join(path, "newer-checkpoint.json");
      const key = (name: string, role: string) =>
        runCli(["keys", "create", "--data-dir", data, "--name", name, "--role", role]);
      expect((await key("first-bot", "agent")).code).toBe(0);
      const exported = await runCli([
        "audit",
        "export",
        "--data-dir",
        data,
        "--out",
        older,
        "--checkpoint-out",
        olderCheckpoint,
      ]);
      expect(exported.code, exported.stderr).toBe(0);
      // The log grows (a person's key: user.created and key.created), and a checkpoint is made later.
      expect((await key("rita", "reviewer")).code).toBe(0);
      const later = await runCli([
        "audit",
        "export",
        "--data-dir",
        data,
        "--out",
        join(path, "newer.jsonl"),
        "--checkpoint-out",
        newerCheckpoint,
      ]);
      expect(later.code, later.stderr).toBe(0);

      const run = await runCli(["audit", "verify", older, "--checkpoint", newerCheckpoint]);
      expect(run.code).toBe(1);
      expect(run.stdout).toBe(
        "FAILED: the export ends at entry 1 (line 1), but the checkpoint covers up to entry 3: entries 2–3 are not in it. " +
          "The export is older than the checkpoint (or lost its last lines). Export again after the checkpoint was made, " +
          "or verify this export with an older checkpoint (one at entry 1 or before, such as the one " +
          "`loopgate audit export --checkpoint-out` wrote with it).\n",
      );
      expect(run.stdout).not.toContain("truncated");
      const json = await runCli(["audit", "verify", older, "--checkpoint", newerCheckpoint, "--json"]);
      expect(json.code).toBe(1);
      expect(JSON.parse(json.stdout)).toMatchObject({
        ok: false,
        seq: 2,
        exportEndsAt: 1,
        truncated: false,
        reason: expect.stringContaining("The export is older than the checkpoint"),
      });
      // With the checkpoint written beside it, the older export verifies.
      expect((await runCli(["audit", "verify", older, "--checkpoint", olderCheckpoint])).code).toBe(0);
    } finally {
      await done();
    }
  });

  it("keeps calling a file cut short truncated: a last line without its newline, or cut mid-entry", async () => {
    // Every exported line ends with a newline; here the file stops right after entry 3's closing brace.
    const cut = await verifyVariant(lines.slice(0, 3), "--checkpoint", checkpointFile);
    expect(cut.code).toBe(1);
    expect(cut.stdout.trim()).toBe(
      "FAILED: the file ends after entry 3 (line 3), but the checkpoint covers up to entry 5: " +
        "entries 4–5 are missing at the end (the export was truncated)",
    );
    const oneShort = await verifyVariant(lines.slice(0, 4), "--checkpoint", checkpointFile);
    expect(oneShort.code).toBe(1);
    expect(oneShort.stdout).toContain(
      "the file ends after entry 4 (line 4), but the checkpoint covers up to entry 5: entry 5 is missing at the end",
    );
    const json = await verifyVariant(lines.slice(0, 3), "--checkpoint", checkpointFile, "--json");
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, exportEndsAt: 3, truncated: true });

    // Cut in the middle of entry 4: named as such, with or without a checkpoint.
    const midEntry = [...lines.slice(0, 3), (lines[3] ?? "").slice(0, 40)];
    for (const flags of [[], ["--checkpoint", checkpointFile]]) {
      const run = await verifyVariant(midEntry, ...flags);
      expect(run.code).toBe(1);
      expect(run.stdout).toBe(
        "FAILED: the file ends in the middle of an entry at line 4 (the export was truncated): export it again\n",
      );
    }
    // The same broken line with more after it is not a truncation.
    const inside = await verifyVariant([...midEntry, lines[4] ?? "", ""]);
    expect(inside.stdout).toMatch(/^FAILED \(line 4\): .*not valid JSON/);
  });

  it("detects an export that ends early only with a checkpoint", async () => {
    const early = [...lines.slice(0, 3), ""];
    expect((await verifyVariant(early)).code).toBe(0);
    expect((await verifyVariant(early, "--checkpoint", checkpointFile)).code).toBe(1);
    const empty = await verifyVariant([], "--checkpoint", checkpointFile);
    expect(empty.code).toBe(1);
    expect(empty.stdout).toContain(
      "FAILED: the export has no entries, but the checkpoint covers up to entry 5: entries 1–5 are not in it.",
    );
    expect(empty.stdout).toContain("(one made when the log was empty,");
  });

  it("names a line that is not JSON instead of crashing", async () => {
    const variant = [...lines];
    variant[1] = "{ not json";
    const run = await verifyVariant(variant);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^FAILED \(line 2\): .*not valid JSON/);
    expect(run.stderr).toBe("");
  });

  it("refuses a forged checkpoint and one from an untrusted key", async () => {
    const checkpoint = JSON.parse(await readFile(checkpointFile, "utf8")) as { seq: number; keyId: string };
    const forged = join(dir, "forged.json");
    await writeFile(forged, JSON.stringify({ ...checkpoint, seq: 4 }));
    const run = await runCli(["audit", "verify", exportFile, "--checkpoint", forged]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^FAILED: checkpoint: .*signature/);

    const untrusted = await runCli([
      "audit",
      "verify",
      exportFile,
      "--checkpoint",
      checkpointFile,
      "--trusted-key",
      `${checkpoint.keyId}=${Buffer.alloc(32).toString("base64")}`,
    ]);
    expect(untrusted.code).toBe(1);
    expect(untrusted.stdout).toMatch(/^FAILED: checkpoint: .*trusted key/);
  });

  it("exits 2 for a file that does not exist", async () => {
    const run = await runCli(["audit", "verify", join(dir, "missing.jsonl")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("no such file");
  });
});

describe("a long audit log", () => {
  it("exports across pages and verifies", async () => {
    const { path, cleanup: done } = await tempDir();
    try {
      const store = await openStore({ dataDir: path });
      try {
        await store.migrate();
        const drafts: AuditDraft[] = Array.from({ length: 2_345 }, (_, i) => ({
          at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
          actor: { kind: "system", id: "test", name: "test" },
          type: "test.entry",
          proposalId: null,
          data: { i },
        }));
        const result = await store.commit({ writes: [], audit: drafts });
        expect(result.ok).toBe(true);
      } finally {
        await store.close();
      }
      const out = join(path, "audit.jsonl");
      const checkpoint = join(path, "checkpoint.json");
      const exported = await runCli([
        "audit",
        "export",
        "--data-dir",
        path,
        "--out",
        out,
        "--checkpoint-out",
        checkpoint,
      ]);
      expect(exported.code).toBe(0);
      const run = await runCli(["audit", "verify", out, "--checkpoint", checkpoint]);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^OK: 2345 entries, chain intact, head seq 2345 /);
    } finally {
      await done();
    }
  });
});
