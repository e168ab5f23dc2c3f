/**
 * Built-in signals (SPEC §4): PII detectors, sensitive topics, grounding of a draft in its evidence,
 * sentiment of the request, and the amount — pure functions computed for every proposal.
 */

export { boundedMemo } from "./bounded-memo.ts";
export type { AmountCandidate, BypassFinding } from "./bypass.ts";
export { BYPASS_RULES, bypassMessage, detectSplit, nearRepeat, tokenSimilarity } from "./bypass.ts";
export { ibanValid, luhnValid } from "./checksums.ts";
export { computeSignals, type SignalInput, type SignalSettings } from "./compute-signals.ts";
export { DEFAULT_TOPICS } from "./default-topics.ts";
export { groundingScore } from "./grounding.ts";
export { detectPii, maskPii } from "./pii.ts";
export { PII_MASK_PATTERN, type PiiKind } from "./pii-detectors.ts";
export { sentimentScore } from "./sentiment.ts";
export { findTopics } from "./topics.ts";
