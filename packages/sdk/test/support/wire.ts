/**
 * The wire schemas the tests check every answer against. They are core's own Zod schemas, imported from
 * core's wire folder rather than `@loopgate/core`, so these tests load only the schemas, not core's
 * policy and signal modules (which are still being written alongside).
 */
export { ErrorEnvelope, listOf } from "../../../core/src/wire/common.ts";
export { Proposal, ProposalInput } from "../../../core/src/wire/proposal.ts";
export { DecisionInput, DecisionResult, ReviewItem, ReviewListItem } from "../../../core/src/wire/review.ts";
