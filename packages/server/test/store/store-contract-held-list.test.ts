import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { encodeReviewCursor } from "../../src/store/cursor.ts";
import { type HeldFilter, heldProposalsSql } from "../../src/store/review-desk-sql.ts";
import { sqliteFile } from "../../src/store/sqlite-store.ts";
import type { ProposalRow, Store } from "../../src/store/store.ts";
import { eachPostgresPlan } from "../support/postgres-plans.ts";
import { at, auditDraft, proposalRow } from "../support/store-fixtures.ts";
import { createTestStore, storeEngines, type TestStore } from "../support/stores.ts";

/**
 * The held list (`GET /v1/proposals?status=held`, what a stop holds): held proposals of an agent, an
 * action type, both or neither, oldest first by `(created_at, id)`, paged by cursor, and read from the
 * partial indexes of held proposals (migrations 0016 and 0025) rather than by sorting them.
 */

const AGENTS = ["refund-bot", "support-bot", "triage-bot"] as const;
const TYPES = ["billing.refund", "support.reply"] as const;
const FILTERS: HeldFilter[] = [
  {},
  { agentId: "refund-bot" },
  { actionType: "support.reply" },
  { agentId: "support-bot", actionType: "billing.refund" },
];

/** `(created_at, id)` order as both engines sort it (`COLLATE "C"` on PostgreSQL, binary on SQLite). */
const byCreatedThenId = (a: ProposalRow, b: ProposalRow): number =>
  a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

/** What `filter` should list, from the rows in memory. */
function expected(rows: readonly ProposalRow[], filter: HeldFilter): string[] {
  return rows
    .filter(
      (p) =>
        p.status === "held" &&
        (filter.agentId === undefined || p.agentId === filter.agentId) &&
        (filter.actionType === undefined || p.actionType === filter.actionType),
    )
    .sort(byCreatedThenId)
    .map((p) => p.id);
}

/** Every page of the list, following cursors to the end. */
async function allPages(store: Store, filter: HeldFilter, limit: number): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listHeldProposals(filter, limit, cursor);
    pages.push(page.items.map((p) => p.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return pages;
}

/** Proposals of every agent, action type and a few statuses, most of them held; times repeat. */
function proposals(count: number): ProposalRow[] {
  return Array.from({ length: count }, (_, i) =>
    proposalRow({
      agentId: AGENTS[i % 3]!,
      actionType: TYPES[Math.floor(i / 3) % 2]!,
      status: i % 7 === 3 ? "pending_review" : i % 5 === 0 ? "approved" : "held",
      // Every time twice, and out of insertion order, so ties are broken by id.
      createdAt: at((count - i) >> 1),
    }),
  );
}

async function seed(store: Store, rows: ProposalRow[]): Promise<void> {
  for (let from = 0; from < rows.length; from += 500) {
    const result = await store.commit({
      writes: rows.slice(from, from + 500).map((row) => ({ kind: "insertProposal" as const, row })),
      audit: [auditDraft("test.seed", null)],
    });
    if (!result.ok) throw new Error(`seeding failed: ${JSON.stringify(result.conflict)}`);
  }
}

describe.each(storeEngines())("Store contract, held proposals: %s", (engine) => {
  let db: TestStore;
  let store: Store;

  beforeEach(async () => {
    db = await createTestStore(engine);
    store = db.store;
  });
  afterEach(async () => {
    await db.cleanup();
  });

  it("lists held proposals of a scope oldest first, a page at a time, and no other status", async () => {
    const rows = proposals(60);
    await seed(store, rows);
    for (const filter of FILTERS) {
      const want = expected(rows, filter);
      expect(want.length, JSON.stringify(filter)).toBeGreaterThan(3);
      expect((await store.listHeldProposals(filter, 500)).items.map((p) => p.id)).toEqual(want);
      const pages = await allPages(store, filter, 3);
      expect(pages.flat(), JSON.stringify(filter)).toEqual(want);
      // Full pages until the last, which says there is no next one.
      expect(pages.slice(0, -1).every((page) => page.length === 3)).toBe(true);
      expect(pages.at(-1)!.length).toBeGreaterThan(0);
    }
    // The whole row comes back, as stored.
    const [first] = (await store.listHeldProposals({ agentId: "refund-bot" }, 1)).items;
    expect(first).toEqual(rows.find((p) => p.id === expected(rows, { agentId: "refund-bot" })[0]));

    expect(await store.listHeldProposals({ agentId: "nobody" }, 10)).toEqual({ items: [], nextCursor: null });
    expect(await store.listHeldProposals({}, 0)).toEqual({ items: [], nextCursor: null });
  });

  it("leaves a proposal out once it is no longer held, and refuses another list's cursor", async () => {
    const held = proposalRow({ status: "held", agentId: "refund-bot", createdAt: at(1) });
    const other = proposalRow({ status: "held", agentId: "refund-bot", createdAt: at(2) });
    await seed(store, [held, other]);
    const firstPage = await store.listHeldProposals({ agentId: "refund-bot" }, 1);
    expect(firstPage.items.map((p) => p.id)).toEqual([held.id]);

    // Released and routed to a review, as lifting the stop does.
    const released = await store.commit({
      writes: [
        {
          kind: "updateProposal",
          id: held.id,
          expectVersion: held.version,
          set: { status: "pending_review", updatedAt: at(3) },
        },
      ],
      audit: [auditDraft("proposal.released", held.id)],
    });
    expect(released.ok).toBe(true);
    expect((await store.listHeldProposals({ agentId: "refund-bot" }, 10)).items.map((p) => p.id)).toEqual([
      other.id,
    ]);
    // The cursor is a position, not a row: it still pages on after the row it names left the list.
    const next = await store.listHeldProposals({ agentId: "refund-bot" }, 1, firstPage.nextCursor!);
    expect(next).toEqual({ items: [expect.objectContaining({ id: other.id })], nextCursor: null });

    // A cursor of the entity list (newest first, keyed alike) or a string no list made is refused.
    for (const cursor of [encodeReviewCursor(at(1), held.id), "not-a-cursor"])
      await expect(store.listHeldProposals({}, 10, cursor)).rejects.toMatchObject({ code: "invalid_cursor" });
  });

  it("reads every scope's page from its partial index of held proposals, in order, with no sort", async () => {
    await seed(store, proposals(3000));
    const queries = FILTERS.flatMap((filter) =>
      [false, true].map((after) => ({
        sql: heldProposalsSql(filter, after),
        params: [
          "default",
          ...(filter.agentId !== undefined ? [filter.agentId] : []),
          ...(filter.actionType !== undefined ? [filter.actionType] : []),
          ...(after ? [at(400), "prop_zzz"] : []),
          51,
        ],
        index:
          filter.agentId !== undefined && filter.actionType !== undefined
            ? "proposals_held_by_pair"
            : filter.agentId !== undefined
              ? "proposals_held_by_agent"
              : filter.actionType !== undefined
                ? "proposals_held_by_action_type"
                : "proposals_held",
      })),
    );

    if (engine === "sqlite") {
      // No ANALYZE: the embedded store never runs it, so the plan is the one it gets without statistics.
      const sqlite = new Database(sqliteFile(db.location), { readonly: true });
      try {
        for (const { sql, params, index } of queries) {
          const plan = (
            sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]
          ).map((row) => row.detail);
          const shown = `${sql}\n${plan.join("\n")}`;
          expect(plan, shown).toHaveLength(1);
          expect(plan[0], shown).toMatch(new RegExp(`^SEARCH proposals USING INDEX ${index} \\(`));
          expect(plan.join("\n"), shown).not.toContain("TEMP B-TREE");
        }
      } finally {
        sqlite.close();
      }
      return;
    }

    await eachPostgresPlan(db.location, "proposals", queries, ({ nodes, shape }, sql, { index }) => {
      // The plan reads `proposals` once, by an index scan of `index`, and sorts nothing.
      const reads = nodes.filter((node) => node["Relation Name"] === "proposals");
      expect(reads, `${sql}\n${shape}`).toHaveLength(1);
      expect(reads[0]!["Node Type"], `${sql}\n${shape}`).toBe("Index Scan");
      expect(reads[0]!["Index Name"], `${sql}\n${shape}`).toBe(index);
      expect(nodes.filter((node) => node["Node Type"] === "Sort").length, `${sql}\n${shape}`).toBe(0);
    });
  });
});
