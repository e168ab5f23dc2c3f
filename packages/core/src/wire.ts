/**
 * `@loopgate/core/wire`: the wire schemas — every request and response shape of the HTTP API as a Zod
 * schema with its inferred type under the same name — and the statuses they use; none of core's policy,
 * signals or learning. The SDK takes its types from here (types only: it never loads Zod). Everything
 * here is also exported from `@loopgate/core`.
 *
 * @example
 * ```ts
 * import { Proposal } from "@loopgate/core/wire";
 * const proposal = Proposal.parse(await response.json());
 * ```
 */
export * from "./lifecycle/statuses.ts";
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
