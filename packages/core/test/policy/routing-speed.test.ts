import { expect, test } from "vitest";
import { routeProposal } from "../../src/policy/index.ts";
import { load, quietSignals, routeInput } from "./support.ts";

/** Twenty rules of the kinds real policies have: type checks, amounts, signals, list macros, strings. */
function twentyRules(): string {
  const rules = [
    "signals.pii.cardNumber",
    'action.type == "billing.refund" && action.payload.amount > 100',
    'action.type == "billing.refund" && action.payload.amount > 1000',
    '"legal" in signals.topics || "chargeback" in signals.topics',
    "signals.sentiment != null && signals.sentiment < -0.5",
    "confidence != null && confidence >= thresholds.auto && signals.grounding != null && signals.grounding >= 0.8",
    "evidence.exists(e, e.score > 0.9)",
    'size(evidence) == 0 && action.type == "billing.refund"',
    "toolCalls.exists(t, has(t.error))",
    'context.tier == "enterprise"',
    'agent.id.startsWith("experimental-")',
    "signals.novelty != null && signals.novelty > 0.7",
    "signals.history.overrideRate != null && signals.history.overrideRate > 0.2",
    "has(signals.agent.retrieval) && signals.agent.retrieval < 0.3",
    'summary != null && summary.contains("urgent")',
    "signals.pii.iban || signals.pii.nationalId",
    'action.type == "support.reply" && has(action.payload.body) && size(action.payload.body) > 2000',
    "agentConfidence != null && agentConfidence < 0.2",
    "signals.amount != null && signals.amount > 500.0",
    "action.payload.amount * 2.0 > 300.0",
  ];
  const routes = ["block", "escalate", "needs_info", "review", "auto"];
  return rules
    .map((when, i) => `  - { id: rule-${i}, when: '${when}', route: ${routes[i % routes.length]} }`)
    .join("\n");
}

test("a 20-rule policy compiles and routes one proposal well under 1 ms (printed, not asserted)", () => {
  const text = `version: 1\nactions:\n  billing.refund: { reversible: compensate, autonomy: threshold, sampling: 0.05 }\nrules:\n${twentyRules()}\n`;
  load(text); // the first load also warms up the YAML, Zod, CEL and Ajv code paths
  const loadStart = performance.now();
  const policy = load(text);
  const loadMs = performance.now() - loadStart;
  const input = routeInput(
    "billing.refund",
    { orderId: "o-1", amount: 150.5, note: "x".repeat(200) },
    {
      summary: "refund for a damaged item",
      evidence: [{ source: "orders", score: 0.95, snippet: "order o-1" }],
      toolCalls: [{ name: "lookup_order", output: { ok: true } }],
      context: { tier: "pro" },
      confidence: 0.7,
      agentConfidence: 0.7,
      signals: quietSignals({ grounding: 0.9, sentiment: 0.1, amount: 150.5, agent: { retrieval: 0.8 } }),
    },
  );
  for (let i = 0; i < 3000; i++) routeProposal(policy, { ...input, proposalId: `warm_${i}` });
  const runs = 10_000;
  const start = performance.now();
  for (let i = 0; i < runs; i++) routeProposal(policy, { ...input, proposalId: `prop_${i}` });
  const perRouteMs = (performance.now() - start) / runs;
  console.log(
    `20-rule policy: loadPolicy ${loadMs.toFixed(1)} ms; routeProposal ${(perRouteMs * 1000).toFixed(1)} µs per proposal (mean of ${runs})`,
  );
  expect(routeProposal(policy, input).route.reasons.length).toBeGreaterThan(0);
});
