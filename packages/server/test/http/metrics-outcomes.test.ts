import { fitCalibrationMap, MetricsReport } from "@loopgate/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../execution/receiver.ts";
import { type ExecutionRig, startExecutionRig } from "../execution/support.ts";
import { engines } from "./test-server.ts";

/**
 * The metrics around decisions (SPEC §5), end to end on a small fixture: time to claim, correction
 * categories, approvals, rollbacks, incidents after approval, false approvals and calibration error.
 */
describe.each(engines())("decision outcome metrics over HTTP on %s", (engine) => {
  let rig: ExecutionRig;
  let rita: string;

  beforeAll(async () => {
    rig = await startExecutionRig(engine);
    rita = rig.reviewer;
    const api = rig.api;
    const proposal = async (id: string) =>
      (await api.call("GET", `/v1/proposals/${id}`, { key: rig.owner })).body;
    const claim = async (reviewId: string) => {
      const res = await api.call("POST", `/v1/reviews/${reviewId}/claim`, { key: rita, body: {} });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    };
    const decide = async (reviewId: string, body: Record<string, unknown>) => {
      const res = await api.call("POST", `/v1/reviews/${reviewId}/decisions`, { key: rita, body });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    };

    // Approved after a claim, executed, rolled back, then an incident: one false approval, counted once.
    const first = await rig.propose("ledger.post", { amount: 25 });
    await claim(first.review.id);
    await decide(first.review.id, { verdict: "approve" });
    await eventually(async () => (await proposal(first.id)).execution.status === "executed", "executed");
    expect(
      (await api.call("POST", `/v1/proposals/${first.id}/rollback`, { key: rig.owner, body: {} })).status,
    ).toBe(202);
    const incident = await api.call("POST", `/v1/proposals/${first.id}/outcome`, {
      key: rig.owner,
      body: { kind: "incident", severity: "high", comment: "Posted twice" },
    });
    expect(incident.status, JSON.stringify(incident.body)).toBe(201);
    // A second incident on the same proposal is an incident, but not a second post-approval one.
    await api.call("POST", `/v1/proposals/${first.id}/outcome`, {
      key: rig.owner,
      body: { kind: "incident" },
    });

    // Rejected with a category after a claim.
    const second = await rig.propose("ledger.post", { amount: 40 });
    await claim(second.review.id);
    await decide(second.review.id, { verdict: "reject", category: "wrong_amount" });

    // Claimed twice (the second extends the lease: one claim), then approved with an edit.
    const third = await rig.propose("ledger.post", { amount: 50 });
    await claim(third.review.id);
    await claim(third.review.id);
    await decide(third.review.id, { verdict: "edit", payload: { amount: 45 }, category: "wrong_amount" });

    // Auto-approved: approved, never claimed.
    await rig.propose("ledger.post", { amount: 5 });

    // A calibration map in force, stored as the refit stores it.
    const samples = Array.from({ length: 40 }, (_, i) => ({
      agentConfidence: 0.5 + (i % 10) / 20,
      signals: {},
      label: i % 3 === 0 ? 0 : 1,
    }));
    const map = fitCalibrationMap({
      agent: "ops-bot",
      actionType: "ledger.post",
      samples,
      fittedAt: new Date().toISOString(),
    });
    const stored = await api.server.deps.store.commit({
      writes: [
        {
          kind: "putCalibrationMap",
          expectId: null,
          row: {
            agentId: "ops-bot",
            actionType: "ledger.post",
            id: map.id,
            map,
            evidence: 40,
            labelled: 40,
            fittedAt: map.fittedAt,
            metrics: {
              reviewed: 40,
              ece: { raw: 0.12, calibrated: 0.03 },
              brier: { raw: 0.2, calibrated: 0.18 },
              reliability: [],
              reliabilityRaw: [],
            },
          },
        },
      ],
      audit: [],
    });
    expect(stored.ok).toBe(true);
  });
  afterAll(async () => rig?.close());

  it("reports time to claim, categories, approvals, rollbacks, incidents, false approvals and calibration error", async () => {
    const res = await rig.api.call("GET", "/v1/metrics", { key: rig.owner });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const report = MetricsReport.parse(res.body);
    const totals = report.totals;
    expect(totals.decisions).toMatchObject({ approve: 1, edit: 1, reject: 1 });
    expect(totals.timeToClaim.count).toBe(3);
    expect(totals.timeToClaim.p50Seconds).toBeGreaterThanOrEqual(0);
    expect(totals.timeToClaim.p90Seconds).toBeLessThanOrEqual(60);
    expect(totals.categories).toEqual({ wrong_amount: 2 });
    expect(totals).toMatchObject({
      approved: 3,
      rollbacks: 1,
      incidents: 2,
      postApprovalIncidents: 1,
      falseApprovals: 1,
    });
    expect(totals.rates.falseApproval).toBe(0.5);
    expect(totals.rates.postApprovalIncident).toBeCloseTo(1 / 3, 12);
    expect(report.series.reduce((n, p) => n + p.timeToClaim.count, 0)).toBe(3);
    expect(report.calibration).toEqual({ maps: 1, evidence: 40, ece: 0.03, eceRaw: 0.12 });

    const ritas = MetricsReport.parse(
      (await rig.api.call("GET", "/v1/metrics?reviewer=rita", { key: rig.owner })).body,
    );
    expect(ritas.totals).toMatchObject({ falseApprovals: 1, categories: { wrong_amount: 2 } });
    expect(ritas.totals.timeToClaim.count).toBe(3);
    const other = MetricsReport.parse(
      (await rig.api.call("GET", "/v1/metrics?agent=someone-else", { key: rig.owner })).body,
    );
    expect(other.calibration).toEqual({ maps: 0, evidence: 0, ece: null, eceRaw: null });
    expect(other.totals.falseApprovals).toBe(0);
  });

  it("exposes the same counters to Prometheus", async () => {
    const text = (await rig.api.call("GET", "/metrics", { key: rig.owner })).body as string;
    const where = 'action_type="ledger.post",agent="ops-bot"';
    expect(text).toContain(`loopgate_false_approvals_total{${where},queue="ops",reviewer="rita"} 1`);
    expect(text).toContain(`loopgate_rollbacks_total{${where}} 1`);
    expect(text).toContain(`loopgate_incidents_total{${where}} 2`);
    expect(text).toContain(`loopgate_post_approval_incidents_total{${where},queue="ops"} 1`);
    expect(text).toContain(
      `loopgate_decision_categories_total{${where},queue="ops",reviewer="rita",category="wrong_amount"} 2`,
    );
    expect(text).toContain(`loopgate_proposals_approved_total{${where},queue="ops"} 2`);
    expect(text).toContain(`loopgate_time_to_claim_seconds_count{${where},queue="ops"} 3`);
    expect(text).toContain(`loopgate_calibration_error{${where},confidence="calibrated"} 0.03`);
  });
});
