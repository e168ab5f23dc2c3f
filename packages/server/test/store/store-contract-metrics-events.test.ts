import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Change, Store } from "../../src/store/store.ts";
import { at, changeOf, decisionRow, proposalRow, reviewRow, T0 } from "../support/store-fixtures.ts";
import { createTestStore, storeEngines, type TestStore } from "../support/stores.ts";

/**
 * The rollups of what happens around decisions (migration 0011) on both engines: counted in the commit
 * that writes the event, once per subject where the metric says so, even when events come together.
 */
describe.each(storeEngines())("Store contract, decision outcome rollups: %s", (engine) => {
  let db: TestStore;
  let store: Store;

  beforeEach(async () => {
    db = await createTestStore(engine);
    store = db.store;
  });
  afterEach(async () => db.cleanup());

  const ok = async (change: Change) => {
    const result = await store.commit(change);
    if (!result.ok) throw new Error(`expected the change to commit, got ${JSON.stringify(result.conflict)}`);
  };
  const totals = async () => {
    const cells = await store.metricRollups({
      from: "2026-11-23T00:00:00.000Z",
      to: "2026-11-24T00:00:00.000Z",
    });
    const sums: Record<string, number> = {};
    for (const cell of cells) sums[cell.metric] = (sums[cell.metric] ?? 0) + cell.value;
    return sums;
  };
  const claim = (reviewId: string, version: number, by: string, seconds: number): Change =>
    changeOf([
      {
        kind: "updateReview",
        id: reviewId,
        expectVersion: version,
        set: { claimedBy: { id: by, name: by }, claimExpiresAt: at(seconds + 900), updatedAt: at(seconds) },
      },
    ]);

  it("counts a review's first claim once, timed from its opening, even when claims arrive together", async () => {
    const proposal = proposalRow();
    const review = reviewRow(proposal);
    await ok(
      changeOf([
        { kind: "insertProposal", row: proposal },
        { kind: "insertReview", row: review },
      ]),
    );
    // Two claims in one batch (the second extends the first), then a third later.
    await Promise.all([ok(claim(review.id, 1, "ann", 90)), ok(claim(review.id, 2, "ann", 95))]);
    await ok(claim(review.id, 3, "ben", 2000));
    const sums = await totals();
    expect(sums).toMatchObject({ "claim.count": 1, "claim.seconds_sum": 90, "claim.le.300": 1 });
    const byBen = await store.metricRollups({
      from: "2026-11-23T00:00:00.000Z",
      to: "2026-11-24T00:00:00.000Z",
      reviewerId: "ben",
    });
    expect(byBen.filter((c) => c.metric.startsWith("claim."))).toEqual([]);
  });

  it("counts categories, approvals, incidents after approval and false approvals per approver, once per proposal", async () => {
    const proposal = proposalRow({ actionType: "billing.refund" });
    const review = reviewRow(proposal, { approvalsRequired: 2, queue: "billing" });
    await ok(
      changeOf([
        { kind: "insertProposal", row: proposal },
        { kind: "insertReview", row: review },
      ]),
    );
    await ok(
      changeOf([
        { kind: "insertDecision", row: decisionRow(review, { byId: "ann", category: "amount_checked" }) },
        { kind: "insertDecision", row: decisionRow(review, { byId: "ben", at: at(120) }) },
        {
          kind: "updateReview",
          id: review.id,
          expectVersion: 1,
          set: { status: "decided", updatedAt: at(120) },
        },
        {
          kind: "updateProposal",
          id: proposal.id,
          expectVersion: 1,
          set: { status: "approved", updatedAt: at(120) },
        },
      ]),
    );
    const auto = proposalRow({
      status: "auto_approved",
      doc: { ...proposalRow().doc, route: { verdict: "auto" } },
    });
    await ok(changeOf([{ kind: "insertProposal", row: auto }]));
    const incident = (id: string, seconds: number): Change =>
      changeOf([
        {
          kind: "insertOutcome",
          row: {
            id,
            proposalId: proposal.id,
            agentId: proposal.agentId,
            actionType: proposal.actionType,
            kind: "incident",
            severity: "high",
            comment: null,
            recordedBy: { kind: "user", id: "olga", name: "Olga" },
            at: at(seconds),
          },
        },
      ]);
    await Promise.all([ok(incident("out_1", 600)), ok(incident("out_2", 601))]);
    await ok(incident("out_3", 900));

    const sums = await totals();
    expect(sums).toMatchObject({
      "category.amount_checked": 1,
      approved: 2,
      incidents: 3,
      "incidents.post_approval": 1,
      false_approvals: 2,
    });
    const ann = await store.metricRollups({
      from: "2026-11-23T00:00:00.000Z",
      to: "2026-11-24T00:00:00.000Z",
      reviewerId: "ann",
    });
    expect(ann.find((c) => c.metric === "false_approvals")?.value).toBe(1);
    // One filter reads a slice (migration 0011), two other than type and agent the full rollups: they agree.
    const annInBilling = await store.metricRollups({
      from: "2026-11-23T00:00:00.000Z",
      to: "2026-11-24T00:00:00.000Z",
      reviewerId: "ann",
      queue: "billing",
    });
    expect(annInBilling).toEqual(ann);
    const billing = await store.metricRollups({
      from: `${T0.slice(0, 10)}T00:00:00.000Z`,
      to: "2026-11-24T00:00:00.000Z",
      queue: "billing",
    });
    expect(billing.find((c) => c.metric === "incidents.post_approval")?.value).toBe(1);
    const prometheus = await store.metricTotals();
    expect(prometheus.find((t) => t.metric === "false_approvals" && t.reviewerId === "ben")?.value).toBe(1);
  });
});
