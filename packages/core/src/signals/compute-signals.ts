import type { Signals, SuppliedSignals } from "../wire/proposal.ts";
import { groundingScore } from "./grounding.ts";
import { detectPii } from "./pii.ts";
import { sentimentScore } from "./sentiment.ts";
import { findTopics } from "./topics.ts";
import { forEachString } from "./walk-strings.ts";

/** How an action type's signals are computed; from the policy, per action type. */
export interface SignalSettings {
  /** Sensitive topics: topic → words and phrases (see `DEFAULT_TOPICS`). */
  topics: Record<string, string[]>;
  /**
   * Dotted path of the payload field holding the amount.
   * @defaultValue null, meaning `"amount"`
   */
  amountField: string | null;
  /**
   * Dotted path of the payload field holding the drafted text that grounding checks.
   * @defaultValue null, meaning the first non-blank of `body`, `text`, `message`, `reply`, `draft`, `content`
   */
  draftField: string | null;
}

/** What signals are computed from: the parts of a proposal that bear on risk. */
export interface SignalInput {
  action: { type: string; payload: Record<string, unknown> };
  request: { text?: string; subject?: string } | null | undefined;
  summary: string | null | undefined;
  evidence: { snippet?: string; title?: string }[];
  supplied: SuppliedSignals;
  settings: SignalSettings;
}

/** Where drafted text usually lives when the policy does not say. */
const DRAFT_FIELDS = ["body", "text", "message", "reply", "draft", "content"] as const;

/** An amount agents send as text ("49.99"); anything looser (currency signs, commas) is not guessed. */
const DECIMAL = /^-?\d+(?:\.\d+)?$/;

/**
 * Computes the built-in signals of a proposal (SPEC §4): PII over the payload, sensitive topics over
 * the request, summary and payload, grounding of the drafted text in the evidence, sentiment of the
 * request, the amount, and the agent's own numbers passed through. `novelty` and `history` are filled
 * in later by the learning loop, which needs the store.
 *
 * @example
 * ```ts
 * const signals = computeSignals({
 *   action: { type: "support.reply", payload: { to: "anna@example.com", body: "Your refund of €20 is on its way." } },
 *   request: { subject: "Refund", text: "I was charged twice, this is ridiculous" },
 *   summary: null,
 *   evidence: [{ snippet: "Duplicate charges are refunded within 5 days." }],
 *   supplied: { agentConfidence: 0.9 },
 *   settings: { topics: DEFAULT_TOPICS, amountField: null, draftField: "body" },
 * });
 * signals.pii.email; // true
 * ```
 */
export function computeSignals(input: SignalInput): Signals {
  const { action, request, summary, evidence, supplied, settings } = input;
  const payloadStrings: string[] = [];
  forEachString(action.payload, (text) => payloadStrings.push(text));

  const requestText = [request?.subject, request?.text].filter(isText).join("\n");
  const draft = draftOf(action.payload, settings.draftField);
  const snippets = evidence.map((item) => [item.title, item.snippet].filter(isText).join("\n"));

  return {
    pii: detectPii(payloadStrings),
    topics: findTopics([requestText, summary ?? "", ...payloadStrings], settings.topics),
    grounding: draft === null ? null : groundingScore(draft, snippets),
    sentiment: requestText === "" ? null : sentimentScore(requestText),
    amount: amountOf(action.payload, settings.amountField ?? "amount"),
    novelty: null,
    history: { overrideRate: null },
    agentConfidence: supplied.agentConfidence ?? null,
    agent: { ...supplied.agent },
    // Set by the server's bypass check, which needs the store; false until then.
    bypass: false,
  };
}

function isText(value: string | undefined | null): value is string {
  return typeof value === "string" && value.trim().length > 0;
}

/** The value at a dotted path ("refund.amount"), or undefined. */
function at(payload: Record<string, unknown>, path: string): unknown {
  let value: unknown = payload;
  for (const key of path.split(".")) {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
    value = Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
  }
  return value;
}

function draftOf(payload: Record<string, unknown>, field: string | null): string | null {
  const candidates = field === null ? DRAFT_FIELDS : [field];
  for (const path of candidates) {
    const value = at(payload, path);
    if (typeof value === "string" && value.trim().length > 0) return value;
  }
  return null;
}

function amountOf(payload: Record<string, unknown>, field: string): number | null {
  const value = at(payload, field);
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "string" && DECIMAL.test(value.trim())) return Number(value.trim());
  return null;
}
