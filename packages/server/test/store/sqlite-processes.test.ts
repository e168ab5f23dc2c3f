import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { SqliteStore } from "../../src/store/sqlite-store.ts";
import { verifiedAuditChain } from "../support/audit-chain.ts";
import { proposalRow, proposeChange } from "../support/store-fixtures.ts";

const WRITER = fileURLToPath(new URL("./fixtures/commit-writer.ts", import.meta.url));

/** Starts the writer child; `lines` yields each acknowledged proposal id. */
function startWriter(dataDir: string, count?: number, leaveOpen = false) {
  const args = [
    "--import",
    "tsx",
    WRITER,
    dataDir,
    ...(count === undefined ? [] : [String(count)]),
    ...(leaveOpen ? ["--leave-open"] : []),
  ];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, lines: createInterface({ input: child.stdout }) };
}

/** The embedded store with other processes on the same file (SPEC §11). */
describe("SQLite store across processes", () => {
  let dataDir: string;
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it("keeps every acknowledged commit and a verifying chain through kill -9", async () => {
    dataDir = mkdtempSync(join(tmpdir(), "loopgate-crash-"));
    const writer = startWriter(dataDir);
    const acknowledged: string[] = [];
    for await (const line of writer.lines) {
      acknowledged.push(line);
      // Kill it mid-stream, with commits in flight, well after it got going.
      if (acknowledged.length === 1500) writer.child.kill("SIGKILL");
    }
    expect((await writer.exited).signal).toBe("SIGKILL");

    const store = new SqliteStore({ dataDir });
    try {
      await store.migrate();
      const missing: string[] = [];
      for (const id of acknowledged) if ((await store.proposal(id)) === null) missing.push(id);
      expect(missing).toEqual([]);
      const chain = await verifiedAuditChain(store);
      // Every entry has its proposal: no change was half-written.
      expect(chain.length).toBeGreaterThanOrEqual(acknowledged.length);
      for (const entry of chain) expect(await store.proposal(entry.proposalId!)).not.toBeNull();
    } finally {
      await store.close();
    }
  });

  it("lets a process that leaves its store open exit once its commits are answered", async () => {
    dataDir = mkdtempSync(join(tmpdir(), "loopgate-open-"));
    const writer = startWriter(dataDir, 200, true);
    const timer = setTimeout(() => writer.child.kill("SIGKILL"), 20_000);
    const acknowledged: string[] = [];
    for await (const line of writer.lines) acknowledged.push(line);
    const exit = await writer.exited;
    clearTimeout(timer);
    // An idle writer thread (and the port its answers come on) keeps nothing alive.
    expect(exit).toEqual({ code: 0, signal: null });
    expect(acknowledged).toHaveLength(200);
  });

  it("keeps one chain when another process writes the same file at the same time", async () => {
    dataDir = mkdtempSync(join(tmpdir(), "loopgate-two-"));
    const store = new SqliteStore({ dataDir });
    try {
      await store.migrate();
      const writer = startWriter(dataDir, 600);
      const theirs: string[] = [];
      const reading = (async () => {
        for await (const line of writer.lines) theirs.push(line);
      })();
      // Write alongside the child until it exits, so the two really interleave.
      let childDone = false;
      void writer.exited.then(() => {
        childDone = true;
      });
      let ours = 0;
      while (!childDone) {
        const results = await Promise.all(
          Array.from({ length: 8 }, () => store.commit(proposeChange(proposalRow()))),
        );
        ours += results.filter((r) => r.ok).length;
      }
      await reading;
      expect(await writer.exited).toEqual({ code: 0, signal: null });
      expect(theirs).toHaveLength(600);
      expect(ours).toBeGreaterThan(0);
      const chain = await verifiedAuditChain(store);
      expect(chain).toHaveLength(600 + ours);
    } finally {
      await store.close();
    }
  });
});
