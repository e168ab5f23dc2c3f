import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SqliteStore, sqliteFile } from "../../src/store/sqlite-store.ts";
import { SqliteWriter } from "../../src/store/sqlite-writer.ts";
import type { Change } from "../../src/store/store.ts";
import { verifiedAuditChain } from "../support/audit-chain.ts";
import { changeOf, submissionChange, userRow } from "../support/store-fixtures.ts";

/**
 * Most store tests commit within a store's first half second, before its writer thread is up, so their
 * changes are written on the test's own thread. These wait for the thread: what crosses back from it is
 * only each entry's place in the chain and hash, and the entries are rebuilt from the change's drafts.
 */
describe("SqliteStore's writer thread", () => {
  let dataDir: string;
  let store: SqliteStore;
  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "loopgate-writer-thread-"));
    store = new SqliteStore({ dataDir });
    await store.migrate();
  });
  afterEach(async () => {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("answers each change with its sealed audit entries exactly as stored, and conflicts as conflicts", async () => {
    expect(await store.writerThreadReady()).toBe(true);
    const batch = [
      submissionChange("k-1"),
      submissionChange(),
      changeOf([{ kind: "insertUser", row: userRow() }], "user.created"),
      { writes: [{ kind: "insertUser", row: userRow() }], audit: [] } satisfies Change,
      submissionChange("k-1"),
      submissionChange("k-2"),
    ];
    const results = await Promise.all(batch.map((change) => store.commit(change)));

    expect(results.map((r) => r.ok)).toEqual([true, true, true, true, false, true]);
    const refused = results[4];
    expect(refused?.ok === false && refused.conflict.kind).toBe("idempotency");
    const chain = await verifiedAuditChain(store);
    const answered = results.flatMap((r) => (r.ok ? r.audit : []));
    expect(answered).toHaveLength(3 + 3 + 1 + 0 + 3);
    for (const entry of answered) expect(entry).toEqual(chain.find((e) => e.seq === entry.seq));
    // In batch order, each change's entries consecutive and linked.
    expect(answered.map((e) => e.seq)).toEqual(answered.map((_, i) => answered[0]!.seq + i));
  });

  it("sends a second batch only once enough changes wait: a few wait for the batch being written", async () => {
    const written: number[] = [];
    const writer = new SqliteWriter(
      {
        file: sqliteFile(dataDir),
        busyTimeoutMs: 10_000,
        workspaceId: store.readerSource().workspaceId,
        maxBatch: 512,
      },
      () => Promise.reject(new Error("this test commits on the writer thread only")),
      (changes) => written.push(changes),
    );
    const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
    // Another connection holds the write lock, so the thread's batch stays in flight until released.
    const blocker = new Database(sqliteFile(dataDir));
    try {
      expect(await writer.whenReady()).toBe(true);
      blocker.exec("BEGIN IMMEDIATE");
      const first = writer.commit(submissionChange());
      await turn();
      await turn();
      // Three more, one a turn: too few to be worth a batch of their own beside the one in flight.
      const few: Promise<unknown>[] = [];
      for (let i = 0; i < 3; i++) {
        few.push(writer.commit(submissionChange()));
        await turn();
      }
      await turn();
      blocker.exec("ROLLBACK");
      const results = await Promise.all([first, ...few]);
      expect(results.every((r) => (r as { ok: boolean }).ok)).toBe(true);
      expect(written).toEqual([1, 3]);

      blocker.exec("BEGIN IMMEDIATE");
      const next = writer.commit(submissionChange());
      await turn();
      await turn();
      // Ten at once: enough for a second batch while the first is held.
      const many = Array.from({ length: 10 }, () => writer.commit(submissionChange()));
      await turn();
      await turn();
      const more = writer.commit(submissionChange());
      blocker.exec("ROLLBACK");
      await Promise.all([next, ...many, more]);
      // The ten went as a second batch while the first was held; the last waited for one of them.
      expect(written.slice(2)).toEqual([1, 10, 1]);
    } finally {
      if (blocker.inTransaction) blocker.exec("ROLLBACK");
      blocker.close();
      await writer.close();
    }
  });
});
