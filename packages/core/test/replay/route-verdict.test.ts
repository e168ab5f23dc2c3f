import { describe, expect, test } from "vitest";
import { routeProposal } from "../../src/policy/index.ts";
import {
  PolicyReplay,
  type ReplayRecord,
  replayPolicy,
  ruleVariables,
  VerdictRouter,
} from "../../src/replay/index.ts";
import { load, quietSignals, routeInput } from "../policy/support.ts";
import { seededRandom } from "../support/seeded-random.ts";

/** Rules of every kind routing meets, including ones that fail to evaluate on some inputs (fail closed). */
const POLICY = load(`
version: 1
defaults: { route: review }
actions:
  support.reply:
    reversible: false
    review: { queue: support }
    autonomy: threshold
    sampling: 0.2
  billing.refund:
    reversible: compensate
    review: { queue: billing }
    autonomy: post_review
  crm.update:
    reversible: true
    review: { queue: support }
    autonomy: sample_only
    sampling: 0.3
rules:
  - { id: card, when: signals.pii.cardNumber, route: block }
  - { id: legal, when: '"legal" in signals.topics', route: escalate }
  - { id: angry, when: 'signals.sentiment < -0.6', route: review }
  - { id: no-evidence, when: 'action.type == "support.reply" && size(evidence) == 0', route: needs_info }
  - { id: big, when: 'action.payload.amount > 100', route: review }
  - { id: vip, when: 'has(context.tier) && context.tier == "vip"', route: escalate }
  - { id: margin, when: 'signals.agent.margin < 0.1', route: review }
  - { id: words, when: 'action.payload.body.contains("refund")', route: review }
  - { id: confident, when: 'agentConfidence >= 0.9 && signals.grounding >= 0.8', route: auto }
  - { id: threshold, when: 'confidence >= thresholds.auto', route: auto }
  - { id: small, when: 'action.type == "billing.refund" && action.payload.amount <= 20', route: auto }
`);

function generatedInput(i: number, next: () => number) {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const type = pick(["support.reply", "billing.refund", "crm.update", "kb.publish"]);
  const payload: Record<string, unknown> = pick([
    {},
    { amount: pick([5, 20, 100, 101, 5000]) },
    { amount: null },
    { amount: "12" },
    { body: pick(["We will refund you.", "Thanks!", ""]) },
  ]);
  return routeInput(type, payload, {
    proposalId: `p${i}`,
    evidence: next() < 0.3 ? [] : [{ source: "kb", id: "kb-1" }],
    context: pick([{}, { tier: "vip" }, { tier: "basic" }, { tier: null }]),
    signals: quietSignals({
      pii: {
        email: false,
        phone: false,
        cardNumber: next() < 0.05,
        iban: false,
        nationalId: false,
        any: false,
      },
      topics: pick([[], ["legal"], ["billing", "legal"], ["refund"]]),
      sentiment: pick([null, -0.9, 0.2]),
      grounding: pick([null, 0.5, 0.9]),
      agent: pick<Record<string, string | number>>([
        {},
        { margin: 0.05 },
        { margin: 0.5 },
        { margin: "low" },
      ]),
      bypass: next() < 0.05,
    }),
    agentConfidence: pick([null, 0.4, 0.95]),
    confidence: pick([null, 0.5, 0.85, 0.99]),
    thresholdAuto: pick([0.8, 0.9, Number.POSITIVE_INFINITY]),
    ...(next() < 0.2 ? { stage: pick(["observe", "review_all", "threshold", "sample_only"] as const) } : {}),
  });
}

describe("VerdictRouter", () => {
  test("gives routeProposal's verdict on every input, including rules that fail closed", () => {
    const router = new VerdictRouter(POLICY);
    const next = seededRandom(77);
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const input = generatedInput(i, next);
      const verdict = router.verdict(input);
      expect(verdict, JSON.stringify(input)).toBe(routeProposal(POLICY, input).route.verdict);
      seen.add(verdict);
    }
    expect([...seen].sort()).toEqual(["auto", "block", "escalate", "needs_info", "review"]);
  });
});

describe("ruleVariables", () => {
  test("names the variables a rule reads, not those a macro binds", () => {
    expect([...ruleVariables('size(evidence) == 0 && context.tier == "vip"')!].sort()).toEqual([
      "context",
      "evidence",
    ]);
    expect([...ruleVariables("evidence.exists(e, e.score > 0.5)")!]).toEqual(["evidence"]);
    expect(ruleVariables("action.payload.amount >")).toBeNull();
  });
});

describe("PolicyReplay in parts", () => {
  test("merged counts give the very report one pass gives", () => {
    const next = seededRandom(5);
    const records: ReplayRecord[] = Array.from({ length: 3000 }, (_, i) => {
      const input = generatedInput(i, next);
      const edited = i % 7 === 0;
      return {
        proposalId: input.proposalId,
        agent: input.agent,
        createdAt: "2026-11-01T09:00:00.000Z",
        input: {
          action: { ...input.action, payload: { ...input.action.payload, note: `n${i}` } },
          request: null,
          summary: null,
          evidence: input.evidence,
          toolCalls: [],
          context: input.context,
        },
        signals: input.signals,
        confidence: { calibrated: input.confidence, raw: input.agentConfidence },
        recordedVerdict: i % 3 === 0 ? "auto" : "review",
        status: i % 5 === 0 ? "rejected" : edited ? "approved_with_edits" : "approved",
        finalPayload: edited ? { ...input.action.payload, note: `edited ${i}` } : null,
        decisions: [
          {
            id: `d${i}`,
            reviewId: `r${i}`,
            reviewDecided: true,
            verdict: i % 5 === 0 ? "reject" : edited ? "edit" : "approve",
            payload: edited ? { ...input.action.payload, note: `edited ${i}` } : null,
            byId: "anna",
            at: "2026-11-01T10:00:00.000Z",
            category: null,
            comment: null,
          },
        ],
      };
    });
    const meta = { policyVersion: 1, policyHash: "h", since: null };
    const options = { thresholds: { "support.reply": 0.8 } };
    const whole = replayPolicy(POLICY, records, meta, options);
    const first = new PolicyReplay(POLICY, options);
    const second = new PolicyReplay(POLICY, options);
    for (const record of records.slice(0, 1234)) first.add(record);
    for (const record of records.slice(1234)) second.add(record);
    const merged = new PolicyReplay(POLICY, options);
    merged.merge(second.tallies());
    merged.merge(first.tallies());
    expect(JSON.stringify(merged.report(meta))).toBe(JSON.stringify(whole));
    expect(whole.totals.newlyAutomated.reviewed).toBeGreaterThan(100);

    // Checking every record against routeProposal (the default checks every 256th) changes nothing.
    expect(JSON.stringify(replayPolicy(POLICY, records, meta, { ...options, checkEvery: 1 }))).toBe(
      JSON.stringify(whole),
    );
  });
});
