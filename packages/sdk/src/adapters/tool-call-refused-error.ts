import type { ToolCallOutcome } from "./tool-call.ts";

/**
 * Thrown from a gated tool's `execute` when Loopgate did not approve the call (or no one decided in
 * time). Frameworks turn a tool's error into the tool result the model reads, so the model sees
 * `message`: the reviewer's reason, and the proposal to quote.
 *
 * @example
 * ```ts
 * import { ToolCallRefusedError } from "@loopgate/sdk/adapters";
 *
 * try {
 *   await gatedTool.execute(input, options);
 * } catch (error) {
 *   if (error instanceof ToolCallRefusedError) console.log(error.proposalId, error.message);
 * }
 * ```
 */
export class ToolCallRefusedError extends Error {
  override name = "ToolCallRefusedError";
  /** `rejected`, `blocked`, `expired`, `needs_info`, … or `pending_review` when no one decided in time. */
  readonly status: string;
  readonly proposalId: string;

  constructor(outcome: Exclude<ToolCallOutcome, { approved: true }>) {
    super(
      outcome.approved === false
        ? outcome.reason
        : `Not done yet: ${outcome.proposal.action.type} is still waiting for review (Loopgate proposal ${outcome.proposal.id}).`,
      outcome.approved === false ? { cause: outcome.error } : undefined,
    );
    this.status = outcome.proposal.status;
    this.proposalId = outcome.proposal.id;
  }
}
