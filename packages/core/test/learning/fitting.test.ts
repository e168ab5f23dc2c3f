import { describe, expect, it } from "vitest";
import { fitIsotonic, isotonicValue } from "../../src/learning/isotonic-regression.ts";
import {
  fitLogisticRegression,
  logisticProbability,
  logit,
  sigmoid,
} from "../../src/learning/logistic-regression.ts";
import { seededRandom } from "./synthetic-agent.ts";

describe("logistic regression", () => {
  it("recovers the coefficients of a known model", () => {
    const random = seededRandom(7);
    const rows: number[][] = [];
    const labels: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const x = [random() * 4 - 2, random() * 4 - 2];
      rows.push(x);
      labels.push(random() < sigmoid(-0.5 + 1.5 * x[0]! - 0.8 * x[1]!) ? 1 : 0);
    }
    const model = fitLogisticRegression({ rows, labels }, { l2: 0.01 });
    expect(model.intercept).toBeCloseTo(-0.5, 1);
    expect(model.weights[0]).toBeCloseTo(1.5, 1);
    expect(model.weights[1]).toBeCloseTo(-0.8, 1);
  });

  it("fits soft labels and stays finite on separable or constant data", () => {
    const soft = fitLogisticRegression({ rows: [[0], [0]], labels: [0.25, 0.25] }, { l2: 1 });
    expect(logisticProbability(soft, [0])).toBeCloseTo(0.25, 5);
    const separable = fitLogisticRegression({ rows: [[-1], [1]], labels: [0, 1] }, { l2: 1 });
    expect(Number.isFinite(separable.weights[0]!)).toBe(true);
    expect(logisticProbability(separable, [1])).toBeGreaterThan(0.5);
    const constant = fitLogisticRegression({ rows: [[1], [2], [3]], labels: [1, 1, 1] });
    expect(Number.isFinite(constant.intercept)).toBe(true);
    expect(logisticProbability(constant, [2])).toBeGreaterThan(0.9);
  });

  it("refuses mismatched data", () => {
    expect(() => fitLogisticRegression({ rows: [[1]], labels: [] })).toThrow(RangeError);
  });

  it("logit and sigmoid are inverse and finite at the ends", () => {
    expect(sigmoid(logit(0.3))).toBeCloseTo(0.3, 12);
    expect(Number.isFinite(logit(0))).toBe(true);
    expect(Number.isFinite(logit(1))).toBe(true);
    expect(sigmoid(-800)).toBe(0);
    expect(sigmoid(800)).toBe(1);
  });
});

describe("isotonic regression", () => {
  it("pools adjacent violators into a non-decreasing curve", () => {
    const curve = fitIsotonic([0.1, 0.2, 0.3, 0.4], [0, 1, 0, 1]);
    expect(curve.x).toEqual([0.1, 0.25, 0.4]);
    expect(curve.y).toEqual([0, 0.5, 1]);
    expect(isotonicValue(curve, 0)).toBe(0);
    expect(isotonicValue(curve, 0.175)).toBeCloseTo(0.25, 12);
    expect(isotonicValue(curve, 0.9)).toBe(1);
  });

  it("gives equal scores one value and never decreases", () => {
    const random = seededRandom(3);
    const scores = Array.from({ length: 500 }, () => Math.round(random() * 20) / 20);
    const labels = scores.map((s) => (random() < s ? 1 : 0));
    const curve = fitIsotonic(scores, labels);
    expect(new Set(curve.x).size).toBe(curve.x.length);
    for (let i = 1; i < curve.y.length; i++) expect(curve.y[i]!).toBeGreaterThanOrEqual(curve.y[i - 1]!);
    for (let i = 1; i < curve.x.length; i++) expect(curve.x[i]!).toBeGreaterThan(curve.x[i - 1]!);
  });
});
