import type { RouteVerdict } from "../lifecycle/statuses.ts";
import type { Route, Signals } from "../wire/proposal.ts";
import type { CompiledPolicy, PolicyExample } from "./compiled-policy.ts";
import type { PolicyExampleSignals } from "./document.ts";
import { validatePayload } from "./payload-validation.ts";
import { routeProposal } from "./route-proposal.ts";

/** The result of routing one example proposal and comparing it with what the example expects. */
export interface PolicyExampleResult {
  name: string;
  ok: boolean;
  expected: { route: RouteVerdict; rules?: string[] };
  actual: Route;
  /** Why the example failed, or what it routed to when it passed. */
  message: string;
}

/** `thresholds.auto` for an example that sets none: above 1, i.e. confidence never routes it alone. */
const NO_AUTO_THRESHOLD = 2;

/**
 * Routes every example written beside the rules (`loopgate policy test`) and compares the result. Each
 * example is routed like a real proposal with the id `example:<name>`: `computeSignals` supplies Loopgate's
 * built-in signals for its proposal, the example's own `signals` are laid over them field by field,
 * `confidence` defaults to the proposal's agentConfidence, and `thresholds.auto` to never.
 *
 * An example passes when its verdict is the expected route, its payload fits the action type's schema, and,
 * if it lists `rules`, exactly those rules (by id, or `default`) are among the route's reasons.
 *
 * @example
 * ```ts
 * const results = runPolicyExamples(policy, (example) => computeBuiltInSignals(example.proposal));
 * const failed = results.filter((result) => !result.ok);
 * ```
 */
export function runPolicyExamples(
  policy: CompiledPolicy,
  computeSignals: (example: PolicyExample) => Signals,
): PolicyExampleResult[] {
  return policy.examples.map((example) => runExample(policy, example, computeSignals));
}

function runExample(
  policy: CompiledPolicy,
  example: PolicyExample,
  computeSignals: (example: PolicyExample) => Signals,
): PolicyExampleResult {
  const { proposal } = example;
  const signals = overlaySignals(computeSignals(example), example.signals);
  const agentConfidence = signals.agentConfidence ?? proposal.signals.agentConfidence ?? null;
  const agent = example.agent ?? "example-agent";
  const { route } = routeProposal(policy, {
    proposalId: `example:${example.name}`,
    action: proposal.action,
    request: proposal.request ?? null,
    summary: proposal.summary ?? null,
    evidence: proposal.evidence,
    toolCalls: proposal.toolCalls,
    context: proposal.context,
    agent: { id: agent, name: agent },
    signals: { ...signals, agentConfidence },
    confidence: example.confidence ?? agentConfidence,
    agentConfidence,
    thresholdAuto: example.thresholds?.auto ?? NO_AUTO_THRESHOLD,
  });
  const failures: string[] = [];
  const issues = validatePayload(policy, proposal.action.type, proposal.action.payload);
  if (issues.length > 0) {
    failures.push(
      `its payload is invalid: ${issues.map((issue) => `${issue.path} ${issue.message}`).join("; ")}`,
    );
  }
  if (route.verdict !== example.expect.route) {
    failures.push(`expected route ${example.expect.route}, got ${route.verdict} (${describeReasons(route)})`);
  }
  if (example.expect.rules !== undefined) {
    const ruleIds = new Set(["default", ...policy.rules.map((rule) => rule.id)]);
    const matched = new Set(route.reasons.map((reason) => reason.rule).filter((id) => ruleIds.has(id)));
    const expected = new Set(example.expect.rules);
    const missing = [...expected].filter((id) => !matched.has(id));
    const extra = [...matched].filter((id) => !expected.has(id));
    if (missing.length > 0 || extra.length > 0) {
      const parts = [
        missing.length > 0 ? `expected to match ${missing.join(", ")}` : null,
        extra.length > 0 ? `also matched ${extra.join(", ")}` : null,
      ].filter((part) => part !== null);
      failures.push(`rules differ: ${parts.join("; ")}`);
    }
  }
  return {
    name: example.name,
    ok: failures.length === 0,
    expected: example.expect,
    actual: route,
    message: failures.length === 0 ? `routed ${route.verdict} as expected` : failures.join("; "),
  };
}

function describeReasons(route: Route): string {
  return route.reasons.map((reason) => `${reason.rule}: ${reason.message}`).join("; ");
}

/**
 * Lays an example's hand-set signals over the computed ones. `pii`, `history` and `agent` merge field by
 * field; `pii.any` follows the other PII flags unless the example sets it too.
 */
export function overlaySignals(computed: Signals, overlay: PolicyExampleSignals | undefined): Signals {
  if (overlay === undefined) return computed;
  const { pii, history, agent, topics, ...numbers } = overlay;
  const merged: Signals = {
    ...computed,
    ...Object.fromEntries(Object.entries(numbers).filter(([, value]) => value !== undefined)),
    topics: topics ?? computed.topics,
    history: { ...computed.history, ...definedFields(history) },
    agent: { ...computed.agent, ...agent },
    pii: { ...computed.pii, ...definedFields(pii) },
  };
  if (pii !== undefined && pii.any === undefined) {
    const { email, phone, cardNumber, iban, nationalId } = merged.pii;
    merged.pii.any = email || phone || cardNumber || iban || nationalId;
  }
  return merged;
}

function definedFields<T extends object>(value: T | undefined): Partial<T> {
  if (value === undefined) return {};
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;
}
