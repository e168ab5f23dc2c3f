import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InvalidCursorError } from "../../src/store/cursor.ts";
import type { HistoryRow } from "../../src/store/history-sql.ts";
import type { Change, ProposalRow, Store } from "../../src/store/store.ts";
import { at, auditDraft, decisionRow, proposalRow, reviewRow } from "../support/store-fixtures.ts";
import { createTestStore, storeEngines, type TestStore } from "../support/stores.ts";

/** History pages for replay and feedback export (migration 0007), on SQLite and on PostgreSQL. */
describe.each(storeEngines())("Store contract, history: %s", (engine) => {
  let db: TestStore;
  let store: Store;

  beforeEach(async () => {
    db = await createTestStore(engine);
    store = db.store;
  });
  afterEach(async () => {
    await db.cleanup();
  });

  const commit = async (change: Change) => {
    const result = await store.commit(change);
    if (!result.ok) throw new Error(JSON.stringify(result.conflict));
  };
  /** A proposal created `seconds` after T0, with one review and `decisions` decisions on it. */
  const stored = async (seconds: number, decisions: number): Promise<ProposalRow> => {
    const proposal = proposalRow({ createdAt: at(seconds), updatedAt: at(seconds) });
    const review = reviewRow(proposal, { createdAt: at(seconds) });
    await commit({
      writes: [
        { kind: "insertProposal", row: proposal },
        { kind: "insertReview", row: review },
        ...Array.from({ length: decisions }, (_, i) => ({
          kind: "insertDecision" as const,
          row: decisionRow(review, { at: at(seconds + 60 - i), verdict: i === 0 ? "approve" : "escalate" }),
        })),
      ],
      audit: [auditDraft("proposal.created", proposal.id)],
    });
    return proposal;
  };
  const walk = async (since: string | null, limit: number): Promise<HistoryRow[][]> => {
    const pages: HistoryRow[][] = [];
    let cursor: string | undefined;
    do {
      const page = await store.historyPage(since, limit, cursor);
      pages.push(page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    return pages;
  };

  it("pages proposals oldest first with their reviews and decisions, in the order they were made", async () => {
    const later = await stored(30, 2);
    const first = await stored(0, 0);
    const sameTime = [await stored(10, 1), await stored(10, 1)].sort((a, b) => (a.id < b.id ? -1 : 1));

    const pages = await walk(null, 2);
    expect(pages.map((page) => page.length)).toEqual([2, 2]);
    const rows = pages.flat();
    expect(rows.map((row) => row.proposal.id)).toEqual([
      first.id,
      sameTime[0]!.id,
      sameTime[1]!.id,
      later.id,
    ]);
    expect(rows[0]!.decisions).toEqual([]);
    expect(rows[0]!.reviews.map((r) => r.proposalId)).toEqual([first.id]);
    const last = rows[3]!;
    expect(last.reviews).toHaveLength(1);
    expect(last.reviews[0]!.proposalId).toBe(later.id);
    // Two decisions, the escalation (59 s) before the approval (60 s): by time, not by insertion.
    expect(last.decisions.map((d) => d.verdict)).toEqual(["escalate", "approve"]);
    expect(last.proposal.doc).toEqual(later.doc);
  });

  it("starts at `since`, counts what it will walk, and ends with a null cursor", async () => {
    await stored(0, 0);
    const second = await stored(20, 1);
    const third = await stored(40, 1);
    expect(await store.historySize(null)).toBe(3);
    expect(await store.historySize(at(20))).toBe(2);
    // An offset is read as the same instant.
    expect(await store.historySize("2026-11-23T13:00:20+01:00")).toBe(2);
    const page = await store.historyPage(at(20), 10);
    expect(page.items.map((row) => row.proposal.id)).toEqual([second.id, third.id]);
    expect(page.nextCursor).toBeNull();
    expect(await store.historyPage(at(3600), 10)).toEqual({ items: [], nextCursor: null });
  });

  it("refuses a cursor it did not produce", async () => {
    await expect(store.historyPage(null, 10, "not-a-cursor")).rejects.toBeInstanceOf(InvalidCursorError);
  });
});
