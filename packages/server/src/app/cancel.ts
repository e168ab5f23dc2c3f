import { type Proposal, proposalTransition } from "@loopgate/core";
import type { Write } from "../store/store.ts";
import { AppError } from "./app-error.ts";
import type { AppDeps } from "./deps.ts";
import { actorOf, type Principal, requireAgent } from "./principal.ts";
import { proposalView } from "./proposal-view.ts";
import { loadProposal } from "./review-access.ts";

/** The agent withdraws a proposal that is still waiting; its open review is cancelled with it. */
export async function cancelProposal(
  deps: AppDeps,
  principal: Principal,
  proposalId: string,
): Promise<Proposal> {
  const agent = requireAgent(principal);
  for (let attempt = 0; attempt < 3; attempt++) {
    const proposal = await loadProposal(deps, proposalId);
    if (proposal.agentId !== agent.agentId) {
      throw new AppError("not_found", "proposal_not_found", `No proposal ${proposalId} of this agent`);
    }
    const transition = proposalTransition(proposal.status, { kind: "cancelled" });
    if (!transition.ok) {
      throw new AppError(
        "conflict",
        "not_cancellable",
        `This proposal is ${proposal.status} and can no longer be withdrawn`,
        { proposalStatus: proposal.status },
      );
    }
    const at = deps.now().toISOString();
    const reviews = await deps.store.reviewsOfProposal(proposal.id);
    const open = reviews.filter((r) => r.status === "pending" || r.status === "escalated");
    const writes: Write[] = [
      {
        kind: "updateProposal",
        id: proposal.id,
        expectVersion: proposal.version,
        set: { status: transition.to, infoDueAt: null, updatedAt: at },
      },
      ...open.map(
        (r): Write => ({
          kind: "updateReview",
          id: r.id,
          expectVersion: r.version,
          set: { status: "cancelled", claimedBy: null, claimExpiresAt: null, updatedAt: at },
        }),
      ),
    ];
    const result = await deps.store.commit({
      writes,
      audit: [
        {
          at,
          actor: actorOf(agent),
          type: "proposal.cancelled",
          proposalId: proposal.id,
          data: {
            proposalStatus: { from: proposal.status, to: transition.to },
            reviewIds: open.map((r) => r.id),
          },
        },
      ],
    });
    if (!result.ok) continue;
    for (const r of open) {
      deps.events.publish({
        type: "review.closed",
        proposalId: proposal.id,
        reviewId: r.id,
        agentId: proposal.agentId,
        queue: r.queue,
        status: "cancelled",
        at,
      });
    }
    deps.events.publish({
      type: "proposal.updated",
      proposalId: proposal.id,
      reviewId: null,
      agentId: proposal.agentId,
      queue: null,
      status: transition.to,
      at,
    });
    const updated = { ...proposal, status: transition.to, version: proposal.version + 1, updatedAt: at };
    const closed = reviews.map((r) => (open.includes(r) ? { ...r, status: "cancelled" as const } : r));
    return proposalView(updated, closed, await deps.store.decisionsOfProposal(proposal.id), principal);
  }
  throw new AppError("conflict", "proposal_busy", "The proposal kept changing: fetch it and try again");
}
