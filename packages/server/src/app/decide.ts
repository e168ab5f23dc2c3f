import {
  type AuditDraft,
  type CompiledPolicy,
  canonicalJson,
  type DecisionInput,
  DecisionInput as DecisionInputSchema,
  type DecisionResult,
  escalationTarget,
  proposalTransition,
} from "@loopgate/core";
import type {
  DecisionRow,
  ProposalPatch,
  ProposalRow,
  ReviewPatch,
  ReviewRow,
  Write,
} from "../store/store.ts";
import { AppError } from "./app-error.ts";
import { decisionRow } from "./decision-row.ts";
import type { AppDeps } from "./deps.ts";
import { editedPayloadOf } from "./edited-payload.ts";
import { escalatedReview } from "./escalated-review.ts";
import { executionPlan } from "./execution-plan.ts";
import { expireReview } from "./expire.ts";
import { hashPayloadNative } from "./native-hash.ts";
import { decideAfterExecution } from "./post-review.ts";
import { type Person, type Principal, personActor, personOf, requireDecider } from "./principal.ts";
import { refuseStalePacket, viewerPacketHash } from "./proposal-view.ts";
import { addMs, infoWindowMs, reviewOpenedEntry } from "./propose.ts";
import {
  claimedByOther,
  claimedByOtherError,
  isOpen,
  loadProposal,
  loadReview,
  refuseClosed,
} from "./review-access.ts";
import { decisionVigilance, withDecisionVigilance } from "./review-activity.ts";
import { reviewLabelWrites } from "./review-labels.ts";
import { parseInput } from "./zod-issues.ts";

/** How often a decision is recomputed when another write to the same review lands first. */
const MAX_ATTEMPTS = 5;

/**
 * Plans a decision; when the proposal's status no longer allows it, the review was most likely decided
 * by someone else between this request's two reads (the review while open, then the proposal after the
 * winner's commit): answer as for any late decider, 409 `already_decided` with the winner.
 */
async function planOrRefuse(
  deps: AppDeps,
  review: ReviewRow,
  caller: { id: string; pii: boolean },
  planned: () => Outcome,
): Promise<Outcome> {
  try {
    return planned();
  } catch (error) {
    if (error instanceof AppError && error.code === "transition_not_allowed") {
      const fresh = await deps.store.review(review.id);
      if (fresh !== null && !isOpen(fresh)) await refuseClosed(deps, fresh, caller);
    }
    throw error;
  }
}

/**
 * Records a reviewer's decision on a review. Exactly one decision closes a review: the write names
 * the review and proposal versions it read, so of two people deciding at once one wins and the other
 * gets 409 with the winning decision. With `approvals: N`, N distinct people must approve; an edit
 * resets the approvals given so far; the proposing agent can never decide.
 */
export async function decide(
  deps: AppDeps,
  principal: Principal,
  reviewId: string,
  body: unknown,
): Promise<DecisionResult> {
  const person = requireDecider(principal);
  const input = parseInput(DecisionInputSchema, body, "invalid_input");

  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const review = await loadReview(deps, principal, reviewId);
    if (!isOpen(review)) await refuseClosed(deps, review, person.user);
    const now = deps.now();
    if (Date.parse(review.dueAt) <= now.getTime()) {
      // The timer may not have run yet: apply the on-expiry rule now, then refuse as too late.
      await expireReview(deps, review, now);
      const after = await deps.store.review(review.id);
      if (after !== null && !isOpen(after) && after.status !== "expired")
        await refuseClosed(deps, after, person.user);
      throw new AppError(
        "gone",
        "review_expired",
        `This review passed its due time (${review.dueAt}); its on-expiry rule was applied and it can no longer be decided`,
        { reviewId: review.id, dueAt: review.dueAt },
      );
    }
    if (claimedByOther(review, person.user.id, now)) throw claimedByOtherError(review);
    const proposal = await loadProposal(deps, review.proposalId);
    if (proposal.agentId === person.user.name) {
      throw new AppError(
        "forbidden",
        "proposer_cannot_decide",
        "The proposer of an action can never decide on it",
      );
    }
    if (input.packetHash !== undefined) refuseStalePacket(proposal, principal, input.packetHash);
    // The record names the packet decided on (SPEC §10): the one the decider sent, which was just
    // checked, or else the one they would be shown now.
    const decided =
      input.packetHash === undefined
        ? { ...input, packetHash: viewerPacketHash(proposal, principal) }
        : input;
    // A review opened after the action already ran (post_review, sampling): no approval to give.
    const afterExecution = await decideAfterExecution(deps, personOf(person), review, proposal, decided, now);
    if (afterExecution !== null) return afterExecution;
    const policy = await deps.policies.version(review.policyVersion);
    const outcome = await planOrRefuse(deps, review, person.user, () =>
      plan(deps, personOf(person), review, proposal, policy, decided, now),
    );
    withDecisionVigilance(
      outcome,
      await decisionVigilance(deps, review, proposal, person.user, outcome.decision.at),
    );
    const result = await deps.store.commit({ writes: outcome.writes, audit: outcome.audit });
    if (!result.ok) {
      if (result.conflict.kind === "version") continue;
      throw new Error(`unexpected conflict while deciding: ${JSON.stringify(result.conflict)}`);
    }
    const at = outcome.decision.at;
    deps.events.publish({
      type: isOpenStatus(outcome.reviewStatus) ? "review.updated" : "review.closed",
      proposalId: proposal.id,
      reviewId: review.id,
      agentId: proposal.agentId,
      queue: review.queue,
      status: outcome.reviewStatus,
      at,
    });
    deps.events.publish({
      type: "proposal.updated",
      proposalId: proposal.id,
      reviewId: review.id,
      agentId: proposal.agentId,
      queue: review.queue,
      status: outcome.proposalStatus,
      at,
    });
    if (outcome.newReview !== null) {
      deps.events.publish({
        type: "review.opened",
        proposalId: proposal.id,
        reviewId: outcome.newReview.id,
        agentId: proposal.agentId,
        queue: outcome.newReview.queue,
        status: outcome.newReview.status,
        at,
      });
    }
    return {
      decision: {
        id: outcome.decision.id,
        reviewId: review.id,
        proposalId: proposal.id,
        // As recorded: an edit that changes nothing is recorded as the approval it is.
        verdict: outcome.decision.verdict as typeof input.verdict,
        by: { id: person.user.id, name: person.user.name },
        at,
        category: outcome.decision.category,
        comment: outcome.decision.comment,
        packetHash: outcome.decision.packetHash,
        payload: outcome.decision.payload,
      },
      proposalStatus: outcome.proposalStatus,
      reviewStatus: outcome.reviewStatus,
      approvalsGiven: outcome.approvalsGiven,
      approvalsRequired: review.approvalsRequired,
    };
  }
  throw new AppError(
    "conflict",
    "review_busy",
    "This review kept changing while your decision was being recorded: reload it and try again",
  );
}

interface Outcome {
  writes: Write[];
  audit: AuditDraft[];
  decision: DecisionRow;
  proposalStatus: ProposalRow["status"];
  reviewStatus: ReviewRow["status"];
  approvalsGiven: number;
  newReview: ReviewRow | null;
}

function isOpenStatus(status: ReviewRow["status"]): boolean {
  return status === "pending" || status === "escalated";
}

/** Works out every row a decision changes; pure apart from ids. */
function plan(
  deps: AppDeps,
  user: Person,
  review: ReviewRow,
  proposal: ProposalRow,
  policy: CompiledPolicy,
  input: DecisionInput,
  now: Date,
): Outcome {
  const at = now.toISOString();
  const doc = proposal.doc;
  const proposalPatch: ProposalPatch = { updatedAt: at };
  const reviewPatch: ReviewPatch = { updatedAt: at };
  let proposalStatus = proposal.status;
  let reviewStatus: ReviewRow["status"] = "decided";
  let approvers = review.approvers;
  let editedPayload: Record<string, unknown> | null = null;
  let newReview: ReviewRow | null = null;
  let verdict = input.verdict;

  if (verdict === "edit") {
    editedPayload = editedPayloadOf(policy, proposal, input);
    if (canonicalJson(editedPayload) === canonicalJson(doc.action.payload) && doc.finalPayload === null) {
      verdict = "approve"; // an "edit" that changes nothing is an approval of the proposed action
      editedPayload = null;
    }
  }

  const transition = (event: Parameters<typeof proposalTransition>[1]) => {
    const t = proposalTransition(proposal.status, event);
    if (!t.ok) {
      throw new AppError(
        "conflict",
        "transition_not_allowed",
        `This proposal cannot be decided now: ${t.reason}`,
        {
          proposalStatus: proposal.status,
        },
      );
    }
    return t.to;
  };

  switch (verdict) {
    case "approve":
    case "edit": {
      if (verdict === "approve" && approvers.some((a) => a.id === user.id)) {
        throw new AppError(
          "forbidden",
          "distinct_approver_required",
          `You already approved this; it needs ${review.approvalsRequired} approvals from different people`,
        );
      }
      approvers =
        verdict === "edit"
          ? [{ id: user.id, name: user.name, at }]
          : [...approvers, { id: user.id, name: user.name, at }];
      const complete = approvers.length >= review.approvalsRequired;
      const edited = editedPayload !== null || doc.finalPayload !== null;
      proposalStatus = transition({ kind: "approved", edited, complete });
      const finalPayload = editedPayload ?? doc.finalPayload;
      if (complete) {
        proposalPatch.doc = { ...doc, finalPayload: finalPayload ?? doc.action.payload };
      } else {
        reviewStatus = review.status;
        reviewPatch.claimedBy = null;
        reviewPatch.claimExpiresAt = null;
        if (editedPayload !== null) proposalPatch.doc = { ...doc, finalPayload: editedPayload };
      }
      reviewPatch.approvers = approvers;
      break;
    }
    case "reject":
      proposalStatus = transition({ kind: "rejected" });
      break;
    case "handle_manually":
      proposalStatus = transition({ kind: "handled_manually" });
      break;
    case "request_info":
      proposalStatus = transition({ kind: "info_requested" });
      proposalPatch.infoDueAt = addMs(now, infoWindowMs(policy));
      break;
    case "escalate": {
      proposalStatus = transition({ kind: "escalated" });
      const target = escalationTarget(policy, review.queue) ?? review.queue;
      newReview = escalatedReview(deps, review, policy, target, now);
      break;
    }
    default:
      return assertNeverVerdict(verdict);
  }

  if (reviewStatus === "decided") {
    reviewPatch.status = "decided";
    reviewPatch.claimedBy = null;
    reviewPatch.claimExpiresAt = null;
  }
  if (proposalStatus !== proposal.status) proposalPatch.status = proposalStatus;

  const decision = decisionRow(deps, review, proposal, user, input, verdict, at, editedPayload);
  const writes: Write[] = [
    { kind: "insertDecision", row: decision },
    { kind: "updateReview", id: review.id, expectVersion: review.version, set: reviewPatch },
    { kind: "updateProposal", id: proposal.id, expectVersion: proposal.version, set: proposalPatch },
  ];
  const finalPayload = (proposalPatch.doc ?? doc).finalPayload;
  const audit: AuditDraft[] = [
    {
      at,
      actor: personActor(user),
      type: "decision.recorded",
      proposalId: proposal.id,
      data: {
        decisionId: decision.id,
        reviewId: review.id,
        verdict,
        category: decision.category,
        commentHash: decision.comment === null ? null : hashPayloadNative(decision.comment),
        packetHash: decision.packetHash,
        proposedPayloadHash: hashPayloadNative(doc.action.payload),
        finalPayloadHash: finalPayload === null ? null : hashPayloadNative(finalPayload),
        approvalsGiven: approvers.length,
        approvalsRequired: review.approvalsRequired,
        proposalStatus: { from: proposal.status, to: proposalStatus },
        reviewStatus: { from: review.status, to: reviewStatus },
        policyVersion: review.policyVersion,
      },
    },
  ];
  if (newReview !== null) {
    writes.push({ kind: "insertReview", row: newReview });
    audit.push(reviewOpenedEntry(at, newReview));
  }
  const labelled = proposalPatch.doc ?? doc; // a review closed with an outcome labels its proposal
  writes.push(...reviewLabelWrites({ proposal, doc: labelled, verdict, reviewStatus, at }));
  // The outbox: an approval that completes queues the execution in this same commit.
  const execution = executionPlan(
    deps,
    { ...proposal, status: proposalStatus, doc: proposalPatch.doc ?? doc },
    policy,
    { verdict, by: { id: user.id, name: user.name }, at },
    now,
  );
  writes.push(...execution.writes);
  audit.push(...execution.audit);
  return {
    writes,
    audit,
    decision,
    proposalStatus,
    reviewStatus,
    approvalsGiven: approvers.length,
    newReview,
  };
}

function assertNeverVerdict(verdict: never): never {
  throw new Error(`unhandled verdict ${String(verdict)}`);
}
