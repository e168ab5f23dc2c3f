import { describe, expect, test } from "vitest";
import { feedbackLines, payloadDiff, type ReplayRecord, resolveSince } from "../../src/replay/index.ts";
import { quietSignals } from "../policy/support.ts";

const proposed = { amount: 42.5, currency: "EUR", customerId: "c_1", note: "mail anna@example.com" };
const final = { amount: 40, currency: "EUR", customerId: "c_1", tags: ["dup"] };

function refund(decisions: ReplayRecord["decisions"], status: ReplayRecord["status"]): ReplayRecord {
  return {
    proposalId: "p1",
    agent: { id: "refund-bot", name: "refund-bot" },
    createdAt: "2026-11-01T09:00:00.000Z",
    input: {
      action: { type: "billing.refund", payload: proposed },
      request: null,
      summary: null,
      evidence: [],
      toolCalls: [],
      context: {},
    },
    signals: quietSignals(),
    confidence: { calibrated: 0.9, raw: 0.9 },
    recordedVerdict: "review",
    status,
    finalPayload: status === "approved_with_edits" ? final : null,
    decisions,
  };
}

describe("payloadDiff", () => {
  test("lists adds, removes and replacements by JSON Pointer, sorted by path", () => {
    expect(payloadDiff(proposed, final)).toEqual([
      { op: "replace", path: "/amount", value: 40 },
      { op: "remove", path: "/note" },
      { op: "add", path: "/tags", value: ["dup"] },
    ]);
    expect(payloadDiff({ a: [1, 2, 3], "x/y": { k: 1 } }, { a: [1, 5], "x/y": { k: 1 } })).toEqual([
      { op: "replace", path: "/a/1", value: 5 },
      { op: "remove", path: "/a/2" },
    ]);
    expect(payloadDiff(proposed, { ...proposed })).toEqual([]);
  });
});

describe("feedbackLines", () => {
  const decisions: ReplayRecord["decisions"] = [
    {
      id: "d1",
      reviewId: "r1",
      reviewDecided: true,
      verdict: "escalate",
      payload: null,
      byId: "ben",
      at: "2026-11-01T10:00:00.000Z",
      category: null,
      comment: "Needs a lead",
    },
    {
      id: "d2",
      reviewId: "r2",
      reviewDecided: true,
      verdict: "edit",
      payload: final,
      byId: "anna",
      at: "2026-11-01T11:00:00.000Z",
      category: "wrong_amount",
      comment: "Only one charge was duplicated; told anna@example.com",
    },
    {
      id: "d3",
      reviewId: "r3",
      reviewDecided: false,
      verdict: "approve",
      payload: null,
      byId: "carl",
      at: "2026-11-01T12:00:00.000Z",
      category: null,
      comment: null,
    },
  ];

  test("one line per decided review, with payloads, diff, label, and PII masked by default", () => {
    const lines = feedbackLines(refund(decisions, "approved_with_edits"));
    expect(lines.map((l) => [l.reviewId, l.verdict])).toEqual([
      ["r1", "escalate"],
      ["r2", "edit"],
    ]);
    const [escalated, edit] = lines as [(typeof lines)[0], (typeof lines)[0]];
    expect(escalated).toMatchObject({ label: null, finalPayload: null, diff: [], reviewerId: "ben" });
    expect(edit).toMatchObject({
      proposalId: "p1",
      agent: "refund-bot",
      actionType: "billing.refund",
      finalPayload: final,
      category: "wrong_amount",
      comment: "Only one charge was duplicated; told [email]",
      decidedAt: "2026-11-01T11:00:00.000Z",
      reviewerId: "anna",
    });
    expect(edit.proposedPayload.note).toBe("mail [email]");
    expect(edit.diff.map((c) => c.path)).toEqual(["/amount", "/note", "/tags"]);
    expect(edit.label).toBeGreaterThan(0);
    expect(edit.label).toBeLessThan(1);
    expect(edit.label! + edit.editDistance!).toBeCloseTo(1, 9);
  });

  test("two approvals ending in a plain approval of an edit are the edit, with the editor's reason", () => {
    const edited = { ...decisions[1]!, reviewDecided: true };
    const approval = { ...decisions[2]!, id: "d4", reviewId: "r2", reviewDecided: true, byId: "bob" };
    const [line] = feedbackLines(refund([edited, approval], "approved_with_edits"), { unmasked: true });
    expect(line).toMatchObject({
      reviewId: "r2",
      verdict: "edit",
      category: "wrong_amount",
      comment: "Only one charge was duplicated; told anna@example.com",
      finalPayload: final,
      reviewerId: "bob",
      decidedAt: approval.at,
    });
    const said = feedbackLines(
      refund([edited, { ...approval, comment: "Checked the ledger" }], "approved_with_edits"),
    );
    expect(said[0]).toMatchObject({
      verdict: "edit",
      category: "wrong_amount",
      comment: "Checked the ledger",
    });
    const plain = feedbackLines(refund([{ ...approval, id: "d5", byId: "anna" }, approval], "approved"));
    expect(plain.map((l) => [l.verdict, l.category])).toEqual([["approve", null]]);
  });

  test("--unmasked keeps personal data; a rejection has no final payload and label 0", () => {
    const rejected = feedbackLines(
      refund([{ ...decisions[1]!, verdict: "reject", payload: null }], "rejected"),
      { unmasked: true },
    );
    expect(rejected).toEqual([
      expect.objectContaining({ verdict: "reject", finalPayload: null, diff: [], label: 0, editDistance: 1 }),
    ]);
    expect(rejected[0]!.proposedPayload.note).toBe("mail anna@example.com");
  });
});

describe("resolveSince", () => {
  const now = new Date("2026-11-30T00:00:00.000Z");
  test("reads an ISO date or a duration back from now", () => {
    expect(resolveSince("30d", now)).toBe("2026-10-31T00:00:00.000Z");
    expect(resolveSince("1d12h", now)).toBe("2026-11-28T12:00:00.000Z");
    expect(resolveSince("2026-11-01", now)).toBe("2026-11-01T00:00:00.000Z");
    expect(resolveSince("2026-11-01T09:00:00+01:00", now)).toBe("2026-11-01T08:00:00.000Z");
  });
  test("refuses anything else with what to write", () => {
    expect(() => resolveSince("last month", now)).toThrow(/ISO date .* or a duration such as 30d/);
    expect(() => resolveSince("2026-13-45", now)).toThrow(/neither a date nor a duration/);
  });
});
