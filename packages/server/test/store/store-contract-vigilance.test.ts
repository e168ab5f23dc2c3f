import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Change, CommitResult, ProposalRow, ReviewRow, Store } from "../../src/store/store.ts";
import type { ReviewActivityRow } from "../../src/store/vigilance-rows.ts";
import {
  at,
  changeOf,
  decisionRow,
  proposalRow,
  proposeChange,
  reviewRow,
} from "../support/store-fixtures.ts";
import { createTestStore, storeEngines, type TestStore } from "../support/stores.ts";

const ANNA = { byId: "u_anna", byName: "anna" };
const BEN = { byId: "u_ben", byName: "ben" };

const activity = (
  review: ReviewRow,
  userId: string,
  over: Partial<ReviewActivityRow> = {},
): ReviewActivityRow => ({
  reviewId: review.id,
  userId,
  proposalId: review.proposalId,
  firstOpenedAt: null,
  evidenceOpenedAt: null,
  judgement: null,
  packetChars: null,
  evidenceItems: null,
  ...over,
});

/** Reviewer vigilance's tables (migration 0010), on SQLite and on PostgreSQL. */
describe.each(storeEngines())("Store contract, reviewer vigilance: %s", (engine) => {
  let db: TestStore;
  let store: Store;

  beforeEach(async () => {
    db = await createTestStore(engine);
    store = db.store;
  });
  afterEach(async () => {
    await db.cleanup();
  });

  const ok = async (change: Change): Promise<Extract<CommitResult, { ok: true }>> => {
    const result = await store.commit(change);
    if (!result.ok) throw new Error(`expected the change to commit, got ${JSON.stringify(result.conflict)}`);
    return result;
  };
  const openReview = async (proposal: ProposalRow = proposalRow()): Promise<ReviewRow> => {
    const review = reviewRow(proposal);
    await ok(proposeChange(proposal));
    await ok(changeOf([{ kind: "insertReview", row: review }]));
    return review;
  };

  it("keeps the first of every activity fact and reads it back per review and person", async () => {
    const review = await openReview();
    expect(await store.reviewActivity(review.id, "u_anna")).toBeNull();

    await ok({
      writes: [
        {
          kind: "noteReviewActivity",
          row: activity(review, "u_anna", { firstOpenedAt: at(1), packetChars: 1200, evidenceItems: 2 }),
        },
      ],
      audit: [],
    });
    await ok({
      writes: [
        {
          kind: "noteReviewActivity",
          row: activity(review, "u_anna", { firstOpenedAt: at(5), evidenceOpenedAt: at(6), packetChars: 99 }),
        },
      ],
      audit: [],
    });
    const judgement = { verdict: "reject" as const, comment: "looks off", at: at(7) };
    await ok({
      writes: [
        {
          kind: "noteReviewActivity",
          row: activity(review, "u_anna", { evidenceOpenedAt: at(9), judgement }),
        },
      ],
      audit: [],
    });
    await ok({
      writes: [{ kind: "noteReviewActivity", row: activity(review, "u_ben", { firstOpenedAt: at(3) }) }],
      audit: [],
    });

    expect(await store.reviewActivity(review.id, "u_anna")).toEqual({
      reviewId: review.id,
      userId: "u_anna",
      proposalId: review.proposalId,
      firstOpenedAt: at(1),
      evidenceOpenedAt: at(6),
      judgement,
      packetChars: 1200,
      evidenceItems: 2,
    });
    expect((await store.reviewActivity(review.id, "u_ben"))?.firstOpenedAt).toBe(at(3));
  });

  it("marks canaries once and reads decisions of a window with activity and canary marks", async () => {
    const real = await openReview();
    const canaryProposal = proposalRow();
    const canary = await openReview(canaryProposal);
    const mark = {
      proposalId: canaryProposal.id,
      name: "iban-swap",
      expect: "reject",
      triggerProposalId: real.proposalId,
      createdAt: at(0),
    };
    await ok(changeOf([{ kind: "insertCanary", row: mark }]));
    const again = await store.commit(changeOf([{ kind: "insertCanary", row: mark }]));
    expect(again).toEqual({
      ok: false,
      conflict: { kind: "duplicate", table: "canaries", id: canaryProposal.id },
    });
    expect(await store.canary(canaryProposal.id)).toEqual(mark);
    expect(await store.canary(real.proposalId)).toBeNull();

    await ok({
      writes: [
        {
          kind: "noteReviewActivity",
          row: activity(real, "u_anna", { firstOpenedAt: at(10), evidenceItems: 1, packetChars: 800 }),
        },
      ],
      audit: [],
    });
    await ok(
      changeOf([
        { kind: "insertDecision", row: decisionRow(real, { ...ANNA, verdict: "approve", at: at(40) }) },
      ]),
    );
    await ok(
      changeOf([
        { kind: "insertDecision", row: decisionRow(canary, { ...BEN, verdict: "reject", at: at(50) }) },
      ]),
    );
    await ok(
      changeOf([
        { kind: "insertDecision", row: decisionRow(canary, { ...ANNA, verdict: "approve", at: at(3600) }) },
      ]),
    );

    // A reconciliation review's verb is no decision on a proposal: vigilance leaves it out.
    await ok(
      changeOf([
        { kind: "insertDecision", row: decisionRow(real, { ...BEN, verdict: "mark_executed", at: at(45) }) },
      ]),
    );
    const facts = await store.vigilanceFacts(at(0), at(3600));
    expect(
      facts.map((f) => [f.byName, f.verdict, f.canary, f.firstOpenedAt, f.evidenceOpenedAt, f.packetChars]),
    ).toEqual([
      ["anna", "approve", null, at(10), null, 800],
      ["ben", "reject", "iban-swap", null, null, null],
    ]);
    // `to` is exclusive; a reviewer filter narrows to one person.
    expect((await store.vigilanceFacts(at(0), at(3601), "u_anna")).map((f) => f.at)).toEqual([
      at(40),
      at(3600),
    ]);
    expect(await store.vigilanceFacts(at(100), at(200))).toEqual([]);
  });
});
