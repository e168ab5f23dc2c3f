import { describe, expect, it } from "vitest";
import { clopperPearsonUpperBound, wilsonUpperBound } from "../../src/learning/binomial-bounds.ts";
import { calibratedConfidence, fitCalibrationMap } from "../../src/learning/calibration-map.ts";
import { recommendThreshold } from "../../src/learning/threshold-recommendation.ts";
import { overConfidentStream } from "./synthetic-agent.ts";

describe("recommendThreshold", () => {
  it("keeps the error among auto-routed proposals of a fresh stream at or below the target", () => {
    const history = overConfidentStream(11, 3000);
    const map = fitCalibrationMap({
      agent: "a",
      actionType: "t",
      samples: history,
      fittedAt: "2026-11-30T00:00:00Z",
    });
    const scored = history.map((p) => ({ confidence: calibratedConfidence(map, p), label: p.label }));
    for (const bound of ["wilson", "clopper_pearson"] as const) {
      const recommendation = recommendThreshold(scored, { targetErrorRate: 0.05, bound });
      expect(recommendation).not.toBeNull();
      const { threshold, errorUpperBound, expectedAutomationRate } = recommendation!;
      expect(errorUpperBound).toBeLessThanOrEqual(0.05);
      expect(expectedAutomationRate).toBeGreaterThan(0.1);

      const fresh = overConfidentStream(12, 50_000);
      const auto = fresh.filter((p) => calibratedConfidence(map, p) >= threshold);
      const error = auto.reduce((sum, p) => sum + (1 - p.label), 0) / auto.length;
      expect(error).toBeLessThanOrEqual(0.05);
      expect(auto.length / fresh.length).toBeCloseTo(expectedAutomationRate, 1);
    }
  });

  it("reports the bound, evidence and automation rate at the lowest passing threshold", () => {
    // 300 perfect proposals at 0.99, then 100 with 20% errors at 0.8.
    const outcomes = [
      ...Array.from({ length: 300 }, () => ({ confidence: 0.99, label: 1 })),
      ...Array.from({ length: 100 }, (_, i) => ({ confidence: 0.8, label: i < 20 ? 0 : 1 })),
    ];
    const recommendation = recommendThreshold(outcomes, { targetErrorRate: 0.02 })!;
    expect(recommendation).toMatchObject({
      threshold: 0.99,
      evidence: 300,
      reviewed: 400,
      expectedAutomationRate: 0.75,
      observedErrorRate: 0,
      bound: "wilson",
      level: 0.95,
    });
    expect(recommendation.errorUpperBound).toBeCloseTo(wilsonUpperBound(0, 300, 0.95), 12);
    const exact = recommendThreshold(outcomes, { targetErrorRate: 0.02, bound: "clopper_pearson" })!;
    expect(exact.errorUpperBound).toBeCloseTo(clopperPearsonUpperBound(0, 300, 0.95), 10);
    // Looser target: the 0.8 group joins.
    expect(recommendThreshold(outcomes, { targetErrorRate: 0.1 })!.threshold).toBe(0.8);
  });

  it("counts edits as partial errors", () => {
    const edited = Array.from({ length: 400 }, () => ({ confidence: 0.95, label: 0.95 }));
    const recommendation = recommendThreshold(edited, { targetErrorRate: 0.1 })!;
    expect(recommendation.observedErrorRate).toBeCloseTo(0.05, 12);
    expect(recommendThreshold(edited, { targetErrorRate: 0.05 })).toBeNull();
  });

  it("recommends nothing on too little evidence", () => {
    const few = Array.from({ length: 50 }, () => ({ confidence: 0.99, label: 1 }));
    expect(recommendThreshold(few, { targetErrorRate: 0.02 })).toBeNull();
    expect(recommendThreshold([], { targetErrorRate: 0.02 })).toBeNull();
  });

  it("refuses a target outside (0, 1)", () => {
    expect(() => recommendThreshold([], { targetErrorRate: 0 })).toThrow(RangeError);
  });
});
