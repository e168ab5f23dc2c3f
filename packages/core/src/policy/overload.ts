import { z } from "zod";
import type { RouteReason } from "../wire/proposal.ts";
import type { CelBindings, CelCondition } from "./cel-condition.ts";
import { evaluateCondition } from "./cel-condition.ts";
import type { ReviewPlan } from "./review-plan.ts";

/**
 * What gives when a queue is past its capacity (SPEC §5, escalation load), written per queue under the
 * policy's top-level `overload` section:
 *
 * ```yaml
 * queues:
 *   support: { capacity: 500 }
 * overload:
 *   support:
 *     autoWhen: confidence >= 0.97 && signals.grounding >= 0.9   # only the safest tier runs unattended
 *     pauseAgents: [newsletter-bot]                              # held until the queue is below capacity
 *     raisePriority: 10                                          # what still comes in is seen sooner
 * ```
 */
export const PolicyOverloadDocument = z.strictObject({
  autoWhen: z
    .string()
    .min(1, { error: "must be a CEL expression, e.g. confidence >= 0.97" })
    .optional()
    .describe(
      "CEL: while the queue is overloaded, a proposal headed for review in it that matches runs unattended",
    ),
  pauseAgents: z
    .array(z.string().min(1))
    .optional()
    .describe("agents whose proposals for the queue are held"),
  raisePriority: z
    .number()
    .int({ error: "must be a whole number, e.g. 10" })
    .min(1, { error: "must be at least 1" })
    .optional(),
});
export type PolicyOverloadDocument = z.infer<typeof PolicyOverloadDocument>;

/** A queue's overload settings with `autoWhen` compiled. */
export interface CompiledOverload {
  queue: string;
  /** The CEL source as written, and compiled; null when the section has none. */
  autoWhen: { text: string; condition: CelCondition } | null;
  pauseAgents: ReadonlySet<string>;
  raisePriority: number;
}

/** How full a queue is: its open reviews against its capacity. */
export interface QueueLoad {
  open: number;
  capacity: number;
}

/** What overload did to a route. */
export interface OverloadEffect {
  /** The route's verdict after overload (`auto` when the safest tier was let through). */
  verdict: "auto" | null;
  /** The review, with its priority raised, or null when the proposal now runs unattended or is held. */
  review: ReviewPlan | null;
  /** Set when the proposal is held: the reason naming the queue. */
  hold: RouteReason | null;
  reasons: RouteReason[];
}

/**
 * Applies a queue's overload settings to a routed proposal whose review would go to a queue past its
 * capacity. In order: a paused agent's proposal is held; a proposal the rules sent to `review` (before it
 * runs, and not in `observe` or `review_all`, which owners chose to have every proposal looked at) that
 * matches `autoWhen` runs unattended; anything else still opens its review, with `raisePriority` added.
 * `block`, `escalate` and `needs_info` are never relaxed. A failing `autoWhen` keeps the review (fail closed).
 *
 * @example
 * ```ts
 * applyOverload(settings, { verdict: "review", review, stage: "threshold", agentId: "bot", load, bindings });
 * // { verdict: "auto", review: null, hold: null, reasons: [{ rule: "overload:support", route: "auto", … }] }
 * ```
 */
export function applyOverload(
  settings: CompiledOverload,
  input: {
    verdict: string;
    review: ReviewPlan;
    stage: string;
    agentId: string;
    load: QueueLoad;
    bindings: () => CelBindings;
  },
): OverloadEffect {
  const rule = `overload:${settings.queue}`;
  const full = `queue ${settings.queue} is over its capacity (${input.load.open} open of ${input.load.capacity})`;
  if (settings.pauseAgents.has(input.agentId)) {
    const hold: RouteReason = {
      rule,
      route: "held",
      message: `Held: ${full}; agent ${input.agentId} is paused until it drops below capacity`,
    };
    return { verdict: null, review: null, hold, reasons: [] };
  }
  const relaxable =
    input.verdict === "review" &&
    input.review.kind === "review" &&
    input.stage !== "observe" &&
    input.stage !== "review_all";
  if (relaxable && settings.autoWhen !== null) {
    const result = evaluateCondition(settings.autoWhen.condition, input.bindings());
    if (result.ok && result.value) {
      return {
        verdict: "auto",
        review: null,
        hold: null,
        reasons: [
          {
            rule,
            route: "auto",
            message: `${full}: the safest tier (${settings.autoWhen.text}) runs unattended`,
          },
        ],
      };
    }
  }
  if (settings.raisePriority > 0) {
    return {
      verdict: null,
      review: { ...input.review, priority: input.review.priority + settings.raisePriority },
      hold: null,
      reasons: [
        {
          rule,
          route: input.verdict === "escalate" ? "escalate" : "review",
          message: `${full}: priority raised by ${settings.raisePriority}`,
        },
      ],
    };
  }
  return { verdict: null, review: input.review, hold: null, reasons: [] };
}
