import type { RouteVerdict } from "../lifecycle/statuses.ts";
import type { Route, RouteReason } from "../wire/proposal.ts";
import { applyStage } from "./autonomy-stage.ts";
import { resistBypass } from "./bypass-route.ts";
import type { CompiledPolicy, CompiledRule } from "./compiled-policy.ts";
import { applyOverload } from "./overload.ts";
import { planReview, type ReviewPlan } from "./review-plan.ts";
import { celBindings, type RouteInput } from "./route-input.ts";
import { moreRestrictive } from "./route-order.ts";
import { evaluateRule, RuleBindings } from "./rule-evaluation.ts";
import { resolveDefaults } from "./settings.ts";

/** The route for a proposal and, when it opens one, the review to create. */
export interface RouteDecision {
  route: Route;
  review: ReviewPlan | null;
  /**
   * Set when the policy's `overload` section holds the proposal (its agent is paused while the queue
   * is past capacity): the reason to record. The caller holds it as a stop would; routing again after
   * the queue drops below capacity decides it.
   */
  hold?: RouteReason;
}

/** A rule that matched, or failed to evaluate and so counts as matched. */
interface RuleMatch {
  rule: CompiledRule;
  /** The rule's route, or at least `review` when its evaluation failed. */
  route: RouteVerdict;
  message: string;
}

/**
 * Routes one proposal under a compiled policy (SPEC §4). Every rule is evaluated and every match kept as a
 * reason; the most restrictive matching route wins (`block` > `escalate` > `needs_info` > `review` >
 * `auto`); with no match the default route applies. A rule whose `when` fails to evaluate or gives no
 * boolean counts as matched with the more restrictive of its route and `review` (fail closed). The action
 * type's autonomy stage and sampling then apply (see `applyStage`), and the review is planned (see
 * `planReview`). Pure and deterministic: the same input and policy version always give the same decision.
 *
 * An action type the policy does not declare is blocked; the server refuses such proposals before routing.
 *
 * @example
 * ```ts
 * const { route, review } = routeProposal(policy, {
 *   proposalId: "prop_1",
 *   action: { type: "billing.refund", payload: { amount: 250 } },
 *   request: null, summary: null, evidence: [], toolCalls: [], context: {},
 *   agent: { id: "refund-bot", name: "Refund bot" },
 *   signals, confidence: 0.7, agentConfidence: 0.7, thresholdAuto: 1.01,
 * });
 * // route.verdict === "escalate", route.reasons[0].rule === "large-refund", review?.queue === "billing-leads"
 * ```
 */
export function routeProposal(policy: CompiledPolicy, input: RouteInput): RouteDecision {
  const settings = policy.actionTypes.get(input.action.type);
  if (settings === undefined) {
    const message = `action type "${input.action.type}" is not declared in policy version ${policy.version}`;
    return {
      route: {
        verdict: "block",
        reasons: [{ rule: "policy", route: "block", message }],
        policyVersion: policy.version,
        sampled: false,
        stage: "observe",
      },
      review: null,
    };
  }

  const matches = matchRules(policy.rules, input);
  const reasons: RouteReason[] = matches.map((match) => ({
    rule: match.rule.id,
    route: match.route,
    message: match.message,
  }));
  let verdict: RouteVerdict;
  if (matches.length === 0) {
    verdict = resolveDefaults(policy.document).route;
    reasons.push({
      rule: "default",
      route: verdict,
      message: `no rule matched: the default route is ${verdict}`,
    });
  } else {
    verdict = matches.map((match) => match.route).reduce(moreRestrictive);
  }

  const stage = input.stage ?? settings.autonomy;
  const staged = resistBypass(
    applyStage(
      verdict,
      stage === settings.autonomy ? settings : { ...settings, autonomy: stage },
      input.proposalId,
    ),
    input,
  );
  reasons.push(...staged.reasons);
  const winners = matches.filter((match) => match.route === verdict);
  const priorities = matches.flatMap((match) => (match.rule.priority === null ? [] : [match.rule.priority]));
  const review =
    staged.reviewKind === null
      ? null
      : planReview(policy, {
          settings,
          level: staged.verdict === "escalate" ? 1 : 0,
          kind: staged.reviewKind,
          ruleQueue: winners.find((match) => match.rule.queue !== null)?.rule.queue ?? null,
          rulePriority: priorities.length === 0 ? null : Math.max(...priorities),
        });
  const load = review === null ? undefined : input.overloaded?.get(review.queue);
  const overload = load === undefined || review === null ? undefined : policy.overload.get(review.queue);
  if (overload === undefined || load === undefined || review === null) {
    return {
      route: {
        verdict: staged.verdict,
        reasons,
        policyVersion: policy.version,
        sampled: staged.sampled,
        stage,
      },
      review,
    };
  }
  const effect = applyOverload(overload, {
    verdict: staged.verdict,
    review,
    stage,
    agentId: input.agent.id,
    load,
    bindings: () => celBindings(input),
  });
  reasons.push(...effect.reasons);
  return {
    route: {
      verdict: effect.verdict ?? staged.verdict,
      reasons,
      policyVersion: policy.version,
      sampled: effect.verdict === "auto" ? false : staged.sampled,
      stage,
    },
    review: effect.review,
    ...(effect.hold === null ? {} : { hold: effect.hold }),
  };
}

/** Evaluates every rule, in file order, and returns the ones that matched or failed closed. */
function matchRules(rules: readonly CompiledRule[], input: RouteInput): RuleMatch[] {
  if (rules.length === 0) return [];
  const bindings = new RuleBindings(input);
  const matches: RuleMatch[] = [];
  for (const rule of rules) {
    const result = evaluateRule(rule, bindings);
    if (result.ok) {
      if (result.value)
        matches.push({ rule, route: rule.route, message: rule.reason ?? `matched: ${rule.when}` });
      continue;
    }
    const route = moreRestrictive(rule.route, "review");
    matches.push({
      rule,
      route,
      message: `could not be evaluated, so it counts as matched with route ${route} (fail closed): ${result.error}`,
    });
  }
  return matches;
}
