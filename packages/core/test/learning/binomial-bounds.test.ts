import { describe, expect, it } from "vitest";
import {
  betaQuantile,
  clopperPearsonUpperBound,
  logGamma,
  normalQuantile,
  regularizedBeta,
  wilsonUpperBound,
} from "../../src/learning/binomial-bounds.ts";

/** P(Binomial(n, p) ≥ k), summed directly. */
function binomialTail(n: number, k: number, p: number): number {
  let total = 0;
  for (let i = k; i <= n; i++)
    total += Math.exp(logChoose(n, i) + i * Math.log(p) + (n - i) * Math.log1p(-p));
  return total;
}
function logChoose(n: number, k: number): number {
  let total = 0;
  for (let i = 1; i <= k; i++) total += Math.log(n - k + i) - Math.log(i);
  return total;
}

describe("special functions", () => {
  it("normal quantiles match the tables", () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963985, 8);
    expect(normalQuantile(0.95)).toBeCloseTo(1.644853627, 8);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 12);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306, 7);
  });

  it("log-gamma matches factorials", () => {
    expect(logGamma(1)).toBeCloseTo(0, 12);
    expect(logGamma(11)).toBeCloseTo(Math.log(3628800), 10);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
  });

  it("the regularised incomplete beta is the binomial tail for integer parameters", () => {
    for (const [n, k, p] of [
      [20, 3, 0.1],
      [200, 5, 0.02],
      [50, 25, 0.5],
      [1000, 10, 0.013],
    ] as const) {
      expect(regularizedBeta(p, k, n - k + 1)).toBeCloseTo(binomialTail(n, k, p), 10);
    }
    expect(regularizedBeta(0.3, 2, 1)).toBeCloseTo(0.09, 12); // x^a
    expect(regularizedBeta(0.3, 1, 3)).toBeCloseTo(1 - 0.7 ** 3, 12); // 1 − (1 − x)^b
  });

  it("beta quantiles invert the CDF", () => {
    expect(betaQuantile(0.95, 1, 10)).toBeCloseTo(1 - 0.05 ** (1 / 10), 10);
    const q = betaQuantile(0.9, 4.5, 120.25);
    expect(regularizedBeta(q, 4.5, 120.25)).toBeCloseTo(0.9, 10);
    expect(() => betaQuantile(0.5, 0, 1)).toThrow(RangeError);
  });
});

describe("upper bounds on an error rate", () => {
  it("Wilson agrees with its closed form and shrinks with evidence", () => {
    // 0 errors: upper = z² / (n + z²).
    const z = normalQuantile(0.95);
    expect(wilsonUpperBound(0, 150, 0.95)).toBeCloseTo((z * z) / (150 + z * z), 12);
    expect(wilsonUpperBound(2, 100, 0.95)).toBeGreaterThan(0.02);
    expect(wilsonUpperBound(20, 1000, 0.95)).toBeLessThan(wilsonUpperBound(2, 100, 0.95));
    expect(wilsonUpperBound(10, 10, 0.95)).toBe(1);
  });

  it("Clopper–Pearson is exact: P(X ≤ errors | p = bound) = 1 − level", () => {
    expect(clopperPearsonUpperBound(0, 10, 0.95)).toBeCloseTo(1 - 0.05 ** (1 / 10), 10);
    const bound = clopperPearsonUpperBound(3, 200, 0.95);
    expect(1 - binomialTail(200, 4, bound)).toBeCloseTo(0.05, 8);
    expect(clopperPearsonUpperBound(3, 200, 0.95)).toBeGreaterThan(wilsonUpperBound(3, 200, 0.95) - 0.01);
  });

  it("accepts fractional errors between the integer cases", () => {
    const low = clopperPearsonUpperBound(2, 100, 0.95);
    const mid = clopperPearsonUpperBound(2.5, 100, 0.95);
    const high = clopperPearsonUpperBound(3, 100, 0.95);
    expect(mid).toBeGreaterThan(low);
    expect(mid).toBeLessThan(high);
  });

  it("refuses impossible counts", () => {
    expect(() => wilsonUpperBound(5, 4, 0.95)).toThrow(RangeError);
    expect(() => clopperPearsonUpperBound(0, 0, 0.95)).toThrow(RangeError);
    expect(() => wilsonUpperBound(0, 10, 1)).toThrow(RangeError);
  });
});
