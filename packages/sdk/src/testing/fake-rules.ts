import type { JsonObject, Proposal } from "../types.ts";

/**
 * A payload as a rule sees it: loosely typed, so a predicate reads like the payload it tests
 * (`(p) => p.amount > 100`) without casts in every test.
 */
// biome-ignore lint/suspicious/noExplicitAny: a test predicate over arbitrary JSON; `unknown` would force a cast on every field.
export type LoosePayload = Record<string, any>;

/** Which proposals a rule applies to. Every given condition must hold; an empty `when` matches all. */
export interface FakeRuleMatch {
  /** The action type, exactly, e.g. `billing.refund`. */
  type?: string;
  /** A test on the action's payload. */
  payload?: (payload: LoosePayload) => boolean;
  /** The revision: 1 when proposed, one more after each `provideInfo`. */
  revision?: number;
}

/** After how long a reviewer's verdict lands, in milliseconds (real time). 0 decides at once. */
interface Delay {
  /** @defaultValue 0 */
  afterMs?: number;
}

/** What the fake does with a matching proposal. */
export type FakeVerdict =
  /** Routes it `auto`: `auto_approved` at once, no review. */
  | { verdict: "auto"; message?: string }
  /** A reviewer approves it. */
  | ({ verdict: "approve"; comment?: string } & Delay)
  /** A reviewer approves it with this payload (or with what the function makes of the proposed one). */
  | ({
      verdict: "edit";
      payload: JsonObject | ((payload: LoosePayload) => JsonObject);
      category?: string;
      comment?: string;
    } & Delay)
  /** A reviewer rejects it. */
  | ({ verdict: "reject"; category?: string; comment?: string } & Delay)
  /** A reviewer asks the agent for more information (`needs_info` until `provideInfo`). */
  | ({ verdict: "request_info"; comment?: string } & Delay)
  /** A reviewer sets the AI output aside and handles the matter in person. */
  | ({ verdict: "handle_manually"; comment?: string } & Delay)
  /** No one decides before the due time: `expired`. */
  | ({ verdict: "expire" } & Delay)
  /** The policy blocks it: `blocked` at once, with `message` as the route's reason. */
  | { verdict: "block"; message?: string }
  /** The policy routes it `needs_info` at once, with `message` as the route's reason. */
  | { verdict: "needs_info"; message?: string }
  /** It waits for a decision through `decide()`, as a real review would. */
  | { verdict: "review"; message?: string };

/** One rule: when a proposal matches, then this happens. The first matching rule wins. */
export interface FakeRule {
  /** Shown as the route reason's `rule`. @defaultValue `rule-<index>` */
  name?: string;
  when?: FakeRuleMatch;
  then: FakeVerdict;
}

/** Options of `createFakeLoopgate`. */
export interface FakeLoopgateOptions {
  rules?: FakeRule[];
  /** What happens when no rule matches. @defaultValue `{ verdict: "approve" }` */
  default?: FakeVerdict;
  /** The agent name put on proposals. @defaultValue `"fake-agent"` */
  agent?: string;
}

/** The rule that applies to a proposal: its name (for the route reason) and what it does. */
export function pickRule(
  options: FakeLoopgateOptions,
  proposal: Proposal,
): { name: string; outcome: FakeVerdict } {
  const rules = options.rules ?? [];
  for (const [index, rule] of rules.entries()) {
    if (matches(rule.when ?? {}, proposal)) return { name: rule.name ?? `rule-${index}`, outcome: rule.then };
  }
  return { name: "default", outcome: options.default ?? { verdict: "approve" } };
}

function matches(when: FakeRuleMatch, proposal: Proposal): boolean {
  if (when.type !== undefined && when.type !== proposal.action.type) return false;
  if (when.revision !== undefined && when.revision !== proposal.revision) return false;
  if (when.payload !== undefined && !when.payload(proposal.action.payload)) return false;
  return true;
}
