import { describe, expect, test } from "vitest";
import type { AutonomyStage, RouteVerdict } from "../../src/lifecycle/statuses.ts";
import { type CompiledPolicy, isSampled, routeProposal } from "../../src/policy/index.ts";
import { load, routeInput } from "./support.ts";

/** One action type per stage; `context.route` picks the rules' verdict so each stage sees every verdict. */
function policyWith(stage: AutonomyStage, options: { reversible?: string; sampling?: number } = {}) {
  return load(`
version: 1
actions:
  crm.update:
    reversible: ${options.reversible ?? "true"}
    autonomy: ${stage}
    sampling: ${options.sampling ?? 0}
    review: { queue: crm }
rules:
  - { id: block, when: context.route == "block", route: block }
  - { id: escalate, when: context.route == "escalate", route: escalate, queue: crm-leads }
  - { id: needs-info, when: context.route == "needs_info", route: needs_info }
  - { id: review, when: context.route == "review", route: review }
  - { id: auto, when: context.route == "auto", route: auto }
`);
}

function route(
  stage: AutonomyStage,
  verdict: RouteVerdict,
  options: { sampling?: number; id?: string } = {},
) {
  return routeProposal(
    policyWith(stage, options),
    routeInput("crm.update", {}, { context: { route: verdict }, proposalId: options.id ?? "prop_1" }),
  );
}

/** A proposal id that is (or is not) in the sampled share at `rate`. */
function idWhere(sampled: boolean, rate: number): string {
  for (let i = 0; ; i++) if (isSampled(`prop_${i}`, rate) === sampled) return `prop_${i}`;
}

describe("autonomy stages", () => {
  test.each(["observe", "review_all", "threshold", "post_review", "sample_only"] as const)(
    "%s never relaxes block, escalate or needs_info",
    (stage) => {
      expect(route(stage, "block").route.verdict).toBe("block");
      expect(route(stage, "escalate").route.verdict).toBe("escalate");
      expect(route(stage, "needs_info").route.verdict).toBe("needs_info");
      expect(route(stage, "block").review).toBeNull();
      expect(route(stage, "needs_info").review).toBeNull();
    },
  );

  test("observe: auto and review become a shadow review; escalate is a shadow review in the escalation queue", () => {
    for (const verdict of ["auto", "review"] as const) {
      const decision = route("observe", verdict);
      expect(decision.route).toMatchObject({ verdict: "review", stage: "observe" });
      expect(decision.route.reasons.at(-1)).toMatchObject({ rule: "stage:observe", route: "review" });
      expect(decision.review).toMatchObject({ kind: "shadow", queue: "crm", level: 0 });
    }
    expect(route("observe", "escalate").review).toMatchObject({
      kind: "shadow",
      queue: "crm-leads",
      level: 1,
    });
  });

  test("review_all: auto becomes review", () => {
    const decision = route("review_all", "auto");
    expect(decision.route.verdict).toBe("review");
    expect(decision.route.reasons.at(-1)).toMatchObject({ rule: "stage:review_all", route: "review" });
    expect(decision.review).toMatchObject({ kind: "review", queue: "crm" });
    expect(route("review_all", "review").route.reasons.map((reason) => reason.rule)).toEqual(["review"]);
  });

  test("threshold: the rules' route stands", () => {
    expect(route("threshold", "auto")).toMatchObject({
      route: { verdict: "auto", sampled: false },
      review: null,
    });
    expect(route("threshold", "review").review).toMatchObject({ kind: "review" });
  });

  test("post_review: review becomes auto with a review afterwards", () => {
    const decision = route("post_review", "review");
    expect(decision.route.verdict).toBe("auto");
    expect(decision.route.reasons.at(-1)).toMatchObject({ rule: "stage:post_review", route: "auto" });
    expect(decision.review).toMatchObject({
      kind: "post_review",
      queue: "crm",
      level: 0,
      approvalsRequired: 1,
    });
  });

  test("post_review on an irreversible type is refused at load, and ignored if routing meets it anyway", () => {
    expect(() => policyWith("post_review", { reversible: "false" })).toThrow(/post_review/);
    const loaded = policyWith("post_review");
    const settings = loaded.actionTypes.get("crm.update")!;
    const irreversible: CompiledPolicy = {
      ...loaded,
      actionTypes: new Map([["crm.update", { ...settings, reversible: false }]]),
    };
    const decision = routeProposal(
      irreversible,
      routeInput("crm.update", {}, { context: { route: "review" } }),
    );
    expect(decision.route.verdict).toBe("review");
    expect(decision.route.reasons.at(-1)).toMatchObject({ rule: "stage:post_review", route: "review" });
    expect(decision.review).toMatchObject({ kind: "review" });
  });

  test("sample_only: review becomes auto apart from the sampled share, which stays review", () => {
    const unsampled = route("sample_only", "review", { sampling: 0.3, id: idWhere(false, 0.3) });
    expect(unsampled.route).toMatchObject({ verdict: "auto", sampled: false });
    expect(unsampled.route.reasons.at(-1)).toMatchObject({ rule: "stage:sample_only", route: "auto" });
    expect(unsampled.review).toBeNull();

    const sampled = route("sample_only", "review", { sampling: 0.3, id: idWhere(true, 0.3) });
    expect(sampled.route).toMatchObject({ verdict: "review", sampled: true });
    expect(sampled.route.reasons.at(-1)).toMatchObject({ rule: "sampling", route: "review" });
    expect(sampled.review).toMatchObject({ kind: "review", queue: "crm" });
  });

  test.each(["threshold", "post_review", "sample_only"] as const)(
    "%s: a sampled auto route still runs and is reviewed afterwards",
    (stage) => {
      const sampled = route(stage, "auto", { sampling: 0.3, id: idWhere(true, 0.3) });
      expect(sampled.route).toMatchObject({ verdict: "auto", sampled: true });
      expect(sampled.route.reasons.at(-1)).toMatchObject({ rule: "sampling", route: "auto" });
      expect(sampled.review).toMatchObject({ kind: "post_review", queue: "crm" });

      const unsampled = route(stage, "auto", { sampling: 0.3, id: idWhere(false, 0.3) });
      expect(unsampled).toMatchObject({ route: { verdict: "auto", sampled: false }, review: null });
    },
  );

  test("review_all and observe do not sample", () => {
    expect(route("review_all", "auto", { sampling: 1 }).route.sampled).toBe(false);
    expect(route("observe", "auto", { sampling: 1 }).route.sampled).toBe(false);
  });
});
