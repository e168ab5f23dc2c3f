import { describe, expect, it } from "vitest";
import { type AmountCandidate, detectSplit, nearRepeat, tokenSimilarity } from "../../src/signals/bypass.ts";

describe("nearRepeat", () => {
  const refused = {
    amount: 120,
    currency: "EUR",
    customerId: "c_123",
    note: "Refund the duplicate charge on order 5512 for the customer today",
  };

  it("links a payload with the same fields, near-identical text and a close amount", () => {
    const again = {
      ...refused,
      amount: 118,
      note: "Refund the duplicate charge on order 5512 for the customer today!",
    };
    expect(nearRepeat(again, refused, 0.9, 0.05)).toBe(1);
  });

  it("tolerates one changed word in a long text but not a different customer", () => {
    const reworded = {
      ...refused,
      note: "Refund the duplicate charge on order 5512 for this customer today",
    };
    expect(nearRepeat(reworded, refused, 0.8, 0.05)).toBeGreaterThanOrEqual(0.8);
    expect(nearRepeat({ ...refused, customerId: "c_999" }, refused, 0.9, 0.05)).toBeNull();
  });

  it("does not link different amounts, different fields or different booleans", () => {
    expect(nearRepeat({ ...refused, amount: 60 }, refused, 0.9, 0.05)).toBeNull();
    expect(nearRepeat({ ...refused, reason: "x" }, refused, 0.9, 0.05)).toBeNull();
    expect(nearRepeat({ a: true }, { a: false }, 0.9, 0.05)).toBeNull();
  });

  it("compares nested objects and arrays field by field", () => {
    const a = { items: [{ sku: "A-1", qty: 2 }], to: { name: "Anna Berg" } };
    expect(nearRepeat(structuredClone(a), a, 0.9, 0)).toBe(1);
    expect(nearRepeat({ ...a, items: [{ sku: "A-1", qty: 3 }] }, a, 0.9, 0)).toBeNull();
  });
});

describe("tokenSimilarity", () => {
  it("ignores case and punctuation and counts repeated words", () => {
    expect(tokenSimilarity("Refund 42 EUR", "refund, 42 eur!")).toBe(1);
    expect(tokenSimilarity("yes yes no", "yes no")).toBeCloseTo(2 / 3);
    expect(tokenSimilarity("", "")).toBe(1);
    expect(tokenSimilarity("alpha", "beta")).toBe(0);
  });
});

describe("detectSplit", () => {
  const at = (minute: number) => `2026-01-01T10:${String(minute).padStart(2, "0")}:00.000Z`;
  const refused: AmountCandidate = {
    proposalId: "p_300",
    amount: 300,
    createdAt: at(0),
    refused: true,
    counts: false,
  };

  it("finds the third of three smaller amounts that add up to a refused one", () => {
    const earlier: AmountCandidate[] = [
      refused,
      { proposalId: "p_a", amount: 100, createdAt: at(5), refused: false, counts: true },
      { proposalId: "p_b", amount: 100, createdAt: at(6), refused: false, counts: true },
    ];
    expect(detectSplit(100, "customer:c_1", earlier, 0)).toEqual({
      kind: "split",
      proposalId: "p_300",
      refusedAmount: 300,
      total: 300,
      entity: "customer:c_1",
    });
    expect(detectSplit(100, "customer:c_1", earlier.slice(0, 2), 0)).toBeNull();
  });

  it("does not count amounts from before the refusal or ones that were themselves refused", () => {
    const candidates: AmountCandidate[] = [
      {
        proposalId: "p_old",
        amount: 250,
        createdAt: "2026-01-01T09:00:00.000Z",
        refused: false,
        counts: true,
      },
      refused,
      { proposalId: "p_rej", amount: 150, createdAt: at(3), refused: true, counts: false },
    ];
    // p_rej (150) is itself refused: 100 alone reaches neither 300 nor 150·(1−5 %).
    expect(detectSplit(100, "e", candidates, 0.05)).toBeNull();
    expect(detectSplit(145, "e", candidates, 0.05)?.proposalId).toBe("p_rej");
  });

  it("ignores a refused amount no larger than this one (that is a repeat, not a split)", () => {
    expect(detectSplit(300, "e", [refused], 0)).toBeNull();
  });
});
