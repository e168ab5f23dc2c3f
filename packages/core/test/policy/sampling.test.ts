import { describe, expect, test } from "vitest";
import { isSampled } from "../../src/policy/index.ts";

describe("isSampled", () => {
  test("the same id always gives the same answer", () => {
    for (let i = 0; i < 200; i++) {
      const id = `prop_${i}`;
      expect(isSampled(id, 0.37)).toBe(isSampled(id, 0.37));
    }
  });

  test.each([0.01, 0.05, 0.2, 0.5, 0.9])("samples about %s of 10,000 ids (±2 points)", (rate) => {
    let sampled = 0;
    for (let i = 0; i < 10_000; i++) if (isSampled(`01J${i.toString(36).padStart(8, "0")}`, rate)) sampled++;
    expect(Math.abs(sampled / 10_000 - rate)).toBeLessThanOrEqual(0.02);
  });

  test("a higher rate keeps every id a lower rate sampled", () => {
    for (let i = 0; i < 1000; i++) {
      if (isSampled(`p${i}`, 0.1)) expect(isSampled(`p${i}`, 0.2)).toBe(true);
    }
  });

  test("rate 0 samples nothing and rate 1 everything", () => {
    expect(isSampled("a", 0)).toBe(false);
    expect(isSampled("a", -1)).toBe(false);
    expect(isSampled("a", Number.NaN)).toBe(false);
    expect(isSampled("a", 1)).toBe(true);
  });
});
