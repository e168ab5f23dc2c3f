import { describe, expect, test } from "vitest";
import {
  type BreakerCounts,
  demotionTarget,
  nextStage,
  promotionCriteria,
  readBreakers,
  stagesAbove,
} from "../../src/learning/index.ts";
import { DEFAULT_BREAKERS, DEFAULT_PROMOTION, routeProposal } from "../../src/policy/index.ts";
import { load, problemsOf, routeInput } from "../policy/support.ts";

const counts = (overrides: Partial<BreakerCounts> = {}): BreakerCounts => ({
  finalDecisions: 0,
  overridden: 0,
  executionsFinished: 0,
  executionsSucceeded: 0,
  executionsFailed: 0,
  rollbacks: 0,
  incidents: 0,
  ...overrides,
});

describe("stages", () => {
  test("promotions go up one stage at a time, skipping post_review for irreversible actions", () => {
    expect(nextStage("observe", false)).toBe("review_all");
    expect(nextStage("review_all", false)).toBe("threshold");
    expect(nextStage("threshold", false)).toBe("sample_only");
    expect(nextStage("threshold", "compensate")).toBe("post_review");
    expect(nextStage("sample_only", true)).toBeNull();
    expect(stagesAbove("review_all", true)).toEqual(["threshold", "post_review", "sample_only"]);
  });
});

describe("promotionCriteria", () => {
  const evidence = { decisions: 240, overrideRate: 0.06, calibrationError: 0.02, from: null, to: null };

  test("every criterion met", () => {
    const criteria = promotionCriteria(evidence, DEFAULT_PROMOTION, "threshold");
    expect(criteria.map((c) => [c.name, c.met])).toEqual([
      ["decisions", true],
      ["overrideRate", true],
      ["calibrationError", true],
    ]);
  });

  test("too few decisions, too many overrides, no calibration map: each criterion says so", () => {
    const criteria = promotionCriteria(
      { decisions: 12, overrideRate: 0.25, calibrationError: null, from: null, to: null },
      DEFAULT_PROMOTION,
      "threshold",
    );
    expect(criteria).toEqual([
      { name: "decisions", value: 12, bound: 200, comparison: "at_least", met: false },
      { name: "overrideRate", value: 0.25, bound: 0.1, comparison: "at_most", met: false },
      { name: "calibrationError", value: null, bound: 0.05, comparison: "at_most", met: false },
    ]);
  });

  test("calibration is judged for threshold, and above it only when the agent has a map", () => {
    const noMap = { ...evidence, calibrationError: null };
    expect(promotionCriteria(noMap, DEFAULT_PROMOTION, "review_all").map((c) => c.name)).not.toContain(
      "calibrationError",
    );
    expect(promotionCriteria(noMap, DEFAULT_PROMOTION, "post_review").map((c) => c.name)).not.toContain(
      "calibrationError",
    );
    const poor = { ...evidence, calibrationError: 0.09 };
    expect(promotionCriteria(poor, DEFAULT_PROMOTION, "sample_only").find((c) => !c.met)?.name).toBe(
      "calibrationError",
    );
  });
});

describe("readBreakers and demotionTarget", () => {
  const settings = { ...DEFAULT_BREAKERS, minEvents: 10, override: 0.3, incident: 0.02 };

  test("a rate over its bound trips only with enough opportunities", () => {
    const few = readBreakers(counts({ finalDecisions: 5, overridden: 4 }), settings);
    expect(few.find((r) => r.name === "override")).toMatchObject({ rate: 0.8, tripped: false });
    const many = readBreakers(counts({ finalDecisions: 12, overridden: 8 }), settings);
    expect(many.find((r) => r.name === "override")).toMatchObject({
      rate: 8 / 12,
      events: 8,
      opportunities: 12,
      tripped: true,
    });
  });

  test("each breaker has its own denominator", () => {
    const readings = readBreakers(
      counts({
        executionsFinished: 50,
        executionsSucceeded: 40,
        executionsFailed: 10,
        rollbacks: 1,
        incidents: 2,
      }),
      settings,
    );
    expect(Object.fromEntries(readings.map((r) => [r.name, r.rate]))).toEqual({
      override: null,
      incident: 2 / 40,
      rollback: 1 / 40,
      executor_failure: 10 / 50,
    });
    expect(readings.filter((r) => r.tripped).map((r) => r.name)).toEqual(["incident", "executor_failure"]);
  });

  test("a turned-off breaker is not read", () => {
    const readings = readBreakers(counts(), { ...settings, rollback: null });
    expect(readings.map((r) => r.name)).toEqual(["override", "incident", "executor_failure"]);
  });

  test("demotes to demoteTo, naming the breaker furthest over its bound; never below demoteTo", () => {
    const readings = readBreakers(
      counts({
        finalDecisions: 20,
        overridden: 7,
        executionsSucceeded: 20,
        executionsFinished: 20,
        incidents: 5,
      }),
      settings,
    );
    expect(demotionTarget("sample_only", readings, settings)).toMatchObject({
      to: "review_all",
      breaker: { name: "incident" },
    });
    expect(demotionTarget("review_all", readings, settings)).toBeNull();
    expect(demotionTarget("threshold", readBreakers(counts(), settings), settings)).toBeNull();
  });
});

describe("policy: promotion and breakers", () => {
  test("resolve over defaults; false turns breakers off", () => {
    const policy = load(`
version: 1
defaults: { promotion: { minDecisions: 50 }, breakers: { window: 90m, override: 0.25 } }
actions:
  a.one: { reversible: true, breakers: { incident: false, demoteTo: threshold } }
  a.two: { breakers: false, promotion: { maxOverrideRate: 0.05 } }
  a.three: {}
`);
    const one = policy.actionTypes.get("a.one")!;
    expect(one.promotion).toEqual({ minDecisions: 50, maxOverrideRate: 0.1, maxCalibrationError: 0.05 });
    expect(one.breakers).toMatchObject({
      windowMs: 90 * 60_000,
      override: 0.25,
      incident: null,
      demoteTo: "threshold",
    });
    expect(policy.actionTypes.get("a.two")!.breakers).toBeNull();
    expect(policy.actionTypes.get("a.two")!.promotion.maxOverrideRate).toBe(0.05);
    expect(policy.actionTypes.get("a.three")!.breakers).toEqual({
      ...DEFAULT_BREAKERS,
      windowMs: 90 * 60_000,
      override: 0.25,
    });
  });

  test("bad settings are problems with their path", () => {
    const problems = problemsOf(`
version: 1
actions:
  a.one: { breakers: { override: 1.5, minEvents: 0 }, promotion: { minDecisions: -1 } }
`);
    expect(problems.map((p) => p.path)).toEqual(
      expect.arrayContaining([
        "actions.a.one.breakers.override",
        "actions.a.one.breakers.minEvents",
        "actions.a.one.promotion.minDecisions",
      ]),
    );
  });

  test("routing uses the stage in force over the policy file's", () => {
    const policy = load(`
version: 1
actions:
  crm.update: { reversible: true, autonomy: review_all }
rules:
  - { id: look, when: "true", route: review }
`);
    const input = routeInput("crm.update", { id: 1 });
    expect(routeProposal(policy, input).route).toMatchObject({ verdict: "review", stage: "review_all" });
    const promoted = routeProposal(policy, { ...input, stage: "post_review" });
    expect(promoted.route).toMatchObject({ verdict: "auto", stage: "post_review" });
    expect(promoted.review?.kind).toBe("post_review");
  });
});
