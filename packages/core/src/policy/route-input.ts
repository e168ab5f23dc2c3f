import { type CelInput, celList, celMap } from "@bufbuild/cel";
import type { AutonomyStage } from "../lifecycle/statuses.ts";
import type { BypassFinding } from "../signals/bypass.ts";
import type { Signals } from "../wire/proposal.ts";
import type { CelBindings } from "./cel-condition.ts";
import type { QueueLoad } from "./overload.ts";

/** Everything routing looks at for one proposal (revision). The server gathers it; routing only reads it. */
export interface RouteInput {
  /** Sampling hashes it, so the same proposal is always sampled the same way. */
  proposalId: string;
  action: { type: string; payload: Record<string, unknown> };
  request: unknown;
  summary: string | null;
  evidence: unknown[];
  toolCalls: unknown[];
  context: Record<string, unknown>;
  agent: { id: string; name: string };
  signals: Signals;
  /** Calibrated probability of approval unchanged; the raw agentConfidence until a calibration map exists. */
  confidence: number | null;
  agentConfidence: number | null;
  /** `thresholds.auto` in force for this agent and action type; above 1 means never. */
  thresholdAuto: number;
  /**
   * The autonomy stage in force for this agent and action type when an approved promotion or a
   * breaker's demotion set one; absent, the policy file's stage applies.
   */
  stage?: AutonomyStage;
  /**
   * Queues past their capacity with their load, for the policy's `overload` section; absent or empty,
   * nothing is overloaded.
   */
  overloaded?: ReadonlyMap<string, QueueLoad>;
  /**
   * What the server's bypass check found (near-repeats of refused proposals, split amounts): each becomes
   * a reason, and a proposal with any (or with `signals.bypass`) is never routed `auto`.
   */
  bypass?: readonly BypassFinding[];
}

/**
 * The CEL variables for one proposal.
 *
 * Numbers: JSON does not say whether `150` is an int, so every number is bound as a CEL `double`, whether
 * the agent wrote `150` or `150.5`. CEL compares doubles with int literals directly
 * (`action.payload.amount > 100` and `confidence >= 0.8` both work), but arithmetic does not mix them:
 * write `action.payload.amount * 2.0`, not `* 2`.
 *
 * Nulls: a value that is absent (no request, no summary, no agentConfidence, no grounding) is bound as
 * `null`, never left out, so `x != null && x >= 0.8` works everywhere; comparing a null (`null >= 0.8`) is an
 * evaluation error, and a rule that fails to evaluate fails closed. A payload field that is absent is
 * absent: `has(action.payload.amount)` tests for it.
 *
 * Speed: `@bufbuild/cel` converts a plain JS object to a CEL map on every access, so the small values that
 * nearly every rule reads (action, signals, agent, thresholds) are converted once here; the rest (request,
 * evidence, tool calls, context), which may be large and which few rules read, stay plain and are converted
 * lazily by the evaluator.
 */
export function celBindings(input: RouteInput): CelBindings {
  return {
    action: toCelValue({ type: input.action.type, payload: input.action.payload }),
    request: (input.request ?? null) as CelInput,
    summary: input.summary ?? null,
    evidence: input.evidence as CelInput[],
    toolCalls: input.toolCalls as CelInput[],
    context: input.context as CelBindings,
    agent: toCelValue({ id: input.agent.id, name: input.agent.name }),
    signals: toCelValue({ bypass: false, ...input.signals }),
    agentConfidence: input.agentConfidence ?? null,
    confidence: input.confidence ?? null,
    thresholds: toCelValue({ auto: input.thresholdAuto }),
  };
}

/**
 * Converts a JSON value to CEL maps and lists, deeply. Fields set to `undefined` are left out (absent, as in
 * JSON); numbers stay JS numbers, which CEL reads as doubles.
 */
function toCelValue(value: unknown): CelInput {
  if (Array.isArray(value)) return celList(value.map(toCelValue));
  if (typeof value === "object" && value !== null) {
    const entries = new Map<string, CelInput>();
    for (const [key, field] of Object.entries(value))
      if (field !== undefined) entries.set(key, toCelValue(field));
    return celMap(entries);
  }
  return value as CelInput;
}
