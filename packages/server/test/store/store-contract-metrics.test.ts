import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Change, Store } from "../../src/store/store.ts";
import {
  at,
  auditDraft,
  decisionRow,
  proposalRow,
  proposeChange,
  reviewRow,
  T0,
} from "../support/store-fixtures.ts";
import { createTestStore, storeEngines, type TestStore } from "../support/stores.ts";

/** Metric rollups (migration 0005), maintained by commits, on SQLite and on PostgreSQL. */
describe.each(storeEngines())("Store contract, metric rollups: %s", (engine) => {
  let db: TestStore;
  let store: Store;

  beforeEach(async () => {
    db = await createTestStore(engine);
    store = db.store;
  });
  afterEach(async () => {
    await db.cleanup();
  });

  const HOUR = "2026-11-23T12:00:00.000Z";
  const window = { from: "2026-11-23T00:00:00.000Z", to: "2026-11-24T00:00:00.000Z" };
  const counters = async (filter: Partial<Parameters<Store["metricRollups"]>[0]> = {}) => {
    const cells = await store.metricRollups({ ...window, ...filter });
    const out: Record<string, number> = {};
    for (const cell of cells) out[`${cell.bucket} ${cell.metric}`] = cell.value;
    return out;
  };
  const commit = async (change: Change) => {
    const result = await store.commit(change);
    if (!result.ok) throw new Error(JSON.stringify(result.conflict));
  };
  const submitForReview = async (overrides = {}) => {
    const proposal = proposalRow(overrides);
    const review = reviewRow(proposal);
    await commit({
      writes: [
        { kind: "insertProposal", row: proposal },
        { kind: "insertReview", row: review },
      ],
      audit: [auditDraft("proposal.created", proposal.id)],
    });
    return { proposal, review };
  };

  it("counts proposals by route in their hour, with the queue of the review they open", async () => {
    await submitForReview();
    await commit(proposeChange(proposalRow({ doc: { ...proposalRow().doc, route: { verdict: "auto" } } })));
    expect(await counters()).toEqual({
      [`${HOUR} proposals`]: 2,
      [`${HOUR} route.auto`]: 1,
      [`${HOUR} route.review`]: 1,
    });
    expect(await counters({ queue: "support" })).toEqual({
      [`${HOUR} proposals`]: 1,
      [`${HOUR} route.review`]: 1,
    });
    expect(await counters({ actionType: "billing.refund" })).toEqual({});
    expect(await counters({ from: "2026-11-23T13:00:00.000Z" })).toEqual({});
    expect(await counters({ granularity: "day" })).toEqual({
      "2026-11-23T00:00:00.000Z proposals": 2,
      "2026-11-23T00:00:00.000Z route.auto": 1,
      "2026-11-23T00:00:00.000Z route.review": 1,
    });
  });

  it("counts decisions by verdict and reviewer with their time to decide, and expiries", async () => {
    const first = await submitForReview();
    const decision = decisionRow(first.review, { at: at(90), byId: "user_ann" });
    await commit({
      writes: [
        { kind: "insertDecision", row: decision },
        {
          kind: "updateReview",
          id: first.review.id,
          expectVersion: 1,
          set: { status: "decided", updatedAt: at(90) },
        },
      ],
      audit: [auditDraft("review.decided", first.proposal.id)],
    });
    const second = await submitForReview();
    await commit({
      writes: [
        {
          kind: "updateReview",
          id: second.review.id,
          expectVersion: 1,
          set: { status: "expired", updatedAt: at(7200) },
        },
      ],
      audit: [auditDraft("review.expired", second.proposal.id)],
    });

    expect(await counters({ reviewerId: "user_ann" })).toEqual({
      [`${HOUR} decisions.approve`]: 1,
      [`${HOUR} decide.count`]: 1,
      [`${HOUR} decide.seconds_sum`]: 90,
      [`${HOUR} decide.le.300`]: 1,
    });
    expect(await counters({ reviewerId: "user_bob" })).toEqual({});
    // The expiry lands in the hour it happened (two hours later), on the review's dimensions.
    expect((await counters({ queue: "support" }))["2026-11-23T14:00:00.000Z expiries"]).toBe(1);
  });

  it("adds nothing for a change that conflicts", async () => {
    const { review } = await submitForReview();
    const before = await counters();
    const refused = await store.commit({
      writes: [
        { kind: "insertDecision", row: decisionRow(review) },
        { kind: "updateReview", id: review.id, expectVersion: 99, set: { status: "decided" } },
      ],
      audit: [],
    });
    expect(refused.ok).toBe(false);
    expect(await counters()).toEqual(before);
  });

  it("sums concurrent commits of one batch, and keeps all-time totals across hours", async () => {
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        submitForReview({ createdAt: i % 2 === 0 ? T0 : at(3600), agentId: i < 10 ? "agent_a" : "agent_b" }),
      ),
    );
    const all = await counters();
    expect(all[`${HOUR} proposals`]).toBe(15);
    expect(all["2026-11-23T13:00:00.000Z proposals"]).toBe(15);
    expect(await counters({ agentId: "agent_a" })).toMatchObject({
      [`${HOUR} proposals`]: 5,
      "2026-11-23T13:00:00.000Z proposals": 5,
    });
    const totals = await store.metricTotals();
    const proposals = totals.filter((t) => t.metric === "proposals");
    expect(proposals).toEqual([
      {
        actionType: "support.reply",
        agentId: "agent_a",
        queue: "support",
        reviewerId: "",
        metric: "proposals",
        value: 10,
      },
      {
        actionType: "support.reply",
        agentId: "agent_b",
        queue: "support",
        reviewerId: "",
        metric: "proposals",
        value: 20,
      },
    ]);
  });
});
