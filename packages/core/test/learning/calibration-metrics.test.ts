import { describe, expect, it } from "vitest";
import {
  brierScore,
  expectedCalibrationError,
  reliabilityBins,
} from "../../src/learning/calibration-metrics.ts";

describe("calibration metrics", () => {
  const outcomes = [
    { confidence: 0.95, label: 1 },
    { confidence: 0.92, label: 0 },
    { confidence: 1, label: 1 },
    { confidence: 0.15, label: 0 },
    { confidence: 0.55, label: 0.5 },
  ];

  it("bins by equal width, the last bin holding 1", () => {
    const bins = reliabilityBins(outcomes, 10);
    expect(bins).toHaveLength(10);
    expect(bins[0]).toEqual({ from: 0, to: 0.1, n: 0, meanConfidence: null, observed: null });
    expect(bins[1]).toMatchObject({ from: 0.1, to: 0.2, n: 1, observed: 0 });
    expect(bins[5]).toMatchObject({ n: 1, meanConfidence: 0.55, observed: 0.5 });
    expect(bins[9]!.n).toBe(3);
    expect(bins[9]!.meanConfidence).toBeCloseTo((0.95 + 0.92 + 1) / 3, 12);
    expect(bins[9]!.observed).toBeCloseTo(2 / 3, 12);
    expect(bins.reduce((n, bin) => n + bin.n, 0)).toBe(outcomes.length);
  });

  it("ECE weights each bin's gap by its size", () => {
    const gap9 = Math.abs((0.95 + 0.92 + 1) / 3 - 2 / 3);
    const expected = (3 * gap9 + 1 * 0.15 + 1 * 0.05) / 5;
    expect(expectedCalibrationError(outcomes)).toBeCloseTo(expected, 12);
    expect(
      expectedCalibrationError([
        { confidence: 0.9, label: 1 },
        { confidence: 0.9, label: 0 },
      ]),
    ).toBeCloseTo(0.4, 12);
    expect(expectedCalibrationError([])).toBe(0);
  });

  it("Brier is the mean squared gap", () => {
    expect(
      brierScore([
        { confidence: 0.8, label: 1 },
        { confidence: 0.3, label: 0 },
      ]),
    ).toBeCloseTo(0.065, 12);
    expect(brierScore([{ confidence: 0.5, label: 1 }])).toBe(0.25);
  });

  it("refuses a confidence outside [0, 1] and a bad bin count", () => {
    expect(() => reliabilityBins([{ confidence: 1.2, label: 1 }])).toThrow(RangeError);
    expect(() => reliabilityBins([], 0)).toThrow(RangeError);
  });
});
