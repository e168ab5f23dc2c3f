import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { NotificationRow, ReviewTimerRow } from "../../src/store/notification-rows.ts";
import type { Change, Store } from "../../src/store/store.ts";
import { at, proposalRow, proposeChange, reviewRow, T0, testId } from "../support/store-fixtures.ts";
import { createTestStore, storeEngines, type TestStore } from "../support/stores.ts";

/** Migration 0003 (reminders, the notification outbox and feed, bypass reads), on both engines. */
describe.each(storeEngines())("Store contract, timers and notifications: %s", (engine) => {
  let db: TestStore;
  let store: Store;

  beforeEach(async () => {
    db = await createTestStore(engine);
    store = db.store;
  });
  afterEach(async () => {
    await db.cleanup();
  });

  const ok = async (change: Change) => {
    const result = await store.commit(change);
    if (!result.ok) throw new Error(`expected the change to commit, got ${JSON.stringify(result.conflict)}`);
  };

  const seedReview = async () => {
    const proposal = proposalRow();
    const review = reviewRow(proposal);
    await ok({
      ...proposeChange(proposal),
      writes: [
        { kind: "insertProposal", row: proposal },
        { kind: "insertReview", row: review },
      ],
    });
    return review;
  };

  const timer = (reviewId: string, proposalId: string, fireAt: string, beforeMs: number): ReviewTimerRow => ({
    id: testId("tmr"),
    reviewId,
    proposalId,
    kind: "reminder",
    fireAt,
    status: "pending",
    beforeMs,
    version: 1,
    createdAt: T0,
    firedAt: null,
  });

  it("lists pending reminders due by a time, soonest first, and fires each once", async () => {
    const review = await seedReview();
    const early = timer(review.id, review.proposalId, at(60), 600_000);
    const late = timer(review.id, review.proposalId, at(120), 300_000);
    await ok({
      writes: [
        { kind: "insertReviewTimer", row: late },
        { kind: "insertReviewTimer", row: early },
      ],
      audit: [],
    });

    expect((await store.dueReviewTimers(at(30), 10)).map((t) => t.id)).toEqual([]);
    expect((await store.dueReviewTimers(at(120), 10)).map((t) => t.id)).toEqual([early.id, late.id]);

    const fire: Change = {
      writes: [
        {
          kind: "updateReviewTimer",
          id: early.id,
          expectVersion: 1,
          set: { status: "fired", firedAt: at(61) },
        },
      ],
      audit: [],
    };
    expect((await store.commit(fire)).ok).toBe(true);
    // The same version again (a second replica): refused, nothing written.
    expect(await store.commit(fire)).toEqual({
      ok: false,
      conflict: { kind: "missing", table: "review_timers", id: early.id },
    });
    expect((await store.dueReviewTimers(at(120), 10)).map((t) => t.id)).toEqual([late.id]);
    expect(await store.timersOfReview(review.id)).toEqual([
      { ...early, status: "fired", firedAt: at(61), version: 2 },
      late,
    ]);
  });

  it("refuses a second reminder for the same review and offset", async () => {
    const review = await seedReview();
    await ok({
      writes: [{ kind: "insertReviewTimer", row: timer(review.id, review.proposalId, at(60), 600_000) }],
      audit: [],
    });
    const again = await store.commit({
      writes: [{ kind: "insertReviewTimer", row: timer(review.id, review.proposalId, at(60), 600_000) }],
      audit: [],
    });
    expect(again.ok).toBe(false);
  });

  const delivery = (reviewId: string, proposalId: string, nextAttemptAt: string): NotificationRow => {
    const id = testId("ntf");
    return {
      id,
      eventType: "review.created",
      channel: "webhook",
      proposalId,
      reviewId,
      status: "pending",
      attempts: 0,
      nextAttemptAt,
      lastError: null,
      version: 1,
      createdAt: T0,
      updatedAt: T0,
      sentAt: null,
      doc: {
        event: {
          id,
          type: "review.created",
          at: T0,
          proposal: {
            id: proposalId,
            agent: "a",
            actionType: "support.reply",
            summary: null,
            status: "pending_review",
            reason: null,
            url: `https://loopgate.test/audit?proposal=${proposalId}`,
          },
          review: {
            id: reviewId,
            queue: "support",
            level: 0,
            status: "pending",
            dueAt: at(3600),
            url: "http://x/reviews/1",
          },
          decision: null,
          reminder: null,
          expiry: null,
        },
        target: { kind: "webhook", url: "http://127.0.0.1:1/hook", secret: "env:SECRET" },
      },
    };
  };

  it("keeps outbox deliveries with their document, leases them, and finds a lapsed lease again", async () => {
    const review = await seedReview();
    const row = delivery(review.id, review.proposalId, at(0));
    await ok({ writes: [{ kind: "insertNotification", row }], audit: [] });
    expect(await store.dueNotifications(at(0), 10)).toEqual([row]);

    const lease: Change = {
      writes: [
        {
          kind: "updateNotification",
          id: row.id,
          expectVersion: 1,
          set: { status: "sending", attempts: 1, nextAttemptAt: at(15), updatedAt: at(1) },
        },
      ],
      audit: [],
    };
    await ok(lease);
    expect((await store.commit(lease)).ok).toBe(false); // another replica cannot take the same attempt
    expect(await store.dueNotifications(at(10), 10)).toEqual([]); // leased
    const lapsed = await store.dueNotifications(at(15), 10); // cut off by a crash: due again
    expect(lapsed.map((n) => [n.id, n.status, n.attempts, n.version])).toEqual([[row.id, "sending", 1, 2]]);

    await ok({
      writes: [
        {
          kind: "updateNotification",
          id: row.id,
          expectVersion: 2,
          set: { status: "sent", sentAt: at(16), updatedAt: at(16) },
        },
      ],
      audit: [],
    });
    expect(await store.dueNotifications(at(1000), 10)).toEqual([]);
    expect(await store.notificationsOfReview(review.id)).toEqual([
      {
        ...row,
        status: "sent",
        attempts: 1,
        nextAttemptAt: at(15),
        sentAt: at(16),
        updatedAt: at(16),
        version: 3,
      },
    ]);
  });

  it("lists deliveries oldest first, by status or review, a page at a time", async () => {
    const review = await seedReview();
    const rows = [at(1), at(2), at(3)].map((time) => ({
      ...delivery(review.id, review.proposalId, time),
      createdAt: time,
    }));
    rows[1]!.status = "failed";
    await ok({ writes: rows.map((row) => ({ kind: "insertNotification" as const, row })), audit: [] });
    const first = await store.listNotifications({}, 2);
    expect(first.items.map((n) => n.id)).toEqual([rows[0]!.id, rows[1]!.id]);
    const second = await store.listNotifications({}, 2, first.nextCursor!);
    expect(second).toEqual({ items: [rows[2]], nextCursor: null });
    expect((await store.listNotifications({ status: "failed" }, 10)).items).toEqual([rows[1]]);
    expect((await store.listNotifications({ reviewId: "nope" }, 10)).items).toEqual([]);
  });

  it("moves a feed only from the position it was read at", async () => {
    expect(await store.feedPosition("notifications")).toBe(0);
    expect(await store.feedPosition("other")).toBeNull();
    await ok({ writes: [{ kind: "advanceFeed", name: "notifications", fromSeq: 0, toSeq: 5 }], audit: [] });
    const stale = await store.commit({
      writes: [{ kind: "advanceFeed", name: "notifications", fromSeq: 0, toSeq: 3 }],
      audit: [],
    });
    expect(stale.ok).toBe(false);
    expect(await store.feedPosition("notifications")).toBe(5);
    await ok({ writes: [{ kind: "advanceFeed", name: "other", fromSeq: 0, toSeq: 2 }], audit: [] });
    expect(await store.feedPosition("other")).toBe(2);
  });

  it("finds an agent's refused proposals of a type inside a window, newest first", async () => {
    const old = proposalRow({ status: "rejected", createdAt: at(-100_000) });
    const rejected = proposalRow({ status: "rejected", createdAt: at(10) });
    const blocked = proposalRow({ status: "blocked", createdAt: at(20) });
    const pending = proposalRow({ createdAt: at(30) });
    const otherAgent = proposalRow({ status: "rejected", agentId: "agent_other", createdAt: at(40) });
    const otherType = proposalRow({ status: "rejected", actionType: "billing.refund", createdAt: at(50) });
    for (const row of [old, rejected, blocked, pending, otherAgent, otherType]) await ok(proposeChange(row));
    const found = await store.refusedProposals("agent_support", "support.reply", at(-3600), 10);
    expect(found.map((p) => p.id)).toEqual([blocked.id, rejected.id]);
    expect(found[0]).toEqual({
      id: blocked.id,
      createdAt: blocked.createdAt,
      payload: blocked.doc.action.payload,
    });
    expect(await store.refusedProposals("agent_support", "support.reply", at(-3600), 1)).toHaveLength(1);
  });

  it("finds the amounts proposed for an entity inside a window, with their proposals", async () => {
    const rows = [0, 1, 2].map((index) =>
      proposalRow({ actionType: "billing.refund", createdAt: at(index * 60) }),
    );
    for (const [index, row] of rows.entries()) {
      await ok({
        ...proposeChange(row),
        writes: [
          { kind: "insertProposal", row },
          {
            kind: "insertProposalAmount",
            row: {
              proposalId: row.id,
              actionType: "billing.refund",
              entity: index < 2 ? "customer:c_1" : "customer:c_2",
              amount: (index + 1) * 10.5,
              createdAt: row.createdAt,
            },
          },
        ],
      });
    }
    const found = await store.amountsOfEntity("billing.refund", "customer:c_1", at(-60), 10);
    expect(found.map((f) => [f.proposalId, f.amount, f.createdAt, f.status])).toEqual([
      [rows[1]!.id, 21, rows[1]!.createdAt, rows[1]!.status],
      [rows[0]!.id, 10.5, rows[0]!.createdAt, rows[0]!.status],
    ]);
    expect(found[0]!.verdict).toBe("review");
    expect(await store.amountsOfEntity("billing.refund", "customer:c_1", at(30), 10)).toHaveLength(1);
    expect(await store.amountsOfEntity("support.reply", "customer:c_1", at(-60), 10)).toEqual([]);
  });
});
