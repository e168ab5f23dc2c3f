import { describe, expect, it } from "vitest";
import { calibratedConfidence, fitCalibrationMap } from "../../src/learning/calibration-map.ts";
import { brierScore, expectedCalibrationError } from "../../src/learning/calibration-metrics.ts";
import { calibrationRefitDue } from "../../src/learning/calibration-refit.ts";
import { CalibrationMap } from "../../src/wire/learning.ts";
import { overConfidentStream } from "./synthetic-agent.ts";

const fittedAt = "2026-11-30T00:00:00.000Z";
const fit = (seed: number, count: number) =>
  fitCalibrationMap({
    agent: "support-bot",
    actionType: "support.reply",
    samples: overConfidentStream(seed, count),
    fittedAt,
  });

describe("fitCalibrationMap", () => {
  it("after 2,000 reviews, calibrates a known over-confident agent to ECE ≤ 0.03 on fresh proposals", () => {
    const map = fit(1, 2000);
    const fresh = overConfidentStream(2, 20_000);
    const raw = fresh.map((p) => ({ confidence: p.agentConfidence, label: p.label }));
    const calibrated = fresh.map((p) => ({ confidence: calibratedConfidence(map, p), label: p.label }));
    const rawEce = expectedCalibrationError(raw);
    const calibratedEce = expectedCalibrationError(calibrated);
    expect(rawEce).toBeGreaterThan(0.1);
    expect(calibratedEce).toBeLessThanOrEqual(0.03);
    expect(brierScore(calibrated)).toBeLessThan(brierScore(raw));
    // Grounding, which the agent ignores, is learned as a positive signal.
    expect(map.features.find((f) => f.name === "grounding")!.weight).toBeGreaterThan(0);
  });

  it("works from 200 labelled proposals", () => {
    const map = fit(5, 200);
    expect(map.method).toBe("logistic");
    const fresh = overConfidentStream(6, 20_000);
    const calibrated = fresh.map((p) => ({ confidence: calibratedConfidence(map, p), label: p.label }));
    const raw = fresh.map((p) => ({ confidence: p.agentConfidence, label: p.label }));
    expect(expectedCalibrationError(calibrated)).toBeLessThan(expectedCalibrationError(raw) / 2);
  });

  it("never lowers calibrated confidence as the agent's confidence rises", () => {
    const map = fit(1, 2000);
    // An agent whose confidence points the wrong way still gets a monotone map.
    const backwards = overConfidentStream(9, 1000).map((p) => ({
      ...p,
      agentConfidence: 1 - p.agentConfidence,
    }));
    const flipped = fitCalibrationMap({ agent: "a", actionType: "t", samples: backwards, fittedAt });
    expect(flipped.confidenceWeight).toBe(0);
    for (const m of [map, flipped]) {
      let previous = -1;
      for (let c = 0; c <= 1; c += 0.01) {
        const value = calibratedConfidence(m, { agentConfidence: c, signals: { grounding: 0.5 } });
        expect(value).toBeGreaterThanOrEqual(previous - 1e-12);
        previous = value;
      }
    }
  });

  it("is deterministic and serialisable, with an id that names the evidence", () => {
    const a = fit(1, 600);
    const b = fitCalibrationMap({
      agent: "support-bot",
      actionType: "support.reply",
      samples: overConfidentStream(1, 600),
      fittedAt: "2026-12-01T00:00:00.000Z",
    });
    expect(b.id).toBe(a.id);
    expect(a.id).toMatch(/^cal_[0-9a-f]{24}$/);
    expect(fit(2, 600).id).not.toBe(a.id);
    const restored = CalibrationMap.parse(JSON.parse(JSON.stringify(a)));
    const input = { agentConfidence: 0.97, signals: { grounding: 0.2 } };
    expect(calibratedConfidence(restored, input)).toBe(calibratedConfidence(a, input));
  });

  it("treats a missing signal as its mean and ignores unknown ones", () => {
    const map = fit(1, 600);
    const grounding = map.features.find((f) => f.name === "grounding")!;
    expect(calibratedConfidence(map, { agentConfidence: 0.9, signals: {} })).toBeCloseTo(
      calibratedConfidence(map, {
        agentConfidence: 0.9,
        signals: {
          grounding: grounding.mean,
          "pii.email": map.features.find((f) => f.name === "pii.email")!.mean,
        },
      }),
      12,
    );
    expect(calibratedConfidence(map, { agentConfidence: 0.9, signals: { unknown: 5 } })).toBe(
      calibratedConfidence(map, { agentConfidence: 0.9, signals: {} }),
    );
  });

  it("refuses out-of-range input", () => {
    const samples = overConfidentStream(1, 10);
    expect(() =>
      fitCalibrationMap({
        agent: "a",
        actionType: "t",
        samples: [...samples, { agentConfidence: 1.5, signals: {}, label: 1 }],
        fittedAt,
      }),
    ).toThrow(/agentConfidence/);
    expect(() => fitCalibrationMap({ agent: "a", actionType: "t", samples: [], fittedAt })).toThrow(
      RangeError,
    );
  });
});

describe("calibrationRefitDue", () => {
  const now = "2026-11-30T12:00:00.000Z";
  const map = { evidence: 1000, fittedAt: "2026-11-29T12:00:00.000Z" };

  it("fits from 200 labelled proposals on", () => {
    expect(calibrationRefitDue({ map: null, labelled: 199, now })).toEqual({
      refit: false,
      reason: "insufficient_evidence",
    });
    expect(calibrationRefitDue({ map: null, labelled: 200, now })).toEqual({
      refit: true,
      reason: "first_fit",
    });
  });

  it("refits when the evidence grew by 20% or the map aged over new evidence", () => {
    expect(calibrationRefitDue({ map, labelled: 1199, now })).toEqual({ refit: false, reason: "fresh" });
    expect(calibrationRefitDue({ map, labelled: 1200, now })).toEqual({
      refit: true,
      reason: "evidence_grew",
    });
    const later = "2026-12-07T12:00:00.000Z";
    expect(calibrationRefitDue({ map, labelled: 1001, now: later })).toEqual({ refit: true, reason: "aged" });
    expect(calibrationRefitDue({ map, labelled: 1000, now: later })).toEqual({
      refit: false,
      reason: "fresh",
    });
    expect(calibrationRefitDue({ map, labelled: 1050, now, rule: { growth: 0.05 } })).toEqual({
      refit: true,
      reason: "evidence_grew",
    });
  });
});
