import { describe, expect, test } from "vitest";
import {
  DEFAULT_BREAKERS,
  DEFAULT_PROMOTION,
  escalationTarget,
  loadPolicy,
  queueSettings,
} from "../../src/policy/index.ts";
import { load, problemsOf } from "./support.ts";

describe("loadPolicy", () => {
  test("compiles a valid policy and resolves its defaults", () => {
    const policy = load(
      `
version: 1
defaults: { route: needs_info, review: { sla: 6h, queue: triage } }
actions:
  support.reply:
    description: Send an email reply
    payload: { type: object, properties: { to: { type: string }, body: { type: string } } }
    execute: { via: webhook, url: "http://127.0.0.1:9000/send", secret: "env:HOOK", timeout: 10s, retry: { attempts: 3 } }
  billing.refund:
    reversible: compensate
    payload: { type: object, properties: { total: { type: number } } }
    amountField: total
    review: { queue: billing, approvals: 2, onExpiry: approve }
    autonomy: post_review
    sampling: 0.1
    targetErrorRate: 0.02
queues:
  billing: { sla: 1h, remindBefore: [10m, 30m], escalateTo: billing-leads, capacity: 50 }
rules:
  - { id: r1, when: "true", route: review, queue: special }
categories: [wrong_amount, wrong_tone]
signals: { topics: { legal: [lawyer, court] } }
`,
      9,
    );
    expect(policy.version).toBe(9);
    expect(policy.categories).toEqual(["wrong_amount", "wrong_tone"]);
    expect(policy.topics).toEqual({ legal: ["lawyer", "court"] });
    expect(policy.actionTypes.get("support.reply")).toEqual({
      name: "support.reply",
      description: "Send an email reply",
      reversible: false,
      payloadSchema: { type: "object", properties: { to: { type: "string" }, body: { type: "string" } } },
      execute: {
        via: "webhook",
        url: "http://127.0.0.1:9000/send",
        secret: "env:HOOK",
        timeoutMs: 10_000,
        retry: { attempts: 3 },
      },
      review: {
        queue: "triage",
        slaMs: 6 * 3_600_000,
        onExpiry: "escalate",
        escalateTo: null,
        approvals: 1,
        priority: 0,
      },
      autonomy: "threshold",
      promotion: DEFAULT_PROMOTION,
      breakers: DEFAULT_BREAKERS,
      sampling: 0,
      targetErrorRate: null,
      amountField: null,
      draftField: "body",
      mcpTool: null,
      mcpServer: null,
      bypass: { windowMs: 86_400_000, similarity: 0.9, tolerance: 0.05, entity: "context.entity" },
    });
    expect(policy.actionTypes.get("billing.refund")).toMatchObject({
      reversible: "compensate",
      execute: { via: "agent" },
      review: {
        queue: "billing",
        slaMs: 3_600_000,
        onExpiry: "approve",
        escalateTo: "billing-leads",
        approvals: 2,
      },
      autonomy: "post_review",
      sampling: 0.1,
      targetErrorRate: 0.02,
      amountField: "total",
    });
    expect([...policy.queues.keys()].sort()).toEqual(["billing", "billing-leads", "special", "triage"]);
    expect(queueSettings(policy, "billing")).toEqual({
      name: "billing",
      slaMs: 3_600_000,
      onExpiry: "escalate",
      escalateTo: "billing-leads",
      remindBeforeMs: [1_800_000, 600_000],
      capacity: 50,
      businessHours: null,
      notify: [],
    });
    expect(queueSettings(policy, "never-named")).toMatchObject({
      slaMs: 6 * 3_600_000,
      onExpiry: "escalate",
      escalateTo: null,
    });
    expect(escalationTarget(policy, "billing")).toBe("billing-leads");
    expect(escalationTarget(policy, "billing-leads")).toBeNull();
  });

  test("an empty rule set and no defaults are valid: the default queue is 'default', SLA 4h, escalate", () => {
    const policy = load("version: 1\nactions: { a.b: {} }\n");
    expect(policy.actionTypes.get("a.b")?.review).toEqual({
      queue: "default",
      slaMs: 4 * 3_600_000,
      onExpiry: "escalate",
      escalateTo: null,
      approvals: 1,
      priority: 0,
    });
  });
});

describe("loadPolicy problems carry the YAML line and column", () => {
  test("unknown field", () => {
    const problems = problemsOf(`version: 1
actions:
  support.reply:
    reversable: true
    autonomy: threshold
rules: []
`);
    expect(problems).toEqual([
      {
        path: "actions.support.reply.reversable",
        line: 4,
        column: 5,
        message: 'unknown field "reversable": remove it or check its spelling',
      },
    ]);
  });

  test("unknown top-level field and a bad enum value", () => {
    const problems = problemsOf(`version: 1
rulez: []
actions:
  a.b: { autonomy: yolo }
`);
    expect(problems).toEqual([
      expect.objectContaining({ path: "rulez", line: 2, column: 1 }),
      expect.objectContaining({
        path: "actions.a.b.autonomy",
        line: 4,
        message: "must be one of: observe, review_all, threshold, post_review, sample_only",
      }),
    ]);
  });

  test("CEL syntax error, positioned inside the expression", () => {
    const problems = problemsOf(`version: 1
actions: { billing.refund: { reversible: true } }
rules:
  - id: ok
    when: action.payload.amount > 100
    route: escalate
  - id: broken
    when: action.payload.amount > 100 &&
    route: escalate
`);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ path: "rules[1].when", line: 8, column: 11 + 29 - 1 });
    expect(problems[0]?.message).toMatch(/^invalid CEL: .*found/);
  });

  test("CEL in a quoted scalar and in a literal block", () => {
    const problems = problemsOf(`version: 1
rules:
  - id: quoted
    when: "signals.grounding >= )"
    route: auto
  - id: block
    route: auto
    when: |
      signals.grounding >= 0.8 &&
        confidence >=
`);
    expect(problems.map((p) => [p.path, p.line, p.column])).toEqual([
      ["rules[0].when", 4, 30], // the parser stops at ">=": column 19 of the expression, after `when: "`
      ["rules[1].when", 10, expect.any(Number)],
    ]);
  });

  test("an unknown CEL variable", () => {
    const problems = problemsOf(`version: 1
rules:
  - { id: typo, when: "signal.pii.cardNumber || evidence.exists(e, e.score > 0.5)", route: block }
`);
    expect(problems).toEqual([
      expect.objectContaining({
        path: "rules[0].when",
        line: 3,
        message: expect.stringMatching(/^unknown variable "signal": use action, request/),
      }),
    ]);
  });

  test("a when that can never give true or false, or compares kinds that never compare", () => {
    const text = `version: 1
rules:
  - { id: constant, when: '"x"', route: review }
  - { id: sum, when: "action.payload.amount + 1", route: review }
  - { id: mixed, when: 'signals.grounding >= "high"', route: review }
  - { id: fine, when: "signals.grounding != null && signals.grounding >= 0.8 && size(evidence) > 0", route: review }
  - { id: dynamic, when: "signals.agent.tier == 'gold' && action.payload.amount * 2.0 > 10", route: review }
`;
    expect(problemsOf(text).map((p) => [p.path, p.line, p.message.split(":")[0]])).toEqual([
      ["rules[0].when", 3, "gives a string, not true or false"],
      ["rules[1].when", 4, "gives a computed value, not true or false"],
      [
        "rules[2].when",
        5,
        "compares signals.grounding (a number) with a string, and values of different kinds never compare",
      ],
    ]);
    // A version the store accepted before this check existed still loads (its conditions fail closed when run).
    expect(loadPolicy(text, { version: 3, stored: true }).ok).toBe(true);
  });

  test("structural problems and CEL problems come in one report", () => {
    const problems = problemsOf(`version: 1
defaults:
  reviw: { queue: support }
rules:
  - { id: typo, when: "signal.pii.any", route: block }
  - { id: fine, when: "signals.pii.any", route: block }
  - { id: broken, when: "action.payload.amount >", route: review }
`);
    expect(problems.map((p) => p.path)).toEqual(["defaults.reviw", "rules[0].when", "rules[2].when"]);
  });

  test("an unknown CEL function", () => {
    const problems = problemsOf(`version: 1
rules:
  - { id: typo, when: "summary.lowercase() == 'x' && size(evidence) > 0", route: review }
`);
    expect(problems).toEqual([
      expect.objectContaining({
        path: "rules[0].when",
        line: 3,
        message: expect.stringMatching(/^unknown function "lowercase"/),
      }),
    ]);
  });

  test("post_review or onExpiry: approve on an irreversible action type", () => {
    const problems = problemsOf(`version: 1
actions:
  support.reply:
    reversible: false
    autonomy: post_review
  crm.delete:
    review: { queue: ops, onExpiry: approve }
  crm.note:
    review: { queue: notes }
  crm.update:
    reversible: true
    autonomy: post_review
    review: { queue: notes }
queues:
  notes: { onExpiry: approve }
`);
    expect(problems.map((p) => [p.path, p.line])).toEqual([
      ["actions.support.reply.autonomy", 5],
      ["actions.crm.delete.review.onExpiry", 7],
      ["queues.notes.onExpiry", 15],
    ]);
    expect(problems[0]?.message).toMatch(/not reversible/);
    expect(problems[1]?.message).toMatch(/use escalate, reject or expire/);
  });

  test("bad duration", () => {
    const problems = problemsOf(`version: 1
defaults:
  review: { sla: 4 hours }
queues:
  support: { sla: 2h, remindBefore: [30m, soon] }
  leads: { sla: 0s }
`);
    expect(problems).toEqual([
      expect.objectContaining({
        path: "defaults.review.sla",
        line: 3,
        column: 18,
        message: expect.stringMatching(/invalid duration "4 hours"/),
      }),
      expect.objectContaining({ path: "queues.support.remindBefore[1]", line: 5, column: 43 }),
      expect.objectContaining({ path: "queues.leads.sla", line: 6, message: "must be longer than zero" }),
    ]);
  });

  test("duplicate rule id", () => {
    const problems = problemsOf(`version: 1
rules:
  - id: large-refund
    when: "true"
    route: review
  - id: large-refund
    when: "false"
    route: escalate
`);
    expect(problems).toEqual([
      {
        path: "rules[1].id",
        line: 6,
        column: 9,
        message: 'duplicate rule id "large-refund" (also rules[0]): give each rule its own id',
      },
    ]);
  });

  test("invalid YAML", () => {
    const problems = problemsOf(`version: 1
rules:
  - id: a
    when: "unterminated
    route: review
`);
    // The YAML parser notices a missing closing quote only at the end of the file.
    expect(problems).toEqual([
      { path: "(file)", line: 6, column: 1, message: 'invalid YAML: Missing closing "quote' },
    ]);

    const nested = problemsOf(`version: 1
rules:
  - id: a
    reason: Legal wording: a person answers
`);
    expect(nested[0]).toMatchObject({
      path: "(file)",
      line: 4,
      message: expect.stringMatching(/^invalid YAML: Nested mappings/),
    });

    const duplicateKey = problemsOf("version: 1\nrules: []\nrules: []\n");
    expect(duplicateKey[0]).toMatchObject({ line: 3, message: expect.stringMatching(/unique/) });
  });

  test("sampling outside 0..1, invalid payload schema, unknown example action type", () => {
    const problems = problemsOf(`version: 1
actions:
  a.b:
    sampling: 1.5
  c.d:
    payload: { type: object, require: [x] }
  e.f:
    payload: { type: objekt }
examples:
  - name: one
    proposal: { action: { type: x.y, payload: {} } }
    expect: { route: review }
`);
    expect(problems.map((p) => [p.path, p.line])).toEqual([["actions.a.b.sampling", 4]]);
    const semantic = problemsOf(`version: 1
actions:
  c.d:
    payload: { type: object, require: [x] }
  e.f:
    payload: { type: objekt }
examples:
  - name: one
    proposal: { action: { type: x.y, payload: {} } }
    expect: { route: review, rules: [nope] }
`);
    expect(semantic.map((p) => [p.path, p.line])).toEqual([
      ["actions.c.d.payload", 4],
      ["actions.e.f.payload.type", 6],
      ["examples[0].proposal.action.type", 9],
      ["examples[0].expect.rules[0]", 10],
    ]);
    expect(semantic[0]?.message).toBe(
      'invalid JSON Schema: unknown keyword "require": check its spelling (e.g. required, properties, additionalProperties)',
    );
    expect(semantic[1]?.message).toMatch(
      /^invalid JSON Schema: must be one of "array", .*"object", "string"$/,
    );
  });

  test("a payload schema's own mistakes are named at each place inside it", () => {
    const problems = problemsOf(`version: 1
actions:
  support.reply:
    payload:
      type: object
      properties:
        body: { type: strin }
        n:
          minimum: "x"
      required: body
`);
    expect(problems.map((p) => [p.path, p.line])).toEqual([
      ["actions.support.reply.payload.properties.body.type", 7],
      ["actions.support.reply.payload.properties.n.minimum", 9],
      ["actions.support.reply.payload.required", 10],
    ]);
    expect(problems[1]?.message).toBe("invalid JSON Schema: must be number");
  });

  test("missing version, wrong types, a webhook without a URL, a queue on an auto rule", () => {
    const problems = problemsOf(`actions:
  a.b:
    execute: { via: webhook }
    review: { approvals: two }
rules:
  - { id: r, when: "true", route: auto, queue: q }
`);
    expect(problems.map((p) => [p.path, p.message])).toEqual([
      ["version", "is required: add version"],
      ["actions.a.b.execute.url", "is required when via is webhook: add the URL"],
      ["actions.a.b.review.approvals", "must be a number"],
    ]);
    const auto = problemsOf(`version: 1
rules:
  - { id: r, when: "true", route: auto, queue: q }
`);
    expect(auto).toEqual([expect.objectContaining({ path: "rules[0].queue", line: 3 })]);
  });

  test("an empty file", () => {
    expect(loadPolicy("", { version: 1 })).toEqual({
      ok: false,
      problems: [
        {
          path: "(file)",
          line: null,
          column: null,
          message: "the policy is empty: start it with version: 1",
        },
      ],
    });
  });
});
