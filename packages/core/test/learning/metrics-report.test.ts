import { describe, expect, it } from "vitest";
import { decideBucketMetric, hourBucket } from "../../src/learning/metric-buckets.ts";
import {
  calibrationError,
  histogramQuantile,
  metricsPoint,
  metricsReport,
} from "../../src/learning/metrics-report.ts";
import { MetricsReport } from "../../src/wire/metrics.ts";

describe("metrics maths", () => {
  it("puts times in hour buckets and times to decide in histogram buckets", () => {
    expect(hourBucket("2026-11-30T13:45:12.345Z")).toBe("2026-11-30T13:00:00.000Z");
    expect(hourBucket("2026-11-30T14:45:00+01:00")).toBe("2026-11-30T13:00:00.000Z");
    expect(() => hourBucket("yesterday")).toThrow(RangeError);
    expect(decideBucketMetric(0)).toBe("decide.le.60");
    expect(decideBucketMetric(60)).toBe("decide.le.60");
    expect(decideBucketMetric(61)).toBe("decide.le.300");
    expect(decideBucketMetric(10 * 86_400)).toBe("decide.le.inf");
  });

  it("reads time to claim, correction categories, approvals, incidents and false approvals", () => {
    const point = metricsPoint({
      "decisions.approve": 6,
      "decisions.edit": 2,
      "claim.count": 4,
      "claim.seconds_sum": 1000,
      "claim.le.60": 1,
      "claim.le.300": 2,
      "claim.le.900": 1,
      "category.tone": 2,
      "category.wrong_amount": 1,
      "category.unused": 0,
      approved: 10,
      rollbacks: 1,
      incidents: 3,
      "incidents.post_approval": 2,
      false_approvals: 2,
    });
    expect(point.timeToClaim).toEqual({ count: 4, meanSeconds: 250, p50Seconds: 180, p90Seconds: 660 });
    expect(point.categories).toEqual({ tone: 2, wrong_amount: 1 });
    expect(point).toMatchObject({
      approved: 10,
      rollbacks: 1,
      incidents: 3,
      postApprovalIncidents: 2,
      falseApprovals: 2,
    });
    expect(point.rates.falseApproval).toBe(2 / 8);
    expect(point.rates.postApprovalIncident).toBe(2 / 10);
    expect(calibrationError([])).toEqual({ maps: 0, evidence: 0, ece: null, eceRaw: null });
    const weighted = calibrationError([
      { evidence: 300, ece: { raw: 0.1, calibrated: 0.02 } },
      { evidence: 100, ece: { raw: 0.2, calibrated: 0.06 } },
    ]);
    expect(weighted).toMatchObject({ maps: 2, evidence: 400 });
    expect(weighted.ece).toBeCloseTo(0.03, 12);
    expect(weighted.eceRaw).toBeCloseTo(0.125, 12);
  });

  it("computes rates over their own denominators, null when there is nothing to divide", () => {
    const point = metricsPoint({
      proposals: 10,
      "route.auto": 4,
      "route.review": 5,
      "route.escalate": 1,
      "decisions.approve": 3,
      "decisions.edit": 1,
      "decisions.reject": 1,
      "decisions.request_info": 2,
      expiries: 1,
    });
    expect(point.routes).toEqual({ auto: 4, review: 5, escalate: 1, block: 0, needs_info: 0, held: 0 });
    expect(point.rates).toEqual({
      automation: 0.4,
      escalation: 0.1,
      needsInfo: 0,
      approval: 0.6,
      edit: 0.2,
      rejection: 0.2,
      override: 0.4,
      expiry: 1 / 6,
      falseApproval: 0,
      postApprovalIncident: null,
    });
    expect(metricsPoint({}).rates.approval).toBeNull();
    expect(metricsPoint({}).timeToDecide).toEqual({
      count: 0,
      meanSeconds: null,
      p50Seconds: null,
      p90Seconds: null,
    });
  });

  it("estimates quantiles of time to decide within histogram buckets", () => {
    // 10 decisions within a minute, 10 between 1 and 5 minutes.
    const counters = {
      "decide.le.60": 10,
      "decide.le.300": 10,
      "decide.count": 20,
      "decide.seconds_sum": 2400,
    };
    expect(histogramQuantile(counters, 0.5)).toBe(60);
    expect(histogramQuantile(counters, 0.25)).toBe(30);
    expect(histogramQuantile(counters, 0.75)).toBe(180);
    expect(metricsPoint(counters).timeToDecide.meanSeconds).toBe(120);
    // In the open last bucket the estimate is its lower edge.
    expect(histogramQuantile({ "decide.le.inf": 3 }, 0.9)).toBe(259_200);
    expect(histogramQuantile({}, 0.5)).toBeNull();
  });

  it("builds a gap-free series by hour or day, with totals over the window", () => {
    const cells = [
      { bucket: "2026-11-30T01:00:00.000Z", metric: "proposals", value: 2 },
      { bucket: "2026-11-30T03:00:00.000Z", metric: "proposals", value: 3 },
      { bucket: "2026-12-01T00:00:00.000Z", metric: "proposals", value: 1 },
    ];
    const filters = { actionType: null, agent: null, queue: null, reviewer: null };
    const hourly = metricsReport({
      cells,
      from: "2026-11-30T00:30:00.000Z",
      to: "2026-11-30T04:00:00.000Z",
      bucket: "hour",
      filters,
    });
    expect(hourly.series.map((p) => [p.at.slice(11, 13), p.proposals])).toEqual([
      ["00", 0],
      ["01", 2],
      ["02", 0],
      ["03", 3],
    ]);
    const daily = metricsReport({
      cells,
      from: "2026-11-30T00:00:00.000Z",
      to: "2026-12-02T00:00:00.000Z",
      bucket: "day",
      filters,
    });
    expect(daily.series.map((p) => p.proposals)).toEqual([5, 1]);
    expect(daily.totals.proposals).toBe(6);
    expect(MetricsReport.parse(daily)).toEqual(daily);
  });
});
