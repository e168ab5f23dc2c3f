import { describe, expect, test } from "vitest";
import { routeProposal } from "../../src/policy/index.ts";
import { load, quietSignals, routeInput } from "./support.ts";

const POLICY = `
version: 1
defaults: { route: review, review: { sla: 4h, onExpiry: escalate } }
actions:
  support.reply:
    reversible: false
    review: { queue: support, sla: 2h, escalateTo: support-leads, priority: 1 }
  billing.refund:
    reversible: compensate
    review: { queue: billing, approvals: 2 }
queues:
  support: { sla: 3h, remindBefore: [30m], onExpiry: escalate, escalateTo: support-leads, capacity: 500 }
  support-leads: { sla: 1h, onExpiry: reject }
  billing: { escalateTo: billing-leads }
rules:
  - id: card-number-in-draft
    when: signals.pii.cardNumber
    route: block
    reason: The draft contains a card number
  - id: large-refund
    when: action.type == "billing.refund" && action.payload.amount > 100
    route: escalate
    queue: billing-leads
  - id: refund-needs-order
    when: action.type == "billing.refund" && !has(action.payload.orderId)
    route: needs_info
    reason: Say which order the refund is for
  - id: angry-customer
    when: signals.sentiment != null && signals.sentiment < -0.5
    route: review
    queue: support-priority
    priority: 5
  - id: confident-and-grounded
    when: confidence >= thresholds.auto && signals.grounding >= 0.8
    route: auto
`;

describe("routeProposal", () => {
  const policy = load(POLICY, 42);

  test("routes each of the five routes, with every matching rule as a reason and the policy version", () => {
    const block = routeProposal(
      policy,
      routeInput(
        "support.reply",
        { body: "card 4111…" },
        { signals: quietSignals({ pii: { ...quietSignals().pii, cardNumber: true, any: true } }) },
      ),
    );
    expect(block.route).toMatchObject({
      verdict: "block",
      policyVersion: 42,
      sampled: false,
      stage: "threshold",
    });
    expect(block.route.reasons.map((reason) => reason.rule)).toContain("card-number-in-draft");
    expect(block.route.reasons.find((reason) => reason.rule === "card-number-in-draft")?.message).toBe(
      "The draft contains a card number",
    );
    expect(block.review).toBeNull();

    const escalate = routeProposal(policy, routeInput("billing.refund", { orderId: "o-1", amount: 150 }));
    expect(escalate.route.verdict).toBe("escalate");
    expect(escalate.route.reasons).toEqual([
      {
        rule: "large-refund",
        route: "escalate",
        message: 'matched: action.type == "billing.refund" && action.payload.amount > 100',
      },
      expect.objectContaining({ rule: "confident-and-grounded", route: "review" }),
    ]);
    expect(escalate.review).toMatchObject({
      queue: "billing-leads",
      level: 1,
      kind: "review",
      approvalsRequired: 2,
    });

    const needsInfo = routeProposal(policy, routeInput("billing.refund", { amount: 20 }));
    expect(needsInfo.route.verdict).toBe("needs_info");
    expect(needsInfo.review).toBeNull();

    const review = routeProposal(
      policy,
      routeInput("support.reply", { body: "Hello" }, { signals: quietSignals({ sentiment: -0.9 }) }),
    );
    expect(review.route.verdict).toBe("review");
    expect(review.review).toMatchObject({ queue: "support-priority", level: 0, kind: "review", priority: 5 });

    const auto = routeProposal(
      policy,
      routeInput(
        "support.reply",
        { body: "Hello" },
        { confidence: 0.95, thresholdAuto: 0.9, signals: quietSignals({ grounding: 0.85 }) },
      ),
    );
    expect(auto.route).toMatchObject({
      verdict: "auto",
      reasons: [{ rule: "confident-and-grounded", route: "auto" }],
    });
    expect(auto.review).toBeNull();
  });

  test("the most restrictive matching route wins and all matches stay as reasons", () => {
    const decision = routeProposal(
      policy,
      routeInput(
        "billing.refund",
        { amount: 500 },
        {
          confidence: 0.99,
          thresholdAuto: 0.5,
          signals: quietSignals({
            grounding: 0.9,
            sentiment: -0.8,
            pii: { ...quietSignals().pii, cardNumber: true },
          }),
        },
      ),
    );
    expect(decision.route.verdict).toBe("block");
    expect(decision.route.reasons.map((reason) => [reason.rule, reason.route])).toEqual([
      ["card-number-in-draft", "block"],
      ["large-refund", "escalate"],
      ["refund-needs-order", "needs_info"],
      ["angry-customer", "review"],
      ["confident-and-grounded", "auto"],
    ]);
  });

  test("with no match the default route applies, with reason 'default'", () => {
    const decision = routeProposal(
      policy,
      routeInput(
        "support.reply",
        { body: "Hi" },
        { confidence: 0.3, signals: quietSignals({ grounding: 0.2 }) },
      ),
    );
    expect(decision.route.verdict).toBe("review");
    expect(decision.route.reasons).toEqual([
      { rule: "default", route: "review", message: "no rule matched: the default route is review" },
    ]);
    expect(decision.review).toEqual({
      queue: "support",
      slaMs: 2 * 3_600_000, // the action type's 2h wins over the queue's 3h
      onExpiry: "escalate",
      escalateTo: "support-leads",
      approvalsRequired: 1,
      priority: 1,
      level: 0,
      kind: "review",
      businessHours: null,
    });
  });

  test("a rule that fails to evaluate counts as matched with at least review (fail closed)", () => {
    // confidence is null: `null >= thresholds.auto` is an evaluation error, so the auto rule fails closed.
    const decision = routeProposal(
      policy,
      routeInput("support.reply", { body: "Hi" }, { signals: quietSignals({ grounding: 0.9 }) }),
    );
    expect(decision.route.verdict).toBe("review");
    const reason = decision.route.reasons.find((r) => r.rule === "confident-and-grounded");
    expect(reason?.route).toBe("review");
    expect(reason?.message).toMatch(/could not be evaluated.*fail closed.*no matching overload.*null/);
    expect(decision.route.reasons.some((r) => r.rule === "default")).toBe(false);
  });

  test("a failing escalate or block rule keeps its own, more restrictive route", () => {
    const strict = load(`
version: 1
actions: { billing.refund: { reversible: true } }
rules:
  - { id: big, when: action.payload.amount > 100, route: escalate }
  - { id: text, when: action.payload.amount, route: block }
`);
    const decision = routeProposal(strict, routeInput("billing.refund", { note: "no amount" }));
    expect(decision.route.verdict).toBe("block");
    expect(decision.route.reasons.map((r) => [r.rule, r.route])).toEqual([
      ["big", "escalate"],
      ["text", "block"],
    ]);
    expect(decision.route.reasons[0]?.message).toMatch(/field not found.*has\(\)/);
    expect(decision.route.reasons[1]?.message).toMatch(/field not found/);
    const numeric = routeProposal(strict, routeInput("billing.refund", { amount: 5 }));
    expect(numeric.route.reasons).toEqual([
      expect.objectContaining({
        rule: "text",
        route: "block",
        message: expect.stringMatching(/gave .*not true or false/),
      }),
    ]);
  });

  test.each([150, 150.5, 101, 100.0001])("action.payload.amount > 100 holds for amount %s", (amount) => {
    expect(routeProposal(policy, routeInput("billing.refund", { orderId: "o", amount })).route.verdict).toBe(
      "escalate",
    );
  });

  test.each([100, 99.5, 0])("action.payload.amount > 100 does not hold for amount %s", (amount) => {
    expect(
      routeProposal(policy, routeInput("billing.refund", { orderId: "o", amount })).route.verdict,
    ).not.toBe("escalate");
  });

  test("double comparisons with int and double literals: confidence >= 0.8, signals.grounding >= 0.8", () => {
    const numbers = load(`
version: 1
actions: { support.reply: {} }
rules:
  - { id: confident, when: confidence >= 0.8 && agentConfidence >= 1 - 1 && signals.grounding >= 0.8, route: auto }
  - { id: whole, when: action.payload.count == 3 && action.payload.count < 4, route: auto }
`);
    const auto = (confidence: number, grounding: number) =>
      routeProposal(
        numbers,
        routeInput(
          "support.reply",
          {},
          { confidence, agentConfidence: 0.5, signals: quietSignals({ grounding }) },
        ),
      ).route.reasons.some((reason) => reason.rule === "confident" && reason.route === "auto");
    expect(auto(0.8, 0.8)).toBe(true);
    expect(auto(1, 1)).toBe(true);
    expect(auto(0.79, 0.9)).toBe(false);
    expect(auto(0.9, 0.79)).toBe(false);
    const whole = routeProposal(numbers, routeInput("support.reply", { count: 3 }, { confidence: 0 }));
    expect(whole.route.reasons.map((reason) => reason.rule)).toContain("whole");
  });

  test("the CEL variables are all bound: request, summary, evidence, toolCalls, context, agent, signals.agent", () => {
    const variables = load(`
version: 1
actions: { support.reply: {} }
rules:
  - id: all
    route: escalate
    when: >-
      request.text.contains("refund") && summary == "s" && size(evidence) == 1 && evidence[0].score > 0.5 &&
      toolCalls.exists(t, t.name == "lookup") && context.tier == "gold" && agent.id == "agent_1" &&
      agent.name.lowerAscii() == "support bot" && signals.agent.retrieval >= 0.7 && signals.agentConfidence == 0.6 &&
      agentConfidence == 0.6 && thresholds.auto > 1.0
`);
    const decision = routeProposal(
      variables,
      routeInput(
        "support.reply",
        {},
        {
          request: { text: "I want a refund" },
          summary: "s",
          evidence: [{ source: "kb", score: 0.9 }],
          toolCalls: [{ name: "lookup" }],
          context: { tier: "gold" },
          agentConfidence: 0.6,
          signals: quietSignals({ agentConfidence: 0.6, agent: { retrieval: 0.75 } }),
        },
      ),
    );
    expect(decision.route.reasons).toEqual([expect.objectContaining({ rule: "all", route: "escalate" })]);
  });

  test("is deterministic: the same input gives the same decision", () => {
    const input = routeInput("billing.refund", { orderId: "o", amount: 150 });
    expect(routeProposal(policy, input)).toEqual(routeProposal(policy, input));
  });

  test("an undeclared action type is blocked", () => {
    const decision = routeProposal(policy, routeInput("crm.update", {}));
    expect(decision.route).toMatchObject({ verdict: "block", reasons: [{ rule: "policy", route: "block" }] });
    expect(decision.review).toBeNull();
  });

  test("an escalation without a rule queue goes to the action type's escalateTo, with that queue's settings", () => {
    const escalating = load(`
version: 1
actions:
  support.reply: { review: { queue: support, sla: 2h } }
queues:
  support: { escalateTo: support-leads }
  support-leads: { sla: 1h, onExpiry: reject }
rules:
  - { id: threat, when: '"legal" in signals.topics', route: escalate }
`);
    const decision = routeProposal(
      escalating,
      routeInput("support.reply", {}, { signals: quietSignals({ topics: ["legal"] }) }),
    );
    expect(decision.review).toEqual({
      queue: "support-leads",
      slaMs: 3_600_000,
      onExpiry: "reject",
      escalateTo: null,
      approvalsRequired: 1,
      priority: 0,
      level: 1,
      kind: "review",
      businessHours: null,
    });
  });
});
