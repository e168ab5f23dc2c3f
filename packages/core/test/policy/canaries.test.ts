import { describe, expect, test } from "vitest";
import { canaryFor, loadPolicy, withoutCanaries } from "../../src/policy/index.ts";
import { load, problemsOf } from "./support.ts";

const POLICY = `version: 1
actions:
  billing.refund:
    payload: { type: object, required: [amount], properties: { amount: { type: number } } }
    review: { queue: billing }
queues:
  billing: { blindReview: true }
canaries:
  rate: 0.5
  queues: [billing]
  proposals:
    - name: refund-twice
      agent: support-bot
      proposal: { action: { type: billing.refund, payload: { amount: 900 } }, summary: Refund again }
    - name: refund-all
      agent: support-bot
      proposal: { action: { type: billing.refund, payload: { amount: 5000 } } }
      expect: escalate
`;

describe("canaries in the policy", () => {
  test("a valid section loads, with blindReview on a queue", () => {
    const policy = load(POLICY);
    expect(policy.document.canaries?.proposals.map((c) => [c.name, c.expect])).toEqual([
      ["refund-twice", "reject"],
      ["refund-all", "escalate"],
    ]);
    expect(policy.document.queues.billing?.blindReview).toBe(true);
  });

  test("unknown action types, invalid payloads, unknown queues and duplicate names are problems with lines", () => {
    const problems = problemsOf(`version: 1
actions:
  billing.refund:
    payload: { type: object, required: [amount], properties: { amount: { type: number } } }
canaries:
  rate: 0.02
  queues: [nowhere]
  proposals:
    - name: a
      agent: bot
      proposal: { action: { type: billing.refund, payload: { amount: "lots" } } }
    - name: a
      agent: bot
      proposal: { action: { type: nope.nope, payload: {} } }
`);
    expect(problems.map((p) => [p.path, p.line])).toEqual([
      ["canaries.queues[0]", 7],
      ["canaries.proposals[0].proposal.action.payload.amount", 11],
      ["canaries.proposals[1].name", 12],
      ["canaries.proposals[1].proposal.action.type", 14],
    ]);
    expect(problems[3]?.message).toMatch(/not declared under actions/);
  });

  test("a rate above one half and an unknown field are refused", () => {
    const problems = problemsOf(`version: 1
canaries:
  rate: 0.9
  proposals:
    - { name: a, agent: bot, proposal: { action: { type: a.b } }, colour: red }
`);
    expect(problems.map((p) => p.path)).toEqual(["canaries.rate", "canaries.proposals[0].colour"]);
  });

  test("seeding is deterministic per triggering proposal id, limited to the listed queues, near the rate", () => {
    const canaries = load(POLICY).document.canaries;
    const ids = Array.from({ length: 2000 }, (_, i) => `0190-${i}`);
    const picks = ids.map((id) => canaryFor(canaries, id, "billing")?.name ?? null);
    expect(ids.map((id) => canaryFor(canaries, id, "billing")?.name ?? null)).toEqual(picks);
    const seeded = picks.filter((p) => p !== null);
    expect(seeded.length / ids.length).toBeGreaterThan(0.45);
    expect(seeded.length / ids.length).toBeLessThan(0.55);
    expect(new Set(seeded)).toEqual(new Set(["refund-twice", "refund-all"]));
    expect(ids.every((id) => canaryFor(canaries, id, "support") === null)).toBe(true);
    expect(canaryFor(undefined, "x", "billing")).toBeNull();
  });

  test("a reviewer's copy of the text leaves the canaries out and still loads", () => {
    const text = `# the desk\n${POLICY}rules: []\n`;
    const copy = withoutCanaries(text);
    expect(copy).not.toContain("refund-twice");
    expect(copy).not.toMatch(/^canaries:/m);
    expect(copy).toContain("# the desk");
    expect(copy).toContain("blindReview: true");
    expect(copy).toContain("# canaries: withheld from reviewers");
    const loaded = loadPolicy(copy, { version: 1 });
    expect(loaded.ok && loaded.policy.document.canaries).toBeUndefined();
    expect(withoutCanaries("version: 1\n")).toBe("version: 1\n");
  });
});
