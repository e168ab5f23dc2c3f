import type { CalibrationMap, ThresholdEvidence } from "@loopgate/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type {
  CalibrationMapRow,
  RecommendationRow,
  ReviewLabelRow,
} from "../../src/store/calibration-rows.ts";
import type { Change, CommitResult, Store } from "../../src/store/store.ts";
import { at, auditDraft, changeOf, testId } from "../support/store-fixtures.ts";
import { createTestStore, storeEngines, type TestStore } from "../support/stores.ts";

const ANNA = { id: "u_anna", name: "anna" };
const OLIVIA = { id: "u_olivia", name: "olivia" };

const label = (agentId: string, n: number, overrides: Partial<ReviewLabelRow> = {}): ReviewLabelRow => ({
  proposalId: testId("p"),
  agentId,
  actionType: "support.reply",
  label: n % 4 === 0 ? 0 : 1,
  editDistance: n % 4 === 0 ? 1 : 0,
  agentConfidence: 0.9,
  calibratedConfidence: null,
  calibrationId: null,
  signals: { grounding: 0.5, "pii.email": 1 },
  labelledAt: at(n),
  ...overrides,
});

const mapRow = (id: string, overrides: Partial<CalibrationMapRow> = {}): CalibrationMapRow => {
  const map: CalibrationMap = {
    format: 1,
    id,
    agent: "bot",
    actionType: "support.reply",
    method: "logistic",
    intercept: -0.5,
    confidenceWeight: 0.7,
    features: [],
    isotonic: null,
    evidence: 200,
    heldOutEce: 0.02,
    fittedAt: at(0),
  };
  const bins = [{ from: 0, to: 1, n: 200, meanConfidence: 0.9, observed: 0.75 }];
  return {
    agentId: "bot",
    actionType: "support.reply",
    id,
    map,
    evidence: 200,
    labelled: 210,
    fittedAt: at(0),
    metrics: {
      reviewed: 200,
      ece: { raw: 0.15, calibrated: 0.02 },
      brier: { raw: 0.2, calibrated: 0.18 },
      reliability: bins,
      reliabilityRaw: bins,
    },
    ...overrides,
  };
};

const evidence: ThresholdEvidence = {
  threshold: 0.93,
  targetErrorRate: 0.02,
  errorUpperBound: 0.019,
  observedErrorRate: 0.004,
  expectedAutomationRate: 0.4,
  evidence: 250,
  reviewed: 600,
  bound: "wilson",
  level: 0.95,
};

const recommendationRow = (overrides: Partial<RecommendationRow> = {}): RecommendationRow => ({
  id: testId("rec"),
  agentId: "bot",
  actionType: "support.reply",
  status: "proposed",
  threshold: 0.93,
  targetErrorRate: 0.02,
  detail: evidence,
  calibrationId: "cal_a",
  requestedBy: null,
  requestedAt: null,
  approvedBy: null,
  approvedAt: null,
  policyVersion: null,
  createdAt: at(0),
  version: 1,
  ...overrides,
});

/** The learning loop's tables (migration 0006), on SQLite and on PostgreSQL. */
describe.each(storeEngines())("Store contract, calibration and recommendations: %s", (engine) => {
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
  const policy = (text: string) => ({
    kind: "insertPolicy" as const,
    row: { text, hash: `h-${text}`, createdAt: at(0), createdBy: "olivia" },
  });

  it("keeps one label per proposal (the last decision's), counts them per pair and reads the newest first", async () => {
    const labels = Array.from({ length: 5 }, (_, i) => label("bot", i + 1));
    await ok(changeOf(labels.map((row) => ({ kind: "putReviewLabel" as const, row }))));
    await ok(changeOf([{ kind: "putReviewLabel", row: label("other", 9) }]));
    await ok(changeOf([{ kind: "putReviewLabel", row: { ...labels[0]!, label: 0.25, editDistance: 0.75 } }]));

    expect(await store.labelCounts()).toEqual([
      { agentId: "bot", actionType: "support.reply", labelled: 5 },
      { agentId: "other", actionType: "support.reply", labelled: 1 },
    ]);
    const newest = await store.reviewLabels("bot", "support.reply", 3);
    expect(newest.map((l) => l.labelledAt)).toEqual([at(5), at(4), at(3)]);
    expect(newest[0]!.signals).toEqual({ grounding: 0.5, "pii.email": 1 });
    const all = await store.reviewLabels("bot", "support.reply", 10);
    expect(all.find((l) => l.proposalId === labels[0]!.proposalId)).toMatchObject({
      label: 0.25,
      editDistance: 0.75,
      agentConfidence: 0.9,
      calibratedConfidence: null,
    });
  });

  it("stores a map only over the one it replaces, so exactly one of two racing fits wins", async () => {
    await ok(changeOf([{ kind: "putCalibrationMap", row: mapRow("cal_a"), expectId: null }]));
    const again = await store.commit(
      changeOf([{ kind: "putCalibrationMap", row: mapRow("cal_x"), expectId: null }]),
    );
    expect(again).toMatchObject({ ok: false, conflict: { kind: "duplicate", table: "calibration_maps" } });

    await ok(
      changeOf([{ kind: "putCalibrationMap", row: mapRow("cal_b", { evidence: 300 }), expectId: "cal_a" }]),
    );
    const stale = await store.commit({
      writes: [{ kind: "putCalibrationMap", row: mapRow("cal_c"), expectId: "cal_a" }],
      audit: [auditDraft("calibration.fitted", null)],
    });
    expect(stale).toMatchObject({ ok: false, conflict: { kind: "missing", table: "calibration_maps" } });

    const [stored] = await store.calibrationMaps();
    expect(stored).toMatchObject({ id: "cal_b", evidence: 300, labelled: 210, map: { id: "cal_b" } });
    expect(stored!.metrics.ece).toEqual({ raw: 0.15, calibrated: 0.02 });
    // The refused change wrote no audit entry either.
    const audit = await store.listAudit({ type: "calibration.fitted" }, 10);
    expect(audit.items).toHaveLength(0);
  });

  it("supersedes the pair's proposed recommendation, pages newest first and filters", async () => {
    const first = recommendationRow({ createdAt: at(1) });
    await ok(changeOf([{ kind: "insertRecommendation", row: first }]));
    const second = recommendationRow({ createdAt: at(2) });
    await ok(
      changeOf([
        { kind: "supersedeRecommendations", agentId: "bot", actionType: "support.reply" },
        { kind: "insertRecommendation", row: second },
      ]),
    );
    const other = recommendationRow({ agentId: "other", createdAt: at(3) });
    await ok(changeOf([{ kind: "insertRecommendation", row: other }]));

    expect((await store.recommendation(first.id))?.status).toBe("superseded");
    expect(await store.recommendation(second.id)).toEqual(second);
    const page1 = await store.listRecommendations({}, 2);
    expect(page1.items.map((r) => r.id)).toEqual([other.id, second.id]);
    const page2 = await store.listRecommendations({}, 2, page1.nextCursor!);
    expect(page2).toEqual({ items: [expect.objectContaining({ id: first.id })], nextCursor: null });
    const proposed = await store.listRecommendations({ agentId: "bot", status: "proposed" }, 10);
    expect(proposed.items.map((r) => r.id)).toEqual([second.id]);
  });

  it("approves with a new policy version and puts the threshold in force; a policy loaded meanwhile refuses it", async () => {
    await ok(changeOf([policy("v1")]));
    const rec = recommendationRow();
    await ok(changeOf([{ kind: "insertRecommendation", row: rec }]));
    await ok(
      changeOf([
        {
          kind: "updateRecommendation",
          id: rec.id,
          expectVersion: 1,
          set: { requestedBy: ANNA, requestedAt: at(5) },
        },
      ]),
    );
    const approve = (expectPolicyVersion: number): Change =>
      changeOf([
        policy("v1"),
        {
          kind: "approveRecommendation",
          id: rec.id,
          expectVersion: 2,
          expectPolicyVersion,
          approvedBy: OLIVIA,
          approvedAt: at(9),
        },
        {
          kind: "putThreshold",
          row: {
            agentId: "bot",
            actionType: "support.reply",
            auto: 0.93,
            recommendationId: rec.id,
            approvedBy: OLIVIA,
            approvedAt: at(9),
          },
        },
      ]);
    // Someone loaded version 2 after the approver read version 1: the whole change is refused.
    await ok(changeOf([policy("v2")]));
    expect(await store.commit(approve(2))).toMatchObject({ ok: false, conflict: { kind: "missing" } });
    expect((await store.activePolicy())?.version).toBe(2);
    expect(await store.thresholdsInForce()).toEqual([]);

    const done = await ok(approve(3));
    expect(done.policyVersion).toBe(3);
    expect(await store.recommendation(rec.id)).toMatchObject({
      status: "approved",
      requestedBy: ANNA,
      requestedAt: at(5),
      approvedBy: OLIVIA,
      approvedAt: at(9),
      policyVersion: 3,
      version: 3,
    });
    expect(await store.thresholdsInForce()).toEqual([
      {
        agentId: "bot",
        actionType: "support.reply",
        auto: 0.93,
        recommendationId: rec.id,
        policyVersion: 3,
        approvedBy: OLIVIA,
        approvedAt: at(9),
      },
    ]);
    // Approving twice is refused: it is no longer proposed.
    expect((await store.commit(approve(4))).ok).toBe(false);
    // Thresholds outlive a policy loaded later.
    await ok(changeOf([policy("v4")]));
    expect((await store.thresholdsInForce())[0]?.auto).toBe(0.93);
  });
});
