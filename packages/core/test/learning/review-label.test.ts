import { describe, expect, it } from "vitest";
import { normalizedTextDistance, payloadEditDistance } from "../../src/learning/payload-edit-distance.ts";
import { reviewLabel } from "../../src/learning/review-label.ts";

describe("payloadEditDistance", () => {
  it("is 0 for equal payloads whatever the key order, and 1 for disjoint ones", () => {
    expect(payloadEditDistance({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toBe(0);
    expect(payloadEditDistance({ a: 1 }, { b: 1 })).toBe(1);
    expect(payloadEditDistance({}, {})).toBe(0);
  });

  it("counts a changed non-text field in full and averages over the fields", () => {
    expect(payloadEditDistance({ to: "a@x.io", amount: 40 }, { to: "a@x.io", amount: 42.5 })).toBe(0.5);
    expect(payloadEditDistance({ amount: 40, currency: "EUR" }, { amount: "40", currency: "EUR" })).toBe(0.5);
    // A removed field and an added one are two changed paths out of three.
    expect(payloadEditDistance({ a: 1, b: 2 }, { a: 1, c: 2 })).toBeCloseTo(2 / 3, 12);
  });

  it("counts a text edit by its normalised Levenshtein distance", () => {
    expect(payloadEditDistance({ body: "Hello Anna" }, { body: "Hello Ana" })).toBeCloseTo(0.1, 12);
    expect(
      payloadEditDistance({ to: "a@x.io", body: "kitten" }, { to: "a@x.io", body: "sitting" }),
    ).toBeCloseTo(3 / 7 / 2, 12);
  });

  it("walks arrays by index and keeps dotted keys apart from nesting", () => {
    expect(payloadEditDistance({ items: [1, 2, 3] }, { items: [1, 2] })).toBeCloseTo(1 / 3, 12);
    expect(payloadEditDistance({ "a.b": 1 }, { a: { b: 1 } })).toBe(1);
    expect(payloadEditDistance({ tags: [] }, { tags: ["x"] })).toBe(1);
  });

  it("stays in [0, 1] and is symmetric", () => {
    const pairs: [unknown, unknown][] = [
      [{ body: "a".repeat(50) }, { body: "b".repeat(5) }],
      [{ x: null }, { x: 0 }],
      [{ n: { m: "abc" } }, { n: "abc" }],
    ];
    for (const [a, b] of pairs) {
      const d = payloadEditDistance(a, b);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThanOrEqual(1);
      expect(payloadEditDistance(b, a)).toBeCloseTo(d, 12);
    }
  });

  it("compares very long texts quickly, by words", () => {
    const words = Array.from({ length: 8000 }, (_, i) => `word${i % 97}`);
    const before = words.join(" ");
    const after = [...words.slice(0, 4000), "inserted", ...words.slice(4000).reverse()].join(" ");
    const started = performance.now();
    const d = normalizedTextDistance(before, after);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(d).toBeGreaterThan(0);
    expect(d).toBeLessThanOrEqual(1);
    // A local edit in a long text stays small.
    expect(normalizedTextDistance(before, `${before} thanks`)).toBeCloseTo(7 / (before.length + 7), 12);
  });
});

describe("reviewLabel", () => {
  const proposed = { amount: 42.5, currency: "EUR" };

  it("gives 1 to an approval of the proposed payload", () => {
    expect(
      reviewLabel({ verdict: "approve", proposedPayload: proposed, finalPayload: { ...proposed } }),
    ).toEqual({
      label: 1,
      editDistance: 0,
    });
  });

  it("gives 1 − edit distance to an edit", () => {
    expect(
      reviewLabel({
        verdict: "edit",
        proposedPayload: proposed,
        finalPayload: { amount: 40, currency: "EUR" },
      }),
    ).toEqual({ label: 0.5, editDistance: 0.5 });
  });

  it("treats an approval of a payload edited earlier as the edit it is", () => {
    const label = reviewLabel({
      verdict: "approve",
      proposedPayload: proposed,
      finalPayload: { amount: 40, currency: "EUR" },
    });
    expect(label?.label).toBe(0.5);
  });

  it("gives 0 to a rejection or manual handling", () => {
    for (const verdict of ["reject", "handle_manually"] as const) {
      expect(reviewLabel({ verdict, proposedPayload: proposed, finalPayload: null })).toEqual({
        label: 0,
        editDistance: 1,
      });
    }
  });

  it("gives no label to escalations and requests for information", () => {
    for (const verdict of ["escalate", "request_info"] as const) {
      expect(reviewLabel({ verdict, proposedPayload: proposed, finalPayload: proposed })).toBeNull();
    }
  });
});
