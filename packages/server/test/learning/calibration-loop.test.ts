import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { CalibrationReportList, RecommendationList } from "@loopgate/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seededRandom } from "../../../core/test/support/seeded-random.ts";
import { refitCalibration } from "../../src/learning/calibration-refitter.ts";
import { engines, startTestServer, type TestServer } from "../http/test-server.ts";

const FIXTURES = join(import.meta.dirname, "fixtures");
const REVIEWED = 240;

/** The over-confident agent: it says 0.6–1.0, but is right with probability ((c − 0.6) / 0.3)², 1 from 0.9 on. */
const trueApproval = (confidence: number) => Math.min(1, ((confidence - 0.6) / 0.3) ** 2);

const reply = (i: number, agentConfidence: number) => ({
  action: {
    type: "support.reply",
    payload: {
      to: `customer${i}@example.com`,
      body: `Hello ${i}, your card arrives within five working days.`,
    },
  },
  evidence: [{ source: "kb", id: "kb-1", snippet: "Cards arrive within five working days." }],
  signals: { agentConfidence },
});

describe.each(engines())("the learning loop over HTTP on %s", (engine) => {
  let t: TestServer;
  let agent: string;
  let anna: string;
  let olivia: string;
  let oscar: string;
  let auditor: string;

  const propose = async (body: unknown) => {
    const res = await t.call("POST", "/v1/proposals", { key: agent, body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  };
  const auditOf = async (type: string) => (await t.server.deps.store.listAudit({ type }, 50)).items;

  /** Proposals i in [from, to), each reviewed as the over-confident agent deserves; 12 at a time. */
  const review = async (from: number, to: number, rng: () => number) => {
    for (let batch = from; batch < to; batch += 12) {
      await Promise.all(
        Array.from({ length: Math.min(12, to - batch) }, async (_, j) => {
          const i = batch + j;
          const raw = Math.round((0.6 + (0.399 * ((i * 97) % REVIEWED)) / REVIEWED) * 1000) / 1000;
          const proposal = await propose(reply(i, raw));
          if (proposal.route.verdict === "auto") return;
          expect(proposal.route.verdict).toBe("review");
          const approved = rng() < trueApproval(raw);
          const body =
            !approved && i % 5 === 0
              ? { verdict: "edit", payload: { ...proposal.action.payload, to: `fixed${i}@example.com` } }
              : { verdict: approved ? "approve" : "reject" };
          const res = await t.call("POST", `/v1/reviews/${proposal.review.id}/decisions`, {
            key: anna,
            body,
          });
          expect(res.status, JSON.stringify(res.body)).toBe(201);
        }),
      );
    }
  };

  beforeAll(async () => {
    t = await startTestServer(engine, { policyFile: join(FIXTURES, "learning-policy.yaml") });
    agent = await t.key("support-bot", "agent");
    anna = await t.key("anna", "reviewer");
    olivia = await t.key("olivia", "owner");
    oscar = await t.key("oscar", "owner");
    auditor = await t.key("audrey", "auditor");
  });
  afterAll(async () => t.close());

  it("labels every closing decision, and fits the map from 200 labels on", async () => {
    const first = await propose(reply(-1, 0.8));
    expect(first.confidence).toEqual({ calibrated: 0.8, raw: 0.8, calibration: null });
    await t.call("POST", `/v1/reviews/${first.review.id}/decisions`, {
      key: anna,
      body: { verdict: "escalate" },
    });
    const rng = seededRandom(7);
    await review(0, 156, rng);
    expect(await refitCalibration(t.server.deps)).toEqual([]); // 156 labels: too few
    await review(156, REVIEWED, rng);
    expect(await t.server.deps.store.labelCounts()).toEqual([
      { agentId: "support-bot", actionType: "support.reply", labelled: REVIEWED }, // the escalation gave none
    ]);

    const [outcome, ...more] = await refitCalibration(t.server.deps);
    expect(more).toEqual([]);
    expect(outcome).toMatchObject({ agentId: "support-bot", reason: "first_fit", stored: true });
    expect(outcome!.recommendation).not.toBeNull();
    // Fresh now: a second pass (as another replica would run it) fits nothing.
    expect(await refitCalibration(t.server.deps)).toEqual([]);
    const [fitted] = await auditOf("calibration.fitted");
    expect(fitted?.data).toMatchObject({
      calibration: outcome!.calibration,
      evidence: REVIEWED,
      previous: null,
    });
    expect((await auditOf("recommendation.proposed"))[0]?.data).toMatchObject({
      recommendationId: outcome!.recommendation,
      targetErrorRate: 0.1,
    });

    const fresh = await propose(reply(1000, 0.75));
    expect(fresh.confidence.calibration).toBe(outcome!.calibration);
    expect(fresh.confidence.raw).toBe(0.75);
    expect(fresh.confidence.calibrated).toBeLessThan(0.6); // the agent says 0.75 and is right 25% of the time
    expect(fresh.route.verdict).toBe("review"); // no threshold approved yet: thresholds.auto is never
  });

  it("shows the calibration error falling, to owners and auditors only", async () => {
    const res = await t.call("GET", "/v1/calibration?agent=support-bot", { key: auditor });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const [item] = CalibrationReportList.parse(res.body).items;
    expect(item).toMatchObject({ agent: "support-bot", actionType: "support.reply", reviewed: REVIEWED });
    expect(item!.ece.raw).toBeGreaterThan(0.15);
    expect(item!.ece.calibrated).toBeLessThan(item!.ece.raw / 2);
    expect(item!.brier.calibrated).toBeLessThan(item!.brier.raw);
    expect(item!.reliability).toHaveLength(10);
    expect(item!.reliabilityRaw.reduce((n, bin) => n + bin.n, 0)).toBe(REVIEWED);
    expect(item!.thresholdAuto).toBeNull();
    expect((await t.call("GET", "/v1/calibration?agent=nobody", { key: olivia })).body).toEqual({
      items: [],
    });
    expect((await t.call("GET", "/v1/calibration?colour=red", { key: olivia })).status).toBe(400);
    expect((await t.call("GET", "/v1/calibration", { key: anna })).status).toBe(403);
    const doc = (await t.call("GET", "/openapi.json")).body;
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/v1/calibration", "/v1/recommendations", "/v1/recommendations/{id}/approve"]),
    );
  });

  it("puts a recommended threshold in force only when a second owner approves it, as a new policy version", async () => {
    const listed = await t.call("GET", "/v1/recommendations?status=proposed", { key: auditor });
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    const [rec] = RecommendationList.parse(listed.body).items;
    expect(rec).toMatchObject({ agent: "support-bot", status: "proposed", targetErrorRate: 0.1 });
    expect(rec!.errorUpperBound).toBeLessThanOrEqual(0.1);
    expect(rec!.evidence).toBeGreaterThan(0);
    const path = `/v1/recommendations/${rec!.id}`;

    expect((await t.call("POST", `${path}/approve`, { key: oscar })).body.error.code).toBe(
      "apply_not_requested",
    );
    expect((await t.call("POST", `${path}/apply`, { key: anna })).status).toBe(403);
    const asked = await t.call("POST", `${path}/apply`, { key: olivia });
    expect(asked.status, JSON.stringify(asked.body)).toBe(200);
    expect(asked.body.requestedBy.name).toBe("olivia");
    expect((await t.call("POST", `${path}/apply`, { key: oscar })).status).toBe(409);
    const self = await t.call("POST", `${path}/approve`, { key: olivia });
    expect(self.status).toBe(403);
    expect(self.body.error.code).toBe("second_owner_required");

    const before = (await t.call("GET", "/v1/policy", { key: olivia })).body.version;
    const approved = await t.call("POST", `${path}/approve`, { key: oscar });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body).toMatchObject({ status: "approved", policyVersion: before + 1 });
    expect(approved.body.approvedBy.name).toBe("oscar");
    const policy = (await t.call("GET", "/v1/policy", { key: olivia })).body;
    expect(policy.version).toBe(before + 1);
    expect(policy.text).toBe(await readFile(join(FIXTURES, "learning-policy.yaml"), "utf8"));
    expect((await t.call("POST", `${path}/approve`, { key: oscar })).status).toBe(409);

    const sure = await propose(reply(2000, 0.999));
    expect(sure.confidence.calibrated).toBeGreaterThanOrEqual(rec!.threshold);
    expect(sure.route).toMatchObject({ verdict: "auto", policyVersion: before + 1 });
    expect(sure.route.reasons.map((r: { rule: string }) => r.rule)).toContain("confident");
    expect((await propose(reply(2001, 0.62))).route.verdict).toBe("review");

    const [requested] = await auditOf("recommendation.apply_requested");
    expect(requested?.actor.name).toBe("olivia");
    const [approval] = await auditOf("recommendation.approved");
    expect(approval?.actor.name).toBe("oscar");
    expect(approval?.data).toMatchObject({ threshold: rec!.threshold, previousThreshold: null });
    const loaded = await auditOf("policy.loaded");
    expect(loaded.at(-1)?.data).toMatchObject({
      version: before + 1,
      previousVersion: before,
      source: `recommendation:${rec!.id}`,
    });
    const calibration = (await t.call("GET", "/v1/calibration", { key: olivia })).body.items[0];
    expect(calibration.thresholdAuto).toBe(rec!.threshold);
  });

  it("keeps the approved threshold when a new policy file is loaded", async () => {
    const text = await readFile(join(FIXTURES, "learning-policy-edited.yaml"), "utf8");
    const loaded = await t.call("PUT", "/v1/policy", { key: olivia, body: { text } });
    expect(loaded.status, JSON.stringify(loaded.body)).toBe(200);
    const sure = await propose(reply(3000, 0.999));
    expect(sure.route).toMatchObject({ verdict: "auto", policyVersion: loaded.body.version });
  });

  it("refits once the evidence grew by 20%, exactly once when replicas race, leaving the approved recommendation be", async () => {
    const [before] = await t.server.deps.store.calibrationMaps();
    const approved = (await t.call("GET", "/v1/recommendations?status=approved", { key: olivia })).body.items;
    await review(REVIEWED, REVIEWED + 100, seededRandom(8)); // about 70 reviewed, the rest now auto
    const labelled = (await t.server.deps.store.labelCounts())[0]!.labelled;
    expect(labelled).toBeGreaterThanOrEqual(REVIEWED * 1.2);
    const passes = await Promise.all([refitCalibration(t.server.deps), refitCalibration(t.server.deps)]);
    const outcomes = passes.flat();
    expect(outcomes.map((o) => o.reason)).toEqual(["evidence_grew", "evidence_grew"]);
    expect(outcomes.filter((o) => o.stored)).toHaveLength(1);
    const [after] = await t.server.deps.store.calibrationMaps();
    expect(after!.id).not.toBe(before!.id);
    expect(after!.labelled).toBe(labelled);
    const fits = await auditOf("calibration.fitted");
    expect(fits).toHaveLength(2);
    expect(fits[1]!.data).toMatchObject({
      previous: before!.id,
      calibration: after!.id,
      reason: "evidence_grew",
    });
    const all = RecommendationList.parse((await t.call("GET", "/v1/recommendations", { key: olivia })).body);
    expect(all.items.filter((r) => r.status === "proposed").length).toBeLessThanOrEqual(1);
    expect(all.items.find((r) => r.id === approved[0].id)?.status).toBe("approved");
    expect(all.items.filter((r) => r.status === "superseded").length).toBe(0); // the first was approved
  });
});
