import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SqliteStore } from "../../src/store/sqlite-store.ts";
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
});
