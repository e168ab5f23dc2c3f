import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { encodeReviewCursor } from "../../src/store/cursor.ts";
import { MAX_REVIEW_LIST_BRANCHES, reviewListSql } from "../../src/store/review-list-sql.ts";
import { sqliteFile } from "../../src/store/sqlite-store.ts";
import type { ReviewFilter, ReviewRow, Store, Write } from "../../src/store/store.ts";
import { eachPostgresPlan } from "../support/postgres-plans.ts";
import { at, auditDraft, proposalRow, reviewRow } from "../support/store-fixtures.ts";
import { createTestStore, storeEngines, type TestStore } from "../support/stores.ts";

/**
 * The review list (the reviewer's "next item", SPEC §9 claim-next): `(due_at, id)` order across both
 * open statuses and every queue, paged by cursor, and read from the indexes rather than by scanning
 * and sorting the open reviews.
 */

const QUEUES = ["support", "billing", "ops"] as const;
const STATUSES = ["pending", "escalated", "decided", "expired", "cancelled"] as const;

/** `(due_at, id)` order as both engines sort it (`COLLATE "C"` on PostgreSQL, binary on SQLite). */
const byDueThenId = (a: ReviewRow, b: ReviewRow): number =>
  a.dueAt < b.dueAt ? -1 : a.dueAt > b.dueAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

/** What `filter` should list, from the rows in memory. */
function expected(rows: readonly ReviewRow[], filter: ReviewFilter): ReviewRow[] {
  const statuses: readonly string[] = filter.statuses ?? ["pending", "escalated"];
  return rows
    .filter(
      (r) =>
        statuses.includes(r.status) &&
        (filter.queues === undefined || filter.queues.includes(r.queue)) &&
        (filter.actionType === undefined || r.actionType === filter.actionType) &&
        (filter.agentId === undefined || r.agentId === filter.agentId),
    )
    .sort(byDueThenId);
}

/** Every page of the list, following cursors to the end. */
async function allPages(store: Store, filter: ReviewFilter, limit: number) {
  const pages: ReviewRow[][] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listReviews(filter, limit, cursor);
    pages.push(page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return pages;
}

/** Proposals and their reviews in one commit, as many as the rows given. */
async function seed(store: Store, specs: Partial<ReviewRow>[]): Promise<ReviewRow[]> {
  const reviews: ReviewRow[] = [];
  const writes: Write[] = [];
  for (const [i, spec] of specs.entries()) {
    const proposal = proposalRow(
      i % 4 === 0 ? { actionType: "billing.refund", agentId: "agent_billing" } : {},
    );
    const review = reviewRow(proposal, spec);
    reviews.push(review);
    writes.push({ kind: "insertProposal", row: proposal }, { kind: "insertReview", row: review });
  }
  const result = await store.commit({ writes, audit: [auditDraft("test.seed", null)] });
  if (!result.ok) throw new Error(`seeding failed: ${JSON.stringify(result.conflict)}`);
  return reviews;
}

describe.each(storeEngines())("Review list: %s", (engine) => {
  let db: TestStore;
  let store: Store;

  beforeEach(async () => {
    db = await createTestStore(engine);
    store = db.store;
  });
  afterEach(async () => {
    await db.cleanup();
  });

  describe("order and paging", () => {
    let rows: ReviewRow[];

    beforeEach(async () => {
      const specs: Partial<ReviewRow>[] = [];
      for (let i = 0; i < 60; i++) {
        specs.push({
          // Ids out of insertion order, and due times shared across statuses and queues, so ties
          // between a pending and an escalated review are broken by id across the two.
          id: `rev_${String((i * 37) % 101).padStart(3, "0")}`,
          dueAt: at(60 * (i % 9)),
          queue: QUEUES[i % 3]!,
          status:
            i % 10 === 9 ? STATUSES[2 + (i % 3)]! : i % 4 === 1 || i % 7 === 0 ? "escalated" : "pending",
        });
      }
      rows = await seed(store, specs);
    });

    const filters: [string, ReviewFilter][] = [
      ["the default inbox (pending and escalated, every queue)", {}],
      ["one queue", { queues: ["support"] }],
      ["two queues", { queues: ["support", "billing"] }],
      ["a queue with no reviews beside one with some", { queues: ["nobody", "ops"] }],
      ["one status", { statuses: ["escalated"] }],
      ["one status in one queue", { statuses: ["pending"], queues: ["billing"] }],
      ["closed statuses", { statuses: ["decided", "expired", "cancelled"] }],
      ["an action type", { actionType: "billing.refund" }],
      ["an agent in two queues", { agentId: "agent_billing", queues: ["support", "ops"] }],
      [
        "an action type and agent in one queue",
        { actionType: "support.reply", agentId: "agent_support", queues: ["ops"] },
      ],
      [
        "a status or queue named twice",
        { statuses: ["pending", "escalated", "pending"], queues: ["ops", "ops"] },
      ],
      [
        "more queues than the list reads one by one",
        {
          queues: [...Array.from({ length: MAX_REVIEW_LIST_BRANCHES }, (_, i) => `q${i}`), "billing", "ops"],
        },
      ],
    ];

    it.each(filters)("lists %s in (due, id) order, page after page", async (_name, filter) => {
      const want = expected(rows, filter);
      expect(want.length).toBeGreaterThan(0);
      expect((await store.listReviews(filter, 1000)).items).toEqual(want);

      for (const limit of [1, 4]) {
        const pages = await allPages(store, filter, limit);
        expect(pages.flat()).toEqual(want);
        expect(pages).toHaveLength(Math.max(1, Math.ceil(want.length / limit)));
        expect(pages.every((page) => page.length === limit || page === pages.at(-1))).toBe(true);
      }
    });

    it("lists what a reviewer may claim: unclaimed, lapsed, or held by them, in list order (claim-next)", async () => {
      const now = at(600);
      const open = expected(rows, {});
      const claims: [ReviewRow, string, string][] = [
        [open[0]!, "u_other", at(900)], // live: left out
        [open[1]!, "u_other", at(300)], // lapsed: claimable
        [open[2]!, "u_me", at(900)], // mine: claimable
        [open[3]!, "u_other", at(900)], // live: left out
      ];
      for (const [review, by, until] of claims) {
        const result = await store.commit({
          writes: [
            {
              kind: "updateReview",
              id: review.id,
              expectVersion: review.version,
              set: { claimedBy: { id: by, name: by }, claimExpiresAt: until },
            },
          ],
          audit: [],
        });
        expect(result.ok).toBe(true);
      }
      const held = new Set([open[0]!.id, open[3]!.id]);
      const want = open.filter((r) => !held.has(r.id)).map((r) => r.id);
      const pages: string[][] = [];
      let cursor: string | undefined;
      do {
        const page = await store.claimableReviews({ userId: "u_me", now }, 7, cursor);
        pages.push(page.items.map((r) => r.id));
        expect(page.items.every((r) => r.dueAt !== "")).toBe(true);
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
      expect(pages.flat()).toEqual(want);
      const inSupport = await store.claimableReviews({ queues: ["support"], userId: "u_me", now }, 1000);
      expect(inSupport.items.map((r) => r.id)).toEqual(
        open.filter((r) => r.queue === "support" && !held.has(r.id)).map((r) => r.id),
      );
      expect((await store.claimableReviews({ queues: [], userId: "u_me", now }, 10)).items).toEqual([]);
    });

    it("starts after a cursor's (due, id) position, whichever status or queue it came from", async () => {
      const open = expected(rows, {});
      // A cursor at a tie: an escalated review's position, with pending reviews due at the same time.
      const pivot = open.find(
        (r) =>
          r.status === "escalated" &&
          open.some((o) => o.dueAt === r.dueAt && o.status === "pending" && o.id > r.id),
      )!;
      expect(pivot).toBeDefined();
      const cursor = encodeReviewCursor(pivot.dueAt, pivot.id);
      const after = (filter: ReviewFilter) => expected(rows, filter).filter((r) => byDueThenId(r, pivot) > 0);

      for (const filter of [{}, { queues: ["support"] }, { queues: ["billing", "ops"] }] as ReviewFilter[]) {
        const page = await store.listReviews(filter, 5, cursor);
        const want = after(filter);
        expect(page.items).toEqual(want.slice(0, 5));
        expect(page.nextCursor === null).toBe(want.length <= 5);
      }
      // A position no review holds (its review moved on) still starts at the next due.
      const gap = encodeReviewCursor(at(90), "rev_");
      expect((await store.listReviews({}, 100, gap)).items).toEqual(
        open.filter((r) => r.dueAt > at(90) || (r.dueAt === at(90) && r.id > "rev_")),
      );
    });

    it("answers nothing for empty filters and past the end", async () => {
      expect(await store.listReviews({ statuses: [] }, 10)).toEqual({ items: [], nextCursor: null });
      expect(await store.listReviews({ queues: [] }, 10)).toEqual({ items: [], nextCursor: null });
      expect(await store.listReviews({ queues: ["nobody"] }, 10)).toEqual({ items: [], nextCursor: null });
      const last = expected(rows, {}).at(-1)!;
      expect(await store.listReviews({}, 10, encodeReviewCursor(last.dueAt, last.id))).toEqual({
        items: [],
        nextCursor: null,
      });
    });
  });

  describe("plan", () => {
    /** The list queries the app runs: the inbox, a queue, a reviewer's queues, with and without a cursor. */
    const queries = () => {
      const open = ["pending", "escalated"];
      const after = { dueAt: at(600), id: "rev_zzz" };
      const list = (filter: Parameters<typeof reviewListSql>[1], from: typeof after | null, fetch: number) =>
        reviewListSql("default", filter, from, fetch, "*", engine);
      return [
        list({ statuses: open }, null, 2),
        list({ statuses: open, queues: ["support"] }, null, 2),
        list({ statuses: open, queues: ["support", "billing"] }, null, 51),
        list({ statuses: open }, after, 51),
        list({ statuses: open, queues: ["billing"] }, after, 51),
        list({ statuses: open, actionType: "billing.refund" }, null, 51),
        list({ statuses: ["escalated"], queues: ["ops"] }, after, 51),
        // The expiry timer's sweep, on every tick.
        list({ statuses: open, dueBy: at(700) }, null, 50),
        ...claimable(),
      ];
    };
    /** Claim-next's candidate pages: what the index holds alone (claimableReviews' columns). */
    const claimable = () => {
      const open = ["pending", "escalated"];
      const claimableBy = { userId: "u_me", now: at(300) };
      const candidates = (
        filter: Parameters<typeof reviewListSql>[1],
        from: { dueAt: string; id: string } | null,
        fetch: number,
      ) => reviewListSql("default", filter, from, fetch, "id, due_at", engine);
      return [
        candidates({ statuses: open, claimableBy }, null, 5),
        candidates({ statuses: open, queues: ["support"], claimableBy }, null, 5),
        candidates(
          { statuses: open, queues: ["support"], claimableBy },
          { dueAt: at(600), id: "rev_zzz" },
          51,
        ),
      ];
    };

    beforeEach(async () => {
      // A few thousand open reviews over three queues, and closed ones beside them.
      const specs: Partial<ReviewRow>[] = [];
      for (let i = 0; i < 3000; i++) {
        specs.push({
          dueAt: at(i * 7),
          queue: QUEUES[i % 3]!,
          status: i % 10 === 0 ? "decided" : i % 4 === 1 ? "escalated" : "pending",
        });
      }
      for (let from = 0; from < specs.length; from += 1000) await seed(store, specs.slice(from, from + 1000));
    });

    it("reads reviews from the due-order indexes, with no scan of the table", async () => {
      if (engine === "sqlite") {
        const sqlite = new Database(sqliteFile(db.location), { readonly: true });
        try {
          // No ANALYZE: the embedded store never runs it, so the plan is the one it gets without statistics.
          for (const { sql, params } of queries()) {
            const plan = sqlite
              .prepare(`EXPLAIN QUERY PLAN ${sql}`)
              .all(...params)
              .map((row) => (row as { detail: string }).detail);
            const reads = plan.filter((line) => /\breviews\b/.test(line));
            expect(reads.length, `${sql}\n${plan.join("\n")}`).toBeGreaterThan(0);
            for (const line of reads)
              expect(line, `${sql}\n${plan.join("\n")}`).toMatch(
                /^SEARCH reviews USING (COVERING )?INDEX reviews_(queue_)?status_due /,
              );
            // Each branch read in index order and merged as it goes: nothing sorted.
            expect(plan.join("\n"), sql).not.toContain("TEMP B-TREE");
          }
          // Claim-next's candidates come from the index alone: no table row per candidate.
          for (const { sql, params } of claimable()) {
            const plan = sqlite
              .prepare(`EXPLAIN QUERY PLAN ${sql}`)
              .all(...params)
              .map((row) => (row as { detail: string }).detail);
            for (const line of plan.filter((l) => /\breviews\b/.test(l)))
              expect(line, `${sql}\n${plan.join("\n")}`).toMatch(/^SEARCH reviews USING COVERING INDEX /);
          }
        } finally {
          sqlite.close();
        }
        return;
      }

      await eachPostgresPlan(db.location, "reviews", queries(), ({ nodes, shape }, sql) => {
        // Every read of `reviews` is an index scan of a due-order index, and nothing sorts them.
        const reads = nodes.filter((node) => node["Relation Name"] === "reviews");
        expect(reads.length, `${sql}\n${shape}`).toBeGreaterThan(0);
        for (const read of reads) {
          expect(read["Node Type"], `${sql}\n${shape}`).toMatch(/^Index (Only )?Scan$/);
          expect(read["Index Name"], `${sql}\n${shape}`).toMatch(/^reviews_(queue_)?status_due$/);
        }
        expect(nodes.filter((node) => node["Node Type"] === "Sort").length, `${sql}\n${shape}`).toBe(0);
      });
    });
  });
});
