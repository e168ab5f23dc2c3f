import { describe, expect, test } from "vitest";
import { compileCelClosure, UNSURE } from "../../src/policy/cel-closure.ts";
import { evaluateCondition } from "../../src/policy/cel-condition.ts";
import type { RouteInput } from "../../src/policy/index.ts";
import { celBindings } from "../../src/policy/route-input.ts";
import { evaluateRule, plainBindings, RuleBindings } from "../../src/policy/rule-evaluation.ts";
import { load, quietSignals, routeInput } from "./support.ts";

/**
 * Routing evaluates rules through plain closures first and CEL when they are unsure; the answer must be
 * CEL's for every rule and input, including errors (missing fields, nulls compared, mixed kinds).
 */
const CONDITIONS = [
  // the bench policy's twenty
  "signals.pii.cardNumber",
  "signals.pii.iban",
  '"legal" in signals.topics',
  "signals.sentiment != null && signals.sentiment < -0.6",
  'action.type == "support.reply" && size(evidence) == 0',
  "signals.grounding != null && signals.grounding < 0.3",
  'action.type == "billing.refund" && action.payload.amount > 1000',
  'action.type == "billing.refund" && action.payload.currency == "GBP"',
  'has(context.tier) && context.tier == "vip"',
  "agentConfidence < 0.5",
  "has(signals.agent.margin) && signals.agent.margin < 0.1",
  'action.type == "support.reply" && size(action.payload.body) > 4000',
  'action.type == "billing.refund" && action.payload.amount <= 20 && agentConfidence >= 0.9',
  "confidence >= thresholds.auto",
  // edges: errors, nulls, mixed kinds, ints against doubles, unicode sizes, macros and functions
  "action.payload.amount > 100",
  "action.payload.amount == 150",
  "action.payload.amount == 150.0",
  "action.payload.missing == 1.0",
  "signals.grounding >= 0.8",
  "signals.sentiment < 0.0 || signals.pii.any",
  "signals.pii.any || signals.sentiment < 0.0",
  "!signals.pii.email && !has(action.payload.orderId)",
  "size(action.payload.body) == 5",
  "size(context) > 0",
  '"tier" in context',
  "1.5 in [1.5, 2.5]",
  "context.tier == 3.0",
  "context.tier != null",
  "summary == null",
  'summary.contains("urgent")',
  "evidence.exists(e, e.score > 0.9)",
  "action.payload.amount * 2.0 > 300.0",
  "-action.payload.amount < -100",
  "agent.id == 'agent_1' && thresholds.auto > 1",
  "signals.bypass",
  "request",
  'has(context.tier) || "tier" in context',
  "has(signals.grounding)",
  '"grounding" in signals',
  "context.tier == null",
  "signals.sentiment == null",
  "signals.sentiment != 1",
  "context.tier == 3",
  'context.tier == "3"',
  "3.0 in [1, 2, 3] && !(4 in [1, 2, 3])",
  '"a" in ["b", 1]',
  "size(signals.topics) >= 1",
  "size(action.payload) == 3",
  "action.payload.amount >= 150 && action.payload.amount <= 150",
  "evidence[0].score > 0.5",
  "request.text == 'hi'",
];

const INPUTS: RouteInput[] = [
  routeInput("support.reply", { to: "a@example.com", body: "hello" }),
  routeInput(
    "billing.refund",
    { amount: 150, currency: "GBP", body: "héllo😀" },
    {
      summary: "urgent refund",
      evidence: [{ score: 0.95 }],
      context: { tier: "vip" },
      confidence: 0.93,
      agentConfidence: 0.95,
      thresholdAuto: 0.9,
      signals: quietSignals({ grounding: 0.9, sentiment: -0.8, topics: ["legal"], agent: { margin: 0.05 } }),
    },
  ),
  routeInput(
    "billing.refund",
    { amount: 12.5, currency: "EUR" },
    { context: { tier: 3 }, agentConfidence: 0.4, confidence: 0.4, request: { text: "hi" } },
  ),
  routeInput("support.reply", { body: "x".repeat(4001) }, { context: { tier: null }, summary: "calm" }),
  routeInput(
    "support.reply",
    { body: "a😀b", amount: "150", nested: { x: null } },
    { context: { tier: "3" }, signals: quietSignals({ sentiment: 1, topics: ["a"] }), confidence: 0 },
  ),
];

describe("rule evaluation: closures first, CEL when unsure", () => {
  const rules = `rules:\n${CONDITIONS.map((when, i) => `  - { id: r${i}, when: ${JSON.stringify(when)}, route: review }`).join("\n")}`;
  const policy = load(
    `version: 1\nactions:\n  support.reply: { reversible: false }\n  billing.refund: { reversible: compensate }\n${rules}\n`,
  );

  test("answers exactly as the CEL evaluator for every rule and input", () => {
    for (const input of INPUTS) {
      const bindings = new RuleBindings(input);
      const cel = celBindings(input);
      for (const rule of policy.rules) {
        expect([rule.when, evaluateRule(rule, bindings)]).toEqual([
          rule.when,
          evaluateCondition(rule.condition, cel),
        ]);
      }
    }
  });

  test("the closures decide the bench policy's rules for a typical proposal, so CEL bindings are never built", () => {
    const input = INPUTS[1]!;
    const decided = CONDITIONS.slice(0, 14).map((when) => compileCelClosure(when)?.(plainBindings(input)));
    expect(decided.filter((answer) => answer === UNSURE || answer === undefined)).toEqual([]);
    expect(decided.filter((answer) => answer === true)).toHaveLength(6);
  });

  test("agrees with CEL over every pairing of scalar, list, map, null and missing values", () => {
    const shapes = [
      "context.a == context.b",
      "context.a != context.b",
      "context.a < context.b",
      "context.a >= context.b",
      "context.a in context.b",
      "has(context.a) && context.b",
      "context.a || context.b",
      "!context.a",
      "size(context.a) == 1",
      "has(context.a.x)",
      '"x" in context.a',
      "context.a == 1 || context.b == 1.0",
    ];
    const values: unknown[] = [
      null,
      true,
      false,
      0,
      1,
      1.5,
      -2,
      "x",
      "",
      [],
      [1, "x"],
      {},
      { x: null },
      { x: 1 },
    ];
    const policy = load(
      `version: 1\nactions:\n  t: { reversible: false }\nrules:\n${shapes.map((when, i) => `  - { id: s${i}, when: ${JSON.stringify(when)}, route: review }`).join("\n")}\n`,
    );
    let decided = 0;
    for (const a of [...values, undefined]) {
      for (const b of [...values, undefined]) {
        const context: Record<string, unknown> = {};
        if (a !== undefined) context.a = a;
        if (b !== undefined) context.b = b;
        const input = routeInput("t", {}, { context });
        const bindings = new RuleBindings(input);
        const cel = celBindings(input);
        for (const rule of policy.rules) {
          const when = `${rule.when} with ${JSON.stringify(context)}`;
          expect([when, evaluateRule(rule, bindings)]).toEqual([
            when,
            evaluateCondition(rule.condition, cel),
          ]);
          if (compileCelClosure(rule.when)?.(bindings.plain) !== UNSURE) decided++;
        }
      }
    }
    expect(decided).toBeGreaterThan(500); // the closures do decide, so the comparison is not vacuous
  });

  test("builds the CEL bindings once, on first use", () => {
    const bindings = new RuleBindings(INPUTS[0]!);
    expect(bindings.cel).toBe(bindings.cel);
    expect(Object.keys(bindings.cel).sort()).toEqual(Object.keys(bindings.plain).sort());
  });
});
