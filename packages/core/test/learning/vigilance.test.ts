import { describe, expect, it } from "vitest";
import {
  approvalStreaks,
  type DecisionFact,
  dwellMs,
  median,
  overrideBand,
  packetLength,
  reviewerVigilance,
} from "../../src/learning/vigilance.ts";
import type { DecisionVerdict } from "../../src/lifecycle/statuses.ts";

const ANNA = { id: "u-anna", name: "anna" };
const BEN = { id: "u-ben", name: "ben" };

let seq = 0;
/** A decision by `reviewer` at minute `minute`, opened 10 s before, evidence shown, on a real proposal. */
function fact(
  reviewer: DecisionFact["reviewer"],
  verdict: DecisionVerdict,
  minute: number,
  over: Partial<DecisionFact> = {},
): DecisionFact {
  seq++;
  const at = new Date(Date.UTC(2026, 10, 1, 9, minute)).toISOString();
  return {
    reviewer,
    reviewId: `r${seq}`,
    proposalId: `p${seq}`,
    verdict,
    at,
    firstOpenedAt: new Date(Date.parse(at) - 10_000).toISOString(),
    evidenceOpenedAt: new Date(Date.parse(at) - 5_000).toISOString(),
    packetChars: 2000,
    hasEvidence: true,
    canary: null,
    judgement: null,
    ...over,
  };
}

describe("approval streaks", () => {
  it("counts the longest run of approvals unchanged and the run ending now", () => {
    expect(approvalStreaks([])).toEqual({ longest: 0, current: 0 });
    expect(
      approvalStreaks(["approve", "approve", "edit", "approve", "approve", "approve", "reject", "approve"]),
    ).toEqual({
      longest: 3,
      current: 1,
    });
    // An edit, an escalation or a request for information breaks a streak like a rejection does.
    expect(approvalStreaks(["approve", "escalate", "approve", "request_info", "approve", "approve"])).toEqual(
      {
        longest: 2,
        current: 2,
      },
    );
  });
});

describe("override band", () => {
  it("puts 5% and 20% inside the healthy band and everything outside below or above", () => {
    expect(overrideBand(0)).toBe("below");
    expect(overrideBand(0.049)).toBe("below");
    expect(overrideBand(0.05)).toBe("healthy");
    expect(overrideBand(0.2)).toBe("healthy");
    expect(overrideBand(0.21)).toBe("above");
  });
});

describe("medians, dwell and packet length", () => {
  it("takes the middle value, or the mean of the middle two", () => {
    expect(median([])).toBeNull();
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it("measures dwell from the first opening, and not at all when no opening was seen", () => {
    expect(dwellMs({ firstOpenedAt: "2026-11-01T09:00:00.000Z", at: "2026-11-01T09:00:42.500Z" })).toBe(
      42_500,
    );
    expect(dwellMs({ firstOpenedAt: null, at: "2026-11-01T09:00:42.500Z" })).toBeNull();
  });

  it("counts the characters of summary, payload, evidence and request", () => {
    const payload = { amount: 5 };
    const evidence = [{ source: "kb", snippet: "x" }];
    const request = { text: "hello" };
    expect(packetLength({ summary: "abc", payload, evidence, request })).toBe(
      3 + JSON.stringify(payload).length + JSON.stringify(evidence).length + JSON.stringify(request).length,
    );
    expect(packetLength({ summary: null, payload: {}, evidence: [], request: null })).toBe(2);
  });
});

describe("reviewerVigilance", () => {
  it("computes each reviewer's figures from a fixture with known decisions", () => {
    const facts: DecisionFact[] = [
      // anna: 10 real decisions, 1 rejection (10%: healthy), one approval without the evidence opened,
      // one approval through the API with no read at all; two canaries, one caught.
      ...Array.from({ length: 7 }, (_, i) => fact(ANNA, "approve", i)),
      fact(ANNA, "approve", 7, { evidenceOpenedAt: null }),
      fact(ANNA, "approve", 8, { firstOpenedAt: null, evidenceOpenedAt: null }),
      fact(ANNA, "reject", 9, { packetChars: 500 }),
      fact(ANNA, "approve", 10, { canary: "iban-swap" }),
      fact(ANNA, "reject", 11, { canary: "refund-twice" }),
      // ben: 4 decisions, all approvals but one without evidence to open at all; three canaries, all caught.
      fact(BEN, "approve", 0),
      fact(BEN, "approve", 1, { hasEvidence: false, evidenceOpenedAt: null }),
      fact(BEN, "approve", 2),
      fact(BEN, "approve", 3),
      fact(BEN, "escalate", 4, { canary: "iban-swap" }),
      fact(BEN, "edit", 5, { canary: "iban-swap" }),
      fact(BEN, "handle_manually", 6, { canary: "refund-twice" }),
    ];
    const [anna, ben] = reviewerVigilance(facts.reverse());
    expect(anna?.reviewer).toEqual(ANNA);
    expect(anna?.decisions).toBe(10);
    expect(anna?.approvals).toBe(9);
    expect(anna?.approvalsWithoutEvidence).toBe(2);
    expect(anna?.streak).toEqual({ longest: 9, current: 0 });
    expect(anna?.overrideRate).toBeCloseTo(0.1, 12);
    expect(anna?.band).toBe("healthy");
    expect(anna?.canaries).toEqual({ seen: 2, caught: 1, catchRate: 0.5 });
    expect(anna?.dwell.measured).toBe(9);
    expect(anna?.dwell.p50Ms).toBe(10_000);
    // 10 s over 2,000 characters is 5,000 ms per 1,000; the short packet's 20,000 does not move the median.
    expect(anna?.dwell.p50MsPerKChar).toBe(5000);

    expect(ben?.decisions).toBe(4);
    expect(ben?.approvalsWithoutEvidence).toBe(0);
    expect(ben?.streak).toEqual({ longest: 4, current: 4 });
    expect(ben?.overrideRate).toBe(0);
    expect(ben?.band).toBe("below");
    expect(ben?.canaries).toEqual({ seen: 3, caught: 3, catchRate: 1 });
    expect(ben?.blind).toEqual({ judged: 0, changedMind: 0, changedMindRate: null });
  });

  it("compares a blind review's first judgement with the final decision", () => {
    const [item] = reviewerVigilance([
      fact(ANNA, "approve", 0, { judgement: "approve" }),
      fact(ANNA, "approve", 1, { judgement: "reject" }),
      fact(ANNA, "reject", 2, { judgement: "reject" }),
      fact(ANNA, "edit", 3, { judgement: "approve" }),
    ]);
    expect(item?.blind).toEqual({ judged: 4, changedMind: 2, changedMindRate: 0.5 });
    expect(item?.band).toBe("above");
    expect(item?.canaries.catchRate).toBeNull();
  });
});
