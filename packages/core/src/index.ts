/**
 * @loopgate/core — Loopgate's pure domain: wire schemas, policy and routing, signals, the proposal
 * and review lifecycle, and the audit chain. No I/O, no clock: time and ids come in as parameters.
 *
 * @packageDocumentation
 */

export * from "./audit/index.ts";
export * from "./learning/index.ts";
export * from "./lifecycle/statuses.ts";
export * from "./lifecycle/transitions.ts";
export * from "./policy/index.ts";
export * from "./replay/index.ts";
export * from "./signals/index.ts";
export * from "./wire/admin.ts";
export * from "./wire/audit.ts";
export * from "./wire/autonomy.ts";
export * from "./wire/common.ts";
export * from "./wire/execution.ts";
export * from "./wire/learning.ts";
export * from "./wire/metrics.ts";
export * from "./wire/notification.ts";
export * from "./wire/proposal.ts";
export * from "./wire/replay.ts";
export * from "./wire/review.ts";
export * from "./wire/review-desk.ts";
export * from "./wire/session.ts";
export * from "./wire/vigilance.ts";
