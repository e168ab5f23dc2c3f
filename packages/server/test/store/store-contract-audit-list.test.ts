import type { AuditEntry, AuditOrder } from "@loopgate/core";
import Database from "better-sqlite3";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditListSql } from "../../src/store/audit-list-sql.ts";
import { InvalidCursorError } from "../../src/store/cursor.ts";
import { sqliteFile } from "../../src/store/sqlite-store.ts";
import type { AuditFilter, Store } from "../../src/store/store.ts";
import { readAuditChain } from "../support/audit-chain.ts";
import { at, auditDraft } from "../support/store-fixtures.ts";
import { createTestStore, storeEngines, type TestStore, testDatabaseUrl } from "../support/stores.ts";

const PROPOSALS = 600;

/** Every page of a filtered list, followed through its cursors; each page but the last is full. */
async function everyPage(
  store: Store,
  filter: AuditFilter,
  limit: number,
  order?: AuditOrder,
): Promise<number[]> {
  const seqs: number[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listAudit(filter, limit, cursor, order);
    if (page.nextCursor !== null) expect(page.items).toHaveLength(limit);
    seqs.push(...page.items.map((e) => e.seq));
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return seqs;
}

/** Whether an entry matches a filter, as the list's SQL means it (`since` and `until` inclusive). */
function matches(entry: AuditEntry, filter: AuditFilter): boolean {
  return (
    (filter.proposalId === undefined || entry.proposalId === filter.proposalId) &&
    (filter.type === undefined || entry.type === filter.type) &&
    (filter.since === undefined || entry.at >= filter.since) &&
    (filter.until === undefined || entry.at <= filter.until)
  );
}

/**
 * The audit list by proposal, by type and by time (`GET /v1/audit`), oldest or newest first, on a log
 * shaped like a real one: the entries of a proposal's ordinary life (`proposal.submitted`,
 * `proposal.routed`, now and then `decision.recorded`; left out of the type index by migrations 0017
 * and 0020), and now and then an exception (`review.expired`, `key.created`). Each commit of 200
 * proposals is written a minute after the one before.
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
      const stamped = audit.map((draft) => ({ ...draft, at: at(from * 0.3) }));
      expect((await store.commit({ writes: [], audit: stamped })).ok).toBe(true);
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

  it("lists newest first, page by page: the chain order reversed, every entry once, under every filter", async () => {
    const chain = await readAuditChain(store);
    const filters: AuditFilter[] = [
      {},
      { proposalId: "p_557" },
      { type: "review.expired" },
      { type: "decision.recorded" },
      { type: "key.created" },
      { proposalId: "p_7", type: "decision.recorded" },
      { since: at(60) },
      { until: at(60) },
      { since: at(60), until: at(60), type: "proposal.routed" },
    ];
    for (const filter of filters) {
      const oldestFirst = chain.filter((e) => matches(e, filter)).map((e) => e.seq);
      expect(oldestFirst.length, JSON.stringify(filter)).toBeGreaterThan(0);
      for (const limit of [7, 100]) {
        const shown = `${JSON.stringify(filter)} by ${limit}`;
        expect(await everyPage(store, filter, limit, "desc"), shown).toEqual([...oldestFirst].reverse());
        expect(await everyPage(store, filter, limit, "asc"), shown).toEqual(oldestFirst);
      }
    }
    // The default is oldest first, as before there was a choice.
    expect((await store.listAudit({}, 3)).items.map((e) => e.seq)).toEqual([1, 2, 3]);
    const newest = await store.listAudit({}, 3, undefined, "desc");
    expect(newest.items.map((e) => e.seq)).toEqual([chain.length, chain.length - 1, chain.length - 2]);
    expect(newest.items[0]).toEqual(chain.at(-1));
  });

  it("keeps a newest-first cursor on its place while entries are appended, and refuses it to the other order", async () => {
    const head = (await readAuditChain(store)).length;
    const first = await store.listAudit({}, 50, undefined, "desc");
    expect(first.items[0]?.seq).toBe(head);
    const appended = [auditDraft("key.created", null), auditDraft("proposal.submitted", "p_new")];
    expect((await store.commit({ writes: [], audit: appended })).ok).toBe(true);

    // Reading on goes to older entries: the new ones are above the first page, none is skipped.
    const seqs = first.items.map((e) => e.seq);
    let cursor = first.nextCursor;
    while (cursor !== null) {
      const page = await store.listAudit({}, 400, cursor, "desc");
      seqs.push(...page.items.map((e) => e.seq));
      cursor = page.nextCursor;
    }
    expect(seqs).toEqual(Array.from({ length: head }, (_, i) => head - i));
    // A fresh newest-first list starts at the new head.
    const fresh = await store.listAudit({}, 2, undefined, "desc");
    expect(fresh.items.map((e) => e.seq)).toEqual([head + 2, head + 1]);

    const ascending = await store.listAudit({}, 5);
    await expect(store.listAudit({}, 5, first.nextCursor!, "asc")).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(store.listAudit({}, 5, ascending.nextCursor!, "desc")).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
  });

  it("reads a newest-first page backwards along an index ending in seq, sorting nothing", async () => {
    const lists: { filter: AuditFilter; index: string }[] = [
      { filter: {}, index: "sqlite_autoindex_audit_entries_1|audit_entries_pkey" },
      { filter: { proposalId: "p_1" }, index: "audit_entries_proposal" },
      { filter: { type: "review.expired" }, index: "audit_entries_type" },
    ];
    const queries = lists.flatMap(({ filter, index }) =>
      [null, 900].map((fromSeq) => ({
        ...auditListSql(engine, "default", filter, fromSeq, 51, "desc"),
        index,
      })),
    );
    if (engine === "sqlite") {
      const sqlite = new Database(sqliteFile(db.location), { readonly: true });
      try {
        for (const { sql, params, index } of queries) {
          const plan = (sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[])
            .map((row) => row.detail)
            .join("\n");
          expect(plan, sql).toMatch(new RegExp(`^SEARCH audit_entries USING INDEX (${index}) `));
          expect(plan, sql).not.toContain("TEMP B-TREE");
        }
      } finally {
        sqlite.close();
      }
      return;
    }
    const client = new pg.Client({
      connectionString: testDatabaseUrl()!,
      options: `-c search_path=${db.location}`,
    });
    await client.connect();
    try {
      await client.query("ANALYZE audit_entries");
      for (const { sql, params, index } of queries) {
        let n = 0;
        const text = sql.replace(/\?/g, () => `$${++n}`);
        const [explained] = (await client.query(`EXPLAIN (FORMAT JSON) ${text}`, params)).rows;
        const nodes: PlanNode[] = [];
        const walk = (node: PlanNode) => {
          nodes.push(node);
          for (const child of node.Plans ?? []) walk(child);
        };
        walk(explained["QUERY PLAN"][0].Plan);
        const shown = `${text}\n${JSON.stringify(nodes, ["Node Type", "Index Name", "Scan Direction"])}`;
        const reads = nodes.filter((node) => node["Relation Name"] === "audit_entries");
        expect(reads, shown).toHaveLength(1);
        expect(reads[0]?.["Node Type"], shown).toMatch(/^Index (Only )?Scan$/);
        expect(reads[0]?.["Index Name"], shown).toMatch(new RegExp(`^(${index})$`));
        expect(reads[0]?.["Scan Direction"], shown).toBe("Backward");
        expect(
          nodes.filter((node) => node["Node Type"] === "Sort"),
          shown,
        ).toEqual([]);
      }
    } finally {
      await client.end();
    }
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

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Scan Direction"?: string;
  Plans?: PlanNode[];
}
