import { describe, expect, test } from "vitest";
import { payloadEditDistance } from "../../src/learning/index.ts";
import type { ProposalStatus } from "../../src/lifecycle/statuses.ts";
import {
  PolicyReplay,
  type RecordedDecision,
  type ReplayRecord,
  replayPolicy,
} from "../../src/replay/index.ts";
import { load, quietSignals } from "../policy/support.ts";

const ACTIONS = `
actions:
  support.reply:
    reversible: false
    review: { queue: support }
    autonomy: threshold
  billing.refund:
    reversible: compensate
    review: { queue: billing }
    autonomy: threshold
`;
const CANDIDATE = load(`
version: 1
defaults: { route: review }
${ACTIONS}
rules:
  - id: confident-reply
    when: action.type == "support.reply" && confidence >= 0.8
    route: auto
`);
const THRESHOLD_POLICY = load(`
version: 1
defaults: { route: review }
${ACTIONS}
rules:
  - id: over-threshold
    when: confidence >= thresholds.auto
    route: auto
`);
const META = { policyVersion: null, policyHash: "h", since: null };

let seq = 0;
function decision(verdict: RecordedDecision["verdict"], payload: Record<string, unknown> | null = null) {
  seq++;
  return {
    id: `d${seq}`,
    reviewId: `r${seq}`,
    reviewDecided: true,
    verdict,
    payload,
    byId: "anna",
    at: `2026-11-01T10:00:${String(seq).padStart(2, "0")}.000Z`,
    category: verdict === "approve" ? null : "tone",
    comment: verdict === "approve" ? null : "Write to anna@example.com instead",
  } satisfies RecordedDecision;
}

function record(
  id: string,
  type: string,
  confidence: number,
  recorded: ReplayRecord["recordedVerdict"],
  status: ProposalStatus,
  decisions: RecordedDecision[] = [],
  finalPayload: Record<string, unknown> | null = null,
): ReplayRecord {
  return {
    proposalId: id,
    agent: { id: "support-bot", name: "support-bot" },
    createdAt: "2026-11-01T09:00:00.000Z",
    input: {
      action: { type, payload: { to: "anna@example.com", body: "Your card arrives within 5 days." } },
      request: null,
      summary: null,
      evidence: [],
      toolCalls: [],
      context: {},
    },
    signals: quietSignals({ agentConfidence: confidence }),
    confidence: { calibrated: confidence, raw: confidence },
    recordedVerdict: recorded,
    status,
    finalPayload,
    decisions,
  };
}

const edited = { to: "anna@example.com", body: "Your card arrives within 5 working days." };
const history: ReplayRecord[] = [
  record("p1", "support.reply", 0.9, "review", "approved", [decision("approve")]),
  record("p2", "support.reply", 0.85, "review", "rejected", [decision("reject")]),
  record("p3", "support.reply", 0.95, "review", "approved_with_edits", [decision("edit", edited)], edited),
  record("p4", "support.reply", 0.9, "review", "pending_review"),
  record("p5", "support.reply", 0.5, "review", "approved", [decision("approve")]),
  record("p6", "billing.refund", 0.99, "auto", "auto_approved"),
  record("p7", "support.reply", 0.9, "review", "needs_info", [decision("request_info")]),
];

describe("PolicyReplay", () => {
  test("counts route changes, automation before and after, and the error among newly automated", () => {
    const report = replayPolicy(CANDIDATE, history, META);
    const editLabel = 1 - payloadEditDistance(history[2]!.input.action.payload, edited);
    expect(editLabel).toBeGreaterThan(0);
    expect(editLabel).toBeLessThan(1);

    const reply = report.actionTypes.find((a) => a.actionType === "support.reply")!;
    expect(reply).toMatchObject({
      declared: true,
      proposals: 6,
      unchanged: 1,
      routeChanges: [{ from: "review", to: "auto", count: 5 }],
      automationRate: { before: 0, after: 0.833333 },
      noLongerAutomated: 0,
    });
    // p1 approved (error 0), p2 rejected (error 1), p3 edited (error 1 − label); p4 and p7 never decided.
    expect(reply.newlyAutomated).toMatchObject({ count: 5, reviewed: 3, unknownOutcome: 2 });
    expect(reply.newlyAutomated.estimatedErrorRate).toBeCloseTo((0 + 1 + (1 - editLabel)) / 3, 6);
    expect(reply.newlyAutomated.errorUpperBound!).toBeGreaterThan(reply.newlyAutomated.estimatedErrorRate!);

    const refund = report.actionTypes.find((a) => a.actionType === "billing.refund")!;
    expect(refund).toMatchObject({
      proposals: 1,
      unchanged: 0,
      routeChanges: [{ from: "auto", to: "review", count: 1 }],
      automationRate: { before: 1, after: 0 },
      newlyAutomated: {
        count: 0,
        reviewed: 0,
        unknownOutcome: 0,
        estimatedErrorRate: null,
        errorUpperBound: null,
      },
      noLongerAutomated: 1,
    });

    expect(report.proposals).toBe(7);
    expect(report.totals).toMatchObject({
      actionType: "*",
      proposals: 7,
      unchanged: 1,
      routeChanges: [
        { from: "review", to: "auto", count: 5 },
        { from: "auto", to: "review", count: 1 },
      ],
      automationRate: { before: 0.142857, after: 0.714286 },
      noLongerAutomated: 1,
    });
    expect(report.actionTypes.map((a) => a.actionType)).toEqual(["billing.refund", "support.reply"]);
  });

  test("an approval still waiting for its second approver is not an outcome yet", () => {
    const waiting = record("p8", "support.reply", 0.9, "review", "pending_review", [decision("approve")]);
    const report = replayPolicy(CANDIDATE, [waiting], META);
    expect(report.totals.newlyAutomated).toMatchObject({ count: 1, reviewed: 0, unknownOutcome: 1 });
  });

  test("simulates a candidate threshold with the same policy", () => {
    const none = replayPolicy(THRESHOLD_POLICY, history, META);
    expect(none.totals.automationRate.after).toBe(0); // no threshold approved: never auto
    const tried = replayPolicy(THRESHOLD_POLICY, history, META, { thresholds: { "support.reply": 0.88 } });
    const reply = tried.actionTypes.find((a) => a.actionType === "support.reply")!;
    // p1 (0.9), p3 (0.95), p4 (0.9), p7 (0.9) clear 0.88; p2 (0.85) and p5 (0.5) do not.
    expect(reply.newlyAutomated).toMatchObject({ count: 4, reviewed: 2, unknownOutcome: 2 });
    expect(tried.thresholds).toEqual({ "support.reply": 0.88 });
  });

  test("blocks an action type the candidate does not declare, and says so", () => {
    const report = replayPolicy(CANDIDATE, [record("p9", "account.close", 0.9, "review", "approved")], META);
    expect(report.actionTypes[0]).toMatchObject({
      actionType: "account.close",
      declared: false,
      routeChanges: [{ from: "review", to: "block", count: 1 }],
    });
  });

  test("is deterministic: the same inputs give the same report, whatever the order", () => {
    const first = replayPolicy(CANDIDATE, history, META);
    expect(replayPolicy(CANDIDATE, history, META)).toEqual(first);
    expect(replayPolicy(CANDIDATE, [...history].reverse(), META)).toEqual(first);
    const incremental = new PolicyReplay(CANDIDATE);
    for (const r of history) incremental.add(r);
    expect(JSON.stringify(incremental.report(META))).toBe(JSON.stringify(first));
  });
});
