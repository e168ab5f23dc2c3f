import { type AuditDraft, InfoInput, type Proposal, proposalTransition } from "@loopgate/core";
import type { ProposalDoc, ProposalPatch, Write } from "../store/store.ts";
import { AppError, invalidInput } from "./app-error.ts";
import { checkBypass } from "./bypass-check.ts";
import { calibratorFor } from "./calibrate.ts";
import type { AppDeps } from "./deps.ts";
import { executionPlan } from "./execution-plan.ts";
import { hashPayloadNative } from "./native-hash.ts";
import { actorOf, type Principal, requireAgent } from "./principal.ts";
import { proposalView } from "./proposal-view.ts";
import {
  addMs,
  checkAgainstPolicy,
  evaluate,
  infoWindowMs,
  reviewFor,
  reviewOpenedEntry,
  routedEntry,
} from "./propose.ts";
import { loadProposal } from "./review-access.ts";
import { heldRoute, stopCovering } from "./stop-scope.ts";
import { parseInput } from "./zod-issues.ts";

/**
 * The agent answers a request for information (from a reviewer's `request_info` or a `needs_info`
 * route): the evidence and tool calls are added, the action may be revised, and the new revision is
 * routed again by the active policy.
 */
export async function provideInfo(
  deps: AppDeps,
  principal: Principal,
  proposalId: string,
  body: unknown,
): Promise<Proposal> {
  const agent = requireAgent(principal);
  const info = parseInput(InfoInput, body, "invalid_input");
  const proposal = await loadProposal(deps, proposalId);
  if (proposal.agentId !== agent.agentId) {
    throw new AppError("not_found", "proposal_not_found", `No proposal ${proposalId} of this agent`);
  }
  if (proposal.status !== "needs_info") {
    throw new AppError(
      "conflict",
      "not_waiting_for_info",
      `This proposal is ${proposal.status}, not waiting for information`,
      { proposalStatus: proposal.status },
    );
  }
  if (info.action !== undefined && info.action.type !== proposal.actionType) {
    throw invalidInput("action_type_changed", [
      { path: "action.type", message: `must stay "${proposal.actionType}": propose a new action instead` },
    ]);
  }
  const policy = deps.policies.active();
  const doc = proposal.doc;
  const action = info.action ?? doc.action;
  checkAgainstPolicy(policy, { action });
  const next = {
    action,
    request: (doc.request ?? undefined) as Parameters<typeof evaluate>[3]["request"],
    summary: doc.summary ?? undefined,
    evidence: [...(doc.evidence as never[]), ...info.evidence],
    toolCalls: [...(doc.toolCalls as never[]), ...info.toolCalls],
    context: info.context ?? doc.context,
    signals: info.signals ?? { agentConfidence: (doc.confidence as { raw: number | null }).raw ?? undefined },
  };
  const now = deps.now();
  const at = now.toISOString();
  const calibrator = await calibratorFor(deps, agent.agentId, proposal.actionType);
  // Routed again exactly as a new proposal is: checked for bypass, and held while a stop covers it.
  const bypass = await checkBypass(deps, policy, proposal.id, agent.agentId, next, now, { revision: true });
  const { signals, decision, confidence } = evaluate(
    policy,
    proposal.id,
    agent.agentId,
    next,
    bypass.findings,
    calibrator,
  );
  const stop = await stopCovering(deps.store, agent.agentId, proposal.actionType);
  const provided = proposalTransition(proposal.status, { kind: "info_provided" });
  if (!provided.ok) throw new Error(provided.reason);
  const routed = proposalTransition("new", {
    kind: "routed",
    verdict: stop === null ? decision.route.verdict : "held",
  });
  if (!routed.ok) throw new Error(routed.reason);
  const route = stop === null ? decision.route : heldRoute(decision.route, stop);
  const newDoc: ProposalDoc = {
    ...doc,
    revision: doc.revision + 1,
    action,
    evidence: next.evidence,
    toolCalls: next.toolCalls,
    context: next.context,
    route,
    signals,
    ...(bypass.linkedTo.length === 0
      ? {}
      : { linkedTo: [...new Set([...(doc.linkedTo ?? []), ...bypass.linkedTo])] }),
    confidence,
    info: [...doc.info, { at, message: info.message ?? null, evidenceBefore: doc.evidence.length }],
  };
  const patch: ProposalPatch = {
    status: routed.to,
    policyVersion: policy.version,
    infoDueAt: routed.to === "needs_info" ? addMs(now, infoWindowMs(policy)) : null,
    updatedAt: at,
    doc: newDoc,
  };
  const updated = { ...proposal, ...patch, doc: newDoc, version: proposal.version + 1 };
  const review = stop === null ? reviewFor(deps, updated, decision, now) : null;
  const writes: Write[] = [
    { kind: "updateProposal", id: proposal.id, expectVersion: proposal.version, set: patch },
  ];
  const audit: AuditDraft[] = [
    {
      at,
      actor: actorOf(agent),
      type: "proposal.info_provided",
      proposalId: proposal.id,
      data: {
        revision: newDoc.revision,
        payloadHash: hashPayloadNative(action.payload),
        evidenceAdded: info.evidence.length,
        messageHash: info.message === undefined ? null : hashPayloadNative(info.message),
      },
    },
    routedEntry(at, proposal.id, route, routed.to, signals),
  ];
  if (review !== null) {
    writes.push({ kind: "insertReview", row: review });
    audit.push(reviewOpenedEntry(at, review));
  }
  const execution = executionPlan(deps, updated, policy, null, now);
  writes.push(...execution.writes);
  audit.push(...execution.audit);
  const result = await deps.store.commit({ writes, audit });
  if (!result.ok) {
    throw new AppError(
      "conflict",
      "proposal_changed",
      "The proposal changed meanwhile: fetch it and try again",
    );
  }
  deps.events.publish({
    type: "proposal.updated",
    proposalId: proposal.id,
    reviewId: review?.id ?? null,
    agentId: proposal.agentId,
    queue: review?.queue ?? null,
    status: routed.to,
    at,
  });
  if (review !== null) {
    deps.events.publish({
      type: "review.opened",
      proposalId: proposal.id,
      reviewId: review.id,
      agentId: proposal.agentId,
      queue: review.queue,
      status: review.status,
      at,
    });
  }
  const [reviews, decisions] = await Promise.all([
    deps.store.reviewsOfProposal(proposal.id),
    deps.store.decisionsOfProposal(proposal.id),
  ]);
  return proposalView(updated, reviews, decisions, principal);
}
