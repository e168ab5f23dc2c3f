import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SqliteStore, sqliteFile } from "../../src/store/sqlite-store.ts";
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

  /**
   * Under load a turn of the event loop handles dozens of requests. These hold the thread as such a
   * turn would (no message handled, no setImmediate run) and watch the file from a connection of
   * their own: what shows there was sent and committed while the turn went on.
   */
  describe("within one turn of the event loop", () => {
    let reader: Database.Database;
    beforeEach(() => {
      reader = new Database(sqliteFile(dataDir), { readonly: true });
    });
    afterEach(() => reader.close());
    const proposals = () => (reader.prepare("SELECT count(*) AS n FROM proposals").get() as { n: number }).n;
    /** Holds this thread until `n` proposals are committed, or `ms` passed; returns the count. */
    const holdUntil = (n: number, ms: number) => {
      const until = Date.now() + ms;
      while (proposals() < n && Date.now() < until) {
        // the turn goes on
      }
      return proposals();
    };
    /** Holds this thread for `ms` without yielding to the event loop. */
    const holdFor = (ms: number) => {
      const until = Date.now() + ms;
      while (Date.now() < until) {
        // the turn goes on
      }
    };

    it("twelve changes go to a free writer at once, and its answer is taken before the next batch goes", async () => {
      expect(await store.writerThreadReady()).toBe(true);
      const first = Array.from({ length: 12 }, () => store.commit(submissionChange()));
      await Promise.resolve();
      expect(holdUntil(12, 10_000)).toBe(12);
      // The reader sees the rows once COMMIT returned; the writer posts its answer just after. Still
      // within the turn, give it that moment (on a loaded machine the second batch otherwise finds no
      // answer yet and waits, correctly, for the end of the turn).
      holdFor(250);
      // The writer answered, but no message was handled: the next commit looks at the answers itself,
      // settles the first batch and, the writer being free, sends the second.
      const second = Array.from({ length: 12 }, () => store.commit(submissionChange()));
      await Promise.resolve();
      expect(holdUntil(24, 10_000)).toBe(24);
      const results = await Promise.all([...first, ...second]);
      expect(results.every((r) => r.ok)).toBe(true);
      await verifiedAuditChain(store);
    });

    it("fewer wait for the end of the turn, to join the turn's other changes", async () => {
      expect(await store.writerThreadReady()).toBe(true);
      const few = Array.from({ length: 11 }, () => store.commit(submissionChange()));
      await Promise.resolve();
      expect(holdUntil(1, 300)).toBe(0);
      const results = await Promise.all(few);
      expect(results.every((r) => r.ok)).toBe(true);
      expect(proposals()).toBe(11);
    });
  });
});
