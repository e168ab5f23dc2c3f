import { describe, expect, it } from "vitest";
import { calibratedConfidence, fitCalibrationMap } from "../../src/learning/calibration-map.ts";
import { brierScore } from "../../src/learning/calibration-metrics.ts";
import { crossFittedConfidences } from "../../src/learning/cross-fitted-confidence.ts";
import { numericSignals } from "../../src/learning/numeric-signals.ts";
import { overConfidentStream } from "./synthetic-agent.ts";

describe("numericSignals", () => {
  it("flattens numbers and flags to dotted paths and leaves the rest out", () => {
    expect(
      numericSignals({
        agentConfidence: 0.9,
        grounding: 0.8,
        sentiment: null,
        topics: ["legal"],
        pii: { email: true, phone: false },
        history: { overrideRate: null },
        agent: { margin: 0.4, tone: "warm", retries: 2 },
      }),
    ).toEqual({ grounding: 0.8, "pii.email": 1, "pii.phone": 0, "agent.margin": 0.4, "agent.retries": 2 });
    expect(numericSignals(null)).toEqual({});
    expect(numericSignals({ x: Number.NaN, y: Number.POSITIVE_INFINITY })).toEqual({});
  });
});

describe("crossFittedConfidences", () => {
  it("scores each proposal with a map that did not see it, keeping order and labels", () => {
    const samples = overConfidentStream(21, 1000);
    const crossFitted = crossFittedConfidences(samples);
    expect(crossFitted).toHaveLength(samples.length);
    expect(crossFitted.map((o) => o.label)).toEqual(samples.map((s) => s.label));
    const map = fitCalibrationMap({ agent: "a", actionType: "t", samples, fittedAt: "2026-11-30T00:00:00Z" });
    const inSample = samples.map((s) => ({ confidence: calibratedConfidence(map, s), label: s.label }));
    // Out of fold is (slightly) worse than in sample, never better: the map cannot flatter itself.
    expect(brierScore(crossFitted)).toBeGreaterThanOrEqual(brierScore(inSample));
    expect(crossFittedConfidences(samples)).toEqual(crossFitted);
  });

  it("refuses too few proposals or folds", () => {
    expect(() => crossFittedConfidences(overConfidentStream(1, 9))).toThrow(RangeError);
    expect(() => crossFittedConfidences(overConfidentStream(1, 100), { folds: 1 })).toThrow(RangeError);
  });
});
