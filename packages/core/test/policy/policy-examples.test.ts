import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { overlaySignals, type PolicyExample, runPolicyExamples } from "../../src/policy/index.ts";
import type { Signals } from "../../src/wire/proposal.ts";
import { load, quietSignals } from "./support.ts";

/** Stands in for the built-in detectors: flags a card number in the payload, nothing else. */
function detectSignals(example: PolicyExample): Signals {
  const text = JSON.stringify(example.proposal.action.payload);
  const cardNumber = /\b(?:\d[ -]?){13,19}\b/.test(text);
  return quietSignals({
    pii: { ...quietSignals().pii, cardNumber, any: cardNumber },
    agentConfidence: example.proposal.signals.agentConfidence ?? null,
  });
}

describe("runPolicyExamples", () => {
  test("every example of the shipped minimal policy passes", () => {
    const policy = load(
      readFileSync(
        new URL("../../../../examples/policies/support-desk-minimal.yaml", import.meta.url),
        "utf8",
      ),
    );
    const results = runPolicyExamples(policy, detectSignals);
    expect(results.length).toBeGreaterThanOrEqual(5);
    expect(new Set(results.map((result) => result.actual.verdict))).toEqual(
      new Set(["block", "escalate", "needs_info", "review", "auto"]),
    );
    for (const result of results) expect(result, result.message).toMatchObject({ ok: true });
  });

  test("reports a wrong route, different rules and an invalid payload", () => {
    const policy = load(`
version: 1
actions:
  billing.refund:
    reversible: true
    payload: { type: object, required: [amount], properties: { amount: { type: number } } }
rules:
  - { id: large-refund, when: action.payload.amount > 100, route: escalate }
  - { id: any-refund, when: action.type == "billing.refund", route: review }
examples:
  - name: passes
    proposal: { action: { type: billing.refund, payload: { amount: 150 } } }
    expect: { route: escalate, rules: [large-refund, any-refund] }
  - name: wrong route
    proposal: { action: { type: billing.refund, payload: { amount: 50 } } }
    expect: { route: auto }
  - name: wrong rules
    proposal: { action: { type: billing.refund, payload: { amount: 150 } } }
    expect: { route: escalate, rules: [large-refund, default] }
  - name: bad payload
    proposal: { action: { type: billing.refund, payload: { amount: "lots" } } }
    expect: { route: review }
`);
    const results = runPolicyExamples(policy, detectSignals);
    expect(results.map((result) => [result.name, result.ok])).toEqual([
      ["passes", true],
      ["wrong route", false],
      ["wrong rules", false],
      ["bad payload", false],
    ]);
    expect(results[0]).toMatchObject({
      expected: { route: "escalate", rules: ["large-refund", "any-refund"] },
      actual: { verdict: "escalate", policyVersion: 1 },
      message: "routed escalate as expected",
    });
    expect(results[1]?.message).toMatch(/^expected route auto, got review \(any-refund: matched/);
    expect(results[2]?.message).toBe("rules differ: expected to match default; also matched any-refund");
    expect(results[3]?.message).toMatch(/^its payload is invalid: action\.payload\.amount must be a number/);
  });

  test("an example's signals, confidence, thresholds and agent are used", () => {
    const policy = load(`
version: 1
actions: { support.reply: {} }
rules:
  - { id: confident, when: "confidence >= thresholds.auto && signals.grounding >= 0.8", route: auto }
  - { id: vip-agent, when: agent.id == "vip" && signals.agent.retrieval > 0.5, route: escalate }
examples:
  - name: confident
    proposal: { action: { type: support.reply, payload: {} }, signals: { agentConfidence: 0.95 } }
    signals: { grounding: 0.9 }
    thresholds: { auto: 0.9 }
    expect: { route: auto, rules: [confident] }
  - name: calibrated below threshold
    proposal: { action: { type: support.reply, payload: {} }, signals: { agentConfidence: 0.95 } }
    signals: { grounding: 0.9 }
    confidence: 0.5
    thresholds: { auto: 0.9 }
    expect: { route: review, rules: [default] }
  - name: agent
    agent: vip
    proposal: { action: { type: support.reply, payload: {} }, signals: { agent: { retrieval: 0.9 } } }
    signals: { grounding: 0.1, agent: { retrieval: 0.9 } }
    confidence: 0.1
    expect: { route: escalate, rules: [vip-agent] }
`);
    const results = runPolicyExamples(policy, detectSignals);
    for (const result of results) expect(result, result.message).toMatchObject({ ok: true });
  });
});

describe("overlaySignals", () => {
  test("merges pii, history and agent field by field and keeps pii.any consistent", () => {
    const computed = quietSignals({
      pii: { ...quietSignals().pii, email: true, any: true },
      agent: { a: 1 },
      grounding: 0.4,
    });
    const merged = overlaySignals(computed, {
      pii: { email: false, iban: true },
      agent: { b: true },
      history: { overrideRate: 0.1 },
    });
    expect(merged.pii).toEqual({
      email: false,
      phone: false,
      cardNumber: false,
      iban: true,
      nationalId: false,
      any: true,
    });
    expect(merged.agent).toEqual({ a: 1, b: true });
    expect(merged.history).toEqual({ overrideRate: 0.1 });
    expect(merged.grounding).toBe(0.4);
    expect(overlaySignals(computed, { pii: { email: false } }).pii.any).toBe(false);
    expect(overlaySignals(computed, { grounding: null }).grounding).toBeNull();
  });
});
