import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditListSql } from "../../src/store/audit-list-sql.ts";
import { sqliteFile } from "../../src/store/sqlite-store.ts";
import type { AuditFilter, Store } from "../../src/store/store.ts";
import { readAuditChain } from "../support/audit-chain.ts";
import { auditDraft } from "../support/store-fixtures.ts";
import { createTestStore, storeEngines, type TestStore } from "../support/stores.ts";

const PROPOSALS = 600;

/** Every page of a filtered list, followed through its cursors. */
async function everyPage(store: Store, filter: AuditFilter, limit: number): Promise<number[]> {
  const seqs: number[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listAudit(filter, limit, cursor);
    seqs.push(...page.items.map((e) => e.seq));
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return seqs;
}

/**
 * The audit list by proposal and by type (`GET /v1/audit`), on a log shaped like a real one: the
 * entries of a proposal's ordinary life (`proposal.submitted`, `proposal.routed`, now and then
 * `decision.recorded`; left out of the type index by migrations 0017 and 0020), and now and then an
 * exception (`review.expired`, `key.created`).
 */
describe.each(storeEngines())("Store contract, audit list: %s", (engine) => {
  let db: TestStore;
  let store: Store;
  beforeEach(async () => {
    db = await createTestStore(engine);
    store = db.store;
    for (let from = 0; from < PROPOSALS; from += 200) {
      const audit = [];
      for (let i = from; i < from + 200; i++) {
        audit.push(auditDraft("proposal.submitted", `p_${i}`), auditDraft("proposal.routed", `p_${i}`));
        if (i % 50 === 7) audit.push(auditDraft("review.expired", `p_${i}`));
        if (i % 3 === 1) audit.push(auditDraft("decision.recorded", `p_${i}`));
        if (i % 150 === 3) audit.push(auditDraft("key.created", null));
      }
      expect((await store.commit({ writes: [], audit })).ok).toBe(true);
    }
  });
  afterEach(async () => db.cleanup());

  it("lists a proposal's entries, an exception's and an ordinary type's, page by page, in chain order", async () => {
    const chain = await readAuditChain(store);
    const expected = (keep: (e: (typeof chain)[number]) => boolean) => chain.filter(keep).map((e) => e.seq);

    expect(await everyPage(store, { proposalId: "p_557" }, 10)).toEqual(
      expected((e) => e.proposalId === "p_557"),
    );
    expect(await everyPage(store, { type: "review.expired" }, 5)).toEqual(
      expected((e) => e.type === "review.expired"),
    );
    expect(await everyPage(store, { type: "decision.recorded" }, 50)).toEqual(
      expected((e) => e.type === "decision.recorded"),
    );
    expect(await everyPage(store, { type: "key.created" }, 3)).toEqual(
      expected((e) => e.type === "key.created"),
    );
    const routed = await everyPage(store, { type: "proposal.routed" }, 250);
    expect(routed).toEqual(expected((e) => e.type === "proposal.routed"));
    expect(routed).toHaveLength(PROPOSALS);
    expect(await everyPage(store, { proposalId: "p_7", type: "decision.recorded" }, 10)).toEqual(
      expected((e) => e.proposalId === "p_7" && e.type === "decision.recorded"),
    );
    expect(await everyPage(store, { proposalId: "p_7", type: "proposal.submitted" }, 10)).toEqual(
      expected((e) => e.proposalId === "p_7" && e.type === "proposal.submitted"),
    );
  });

  if (engine !== "sqlite") return;
  it("reads a proposal's and an exception's entries through their index, not the whole log", async () => {
    const sqlite = new Database(sqliteFile(db.location), { readonly: true });
    try {
      const plan = (filter: AuditFilter) => {
        const { sql, params } = auditListSql("sqlite", "default", filter, 0, 51);
        return (sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[])
          .map((row) => row.detail)
          .join("\n");
      };
      expect(plan({ proposalId: "p_1" })).toMatch(/USING INDEX audit_entries_proposal/);
      expect(plan({ proposalId: "p_1", type: "decision.recorded" })).toMatch(
        /USING INDEX audit_entries_proposal/,
      );
      expect(plan({ type: "review.expired" })).toMatch(/USING INDEX audit_entries_type/);
      // Types of a proposal's ordinary life: the log in order (its key), a match every few entries.
      for (const type of ["proposal.routed", "decision.recorded"]) {
        expect(plan({ type })).toMatch(
          /USING INDEX sqlite_autoindex_audit_entries_1 \(workspace_id=\? AND seq>\?\)/,
        );
      }
    } finally {
      sqlite.close();
    }
  });
});
