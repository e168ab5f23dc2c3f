import type { DecisionInput } from "@loopgate/core";
import type { DecisionRow, ProposalRow, ReviewRow } from "../store/store.ts";
import type { AppDeps } from "./deps.ts";

/**
 * The stored row of one reviewer's decision: who, when, the verdict, the reason given, the packet hash
 * they saw and, for an edit, the payload they approved.
 *
 * @example
 * ```ts
 * const row = decisionRow(deps, review, proposal, user, input, "approve", at, null);
 * ```
 */
export function decisionRow(
  deps: Pick<AppDeps, "newId">,
  review: Pick<ReviewRow, "id">,
  proposal: Pick<ProposalRow, "id">,
  user: { id: string; name: string },
  input: Pick<DecisionInput, "category" | "comment" | "packetHash">,
  verdict: string,
  at: string,
  payload: Record<string, unknown> | null,
): DecisionRow {
  return {
    id: deps.newId(),
    reviewId: review.id,
    proposalId: proposal.id,
    verdict,
    byId: user.id,
    byName: user.name,
    at,
    category: input.category ?? null,
    comment: input.comment ?? null,
    packetHash: input.packetHash ?? null,
    payload,
  };
}
