import { type CompiledPolicy, loadPolicy, type RouteInput } from "../../src/policy/index.ts";
import type { Signals } from "../../src/wire/proposal.ts";

/** Signals with nothing detected, as the built-in detectors give for a plain payload. */
export function quietSignals(overrides: Partial<Signals> = {}): Signals {
  return {
    pii: { email: false, phone: false, cardNumber: false, iban: false, nationalId: false, any: false },
    topics: [],
    grounding: null,
    sentiment: null,
    amount: null,
    novelty: null,
    history: { overrideRate: null },
    agentConfidence: null,
    agent: {},
    ...overrides,
  };
}

/** A route input for `type` and `payload`; everything else empty unless overridden. */
export function routeInput(
  type: string,
  payload: Record<string, unknown>,
  overrides: Partial<RouteInput> = {},
): RouteInput {
  return {
    proposalId: "prop_1",
    action: { type, payload },
    request: null,
    summary: null,
    evidence: [],
    toolCalls: [],
    context: {},
    agent: { id: "agent_1", name: "Support bot" },
    signals: quietSignals(),
    confidence: null,
    agentConfidence: null,
    thresholdAuto: 1.01,
    ...overrides,
  };
}

/** Loads a policy that must be valid; a problem fails the test with every problem listed. */
export function load(text: string, version = 1): CompiledPolicy {
  const result = loadPolicy(text, { version });
  if (!result.ok) throw new Error(`policy has problems:\n${JSON.stringify(result.problems, null, 2)}`);
  return result.policy;
}

/** The problems of a policy that must be invalid. */
export function problemsOf(text: string) {
  const result = loadPolicy(text, { version: 1 });
  if (result.ok) throw new Error("expected the policy to have problems");
  return result.problems;
}
