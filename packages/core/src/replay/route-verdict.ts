import type { RouteVerdict } from "../lifecycle/statuses.ts";
import { applyStage } from "../policy/autonomy-stage.ts";
import { resistBypass } from "../policy/bypass-route.ts";
import type { CompiledPolicy } from "../policy/compiled-policy.ts";
import type { RouteInput } from "../policy/route-input.ts";
import { moreRestrictive } from "../policy/route-order.ts";
import { evaluateRule, RuleBindings } from "../policy/rule-evaluation.ts";
import { resolveDefaults } from "../policy/settings.ts";

/**
 * The verdict `routeProposal` gives, computed for replay without what replay does not read (the
 * reasons and their messages, the review plan): the same steps in the same order, by routing's own
 * functions — an undeclared action type is blocked; every rule is evaluated (`evaluateRule`: its
 * closure, or CEL) and the most restrictive match wins, a rule that fails to evaluate counting as
 * matched with at least `review`; the default route when none matched; then the autonomy stage,
 * sampling and bypass resistance. Queue overload is not replayed: how full a queue was when a
 * proposal came is not recorded, so every queue counts as within capacity. Replay also checks a
 * sample of records against `routeProposal` itself (see `PolicyReplay`).
 */
export class VerdictRouter {
  readonly #policy: CompiledPolicy;
  readonly #defaultRoute: RouteVerdict;

  constructor(policy: CompiledPolicy) {
    this.#policy = policy;
    this.#defaultRoute = resolveDefaults(policy.document).route;
  }

  /** The route verdict of one proposal, as `routeProposal(policy, input).route.verdict`. */
  verdict(input: RouteInput): RouteVerdict {
    const settings = this.#policy.actionTypes.get(input.action.type);
    if (settings === undefined) return "block";
    const rules = this.#policy.rules;
    let verdict: RouteVerdict | null = null;
    if (rules.length > 0) {
      const bindings = new RuleBindings(input);
      for (const rule of rules) {
        const result = evaluateRule(rule, bindings);
        const matched = result.ok
          ? result.value
            ? rule.route
            : null
          : moreRestrictive(rule.route, "review");
        if (matched !== null) verdict = verdict === null ? matched : moreRestrictive(verdict, matched);
      }
    }
    const stage = input.stage ?? settings.autonomy;
    const staged = applyStage(
      verdict ?? this.#defaultRoute,
      stage === settings.autonomy ? settings : { ...settings, autonomy: stage },
      input.proposalId,
    );
    return resistBypass(staged, input).verdict;
  }
}
