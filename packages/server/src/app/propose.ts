import type { AuditDraft } from "@loopgate/core";
import {
  type CompiledPolicy,
  canonicalJson,
  computeSignals,
  DEFAULT_TOPICS,
  type Proposal,
  ProposalInput,
  proposalTransition,
  type Route,
  type RouteDecision,
  routeProposal,
  type Signals,
  validatePayload,
} from "@loopgate/core";
import type { ProposalDoc, ProposalRow, ReviewRow, Write } from "../store/store.ts";
import { AppError, invalidInput } from "./app-error.ts";
import type { AppDeps } from "./deps.ts";
import { hashPayloadNative, sha256HexNative } from "./native-hash.ts";
import { actorOf, type Principal, requireAgent } from "./principal.ts";
import { proposalView } from "./proposal-view.ts";
import { fieldIssues } from "./zod-issues.ts";

/**
 * `thresholds.auto` until an owner approves a threshold for the agent and action type: above every
 * possible confidence, so `confidence >= thresholds.auto` never holds.
 */
export const NO_THRESHOLD = Number.POSITIVE_INFINITY;

export interface ProposeResult {
  proposal: Proposal;
  /** True when an `Idempotency-Key` replay returned the original response. */
  replayed: boolean;
}

/**
 * Submits a proposal: validates it against the policy, computes signals, routes it, and writes the
 * proposal, its review (if any) and their audit entries in one commit.
 *
 * A replay under the same `Idempotency-Key` with the same body returns the original response; the
 * same key with a different body is refused with 422.
 */
export async function propose(
  deps: AppDeps,
  principal: Principal,
  body: unknown,
  idempotencyKey: string | null,
): Promise<ProposeResult> {
  const agent = requireAgent(principal);
  const parsed = ProposalInput.safeParse(body);
  if (!parsed.success) throw invalidInput("invalid_input", fieldIssues(parsed.error));
  const input = parsed.data;
  const actionType = input.action.type;
  if (agent.actions !== null && !agent.actions.includes(actionType)) {
    throw new AppError(
      "forbidden",
      "action_type_not_allowed",
      `This agent key may not propose "${actionType}"; it is scoped to: ${agent.actions.join(", ") || "nothing"}`,
    );
  }
  const policy = deps.policies.active();
  checkAgainstPolicy(policy, input);

  const requestHash = sha256HexNative(canonicalJson(input));
  if (idempotencyKey !== null) {
    const existing = await deps.store.proposalByIdempotencyKey(agent.agentId, idempotencyKey);
    if (existing !== null) return replay(existing, requestHash);
  }

  const id = deps.newId();
  const now = deps.now();
  const at = now.toISOString();
  const raw = input.signals.agentConfidence ?? null;
  const { signals, decision } = evaluate(policy, id, agent.agentId, input);
  const routed = proposalTransition("new", { kind: "routed", verdict: decision.route.verdict });
  if (!routed.ok) throw new Error(`routing produced an impossible status: ${routed.reason}`);

  const doc: ProposalDoc = {
    revision: 1,
    action: input.action,
    finalPayload: null,
    request: input.request ?? null,
    summary: input.summary ?? null,
    evidence: input.evidence,
    toolCalls: input.toolCalls,
    context: input.context,
    alternatives: input.alternatives,
    rollbackPlan: input.rollbackPlan ?? null,
    route: decision.route,
    signals,
    confidence: { calibrated: raw, raw, calibration: null },
    execution: { attempts: 0 },
    info: [],
    agentName: agent.agentId,
  };
  const row: ProposalRow = {
    id,
    agentId: agent.agentId,
    actionType,
    status: routed.to,
    executionStatus: "not_started",
    idempotencyKey,
    requestHash,
    policyVersion: policy.version,
    infoDueAt: routed.to === "needs_info" ? addMs(now, infoWindowMs(policy)) : null,
    version: 1,
    createdAt: at,
    updatedAt: at,
    doc,
  };
  const review = reviewFor(deps, row, decision, now);
  const view = proposalView(row, review ? [review] : [], [], null);
  row.doc = { ...doc, response: view };

  const actor = actorOf(agent);
  const writes: Write[] = [{ kind: "insertProposal", row }];
  const audit: AuditDraft[] = [
    {
      at,
      actor,
      type: "proposal.submitted",
      proposalId: id,
      data: {
        actionType,
        revision: 1,
        payloadHash: hashPayloadNative(input.action.payload),
        requestHash,
        idempotencyKey,
      },
    },
    routedEntry(at, id, decision.route, routed.to, signals),
  ];
  if (review !== null) {
    writes.push({ kind: "insertReview", row: review });
    audit.push(reviewOpenedEntry(at, review));
  }
  const result = await deps.store.commit({ writes, audit });
  if (!result.ok) {
    if (result.conflict.kind === "idempotency") {
      const existing = await deps.store.proposal(result.conflict.existingId);
      if (existing !== null) return replay(existing, requestHash);
    }
    throw new Error(`unexpected conflict while storing a new proposal: ${JSON.stringify(result.conflict)}`);
  }
  deps.events.publish({
    type: "proposal.created",
    proposalId: id,
    reviewId: review?.id ?? null,
    agentId: agent.agentId,
    queue: review?.queue ?? null,
    status: row.status,
    at,
  });
  return { proposal: view, replayed: false };
}

/**
 * Computes a proposal's signals and routes it by the policy: the pure heart of submission, shared by
 * a first submission and by a revision answering a request for information.
 */
export function evaluate(
  policy: CompiledPolicy,
  proposalId: string,
  agentId: string,
  input: Pick<
    ProposalInput,
    "action" | "request" | "summary" | "evidence" | "toolCalls" | "context" | "signals"
  >,
): { signals: Signals; decision: RouteDecision } {
  const settings = policy.actionTypes.get(input.action.type)!;
  const signals = computeSignals({
    action: input.action,
    request: input.request,
    summary: input.summary,
    evidence: input.evidence,
    supplied: input.signals,
    settings: {
      topics: policy.topics ?? DEFAULT_TOPICS,
      amountField: settings.amountField,
      draftField: settings.draftField,
    },
  });
  const raw = input.signals.agentConfidence ?? null;
  const decision = routeProposal(policy, {
    proposalId,
    action: input.action,
    request: input.request ?? null,
    summary: input.summary ?? null,
    evidence: input.evidence,
    toolCalls: input.toolCalls,
    context: input.context,
    agent: { id: agentId, name: agentId },
    signals,
    confidence: raw,
    agentConfidence: raw,
    thresholdAuto: NO_THRESHOLD,
  });
  return { signals, decision };
}

/** Refuses an action type the policy does not declare, or a payload that fails its schema. */
export function checkAgainstPolicy(
  policy: CompiledPolicy,
  input: { action: { type: string; payload: unknown } },
) {
  const type = input.action.type;
  if (!policy.actionTypes.has(type)) {
    const declared = [...policy.actionTypes.keys()].join(", ");
    throw invalidInput("unknown_action_type", [
      {
        path: "action.type",
        message: `"${type}" is not declared in the policy (version ${policy.version}); declared action types: ${declared}`,
      },
    ]);
  }
  const issues = validatePayload(policy, type, input.action.payload);
  if (issues.length > 0) throw invalidInput("invalid_payload", issues);
}

function replay(existing: ProposalRow, requestHash: string): ProposeResult {
  if (existing.requestHash !== requestHash) {
    throw new AppError(
      "unprocessable",
      "idempotency_key_reused",
      "This Idempotency-Key was already used with a different body: use a new key for a new proposal",
      { proposalId: existing.id },
    );
  }
  return { proposal: existing.doc.response as Proposal, replayed: true };
}

/** The review a routed proposal opens, or null when it needs no person now. */
export function reviewFor(
  deps: AppDeps,
  row: ProposalRow,
  decision: RouteDecision,
  now: Date,
): ReviewRow | null {
  const plan = decision.review;
  if (plan === null) return null;
  const at = now.toISOString();
  return {
    id: deps.newId(),
    proposalId: row.id,
    queue: plan.queue,
    status: plan.level > 0 ? "escalated" : "pending",
    level: plan.level,
    priority: plan.priority,
    dueAt: addMs(now, plan.slaMs),
    approvalsRequired: plan.approvalsRequired,
    approvers: [],
    claimedBy: null,
    claimExpiresAt: null,
    actionType: row.actionType,
    agentId: row.agentId,
    summary: row.doc.summary,
    policyVersion: row.policyVersion,
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
}

/** The audit entry recording a route; it holds the route object as `data.route`. */
export function routedEntry(
  at: string,
  proposalId: string,
  route: Route,
  status: string,
  signals: Signals,
): AuditDraft {
  return {
    at,
    actor: { kind: "system", id: "loopgate", name: "Loopgate" },
    type: "proposal.routed",
    proposalId,
    data: { route, status, policyVersion: route.policyVersion, signalsHash: hashPayloadNative(signals) },
  };
}

export function reviewOpenedEntry(at: string, review: ReviewRow): AuditDraft {
  return {
    at,
    actor: { kind: "system", id: "loopgate", name: "Loopgate" },
    type: "review.opened",
    proposalId: review.proposalId,
    data: {
      reviewId: review.id,
      queue: review.queue,
      level: review.level,
      dueAt: review.dueAt,
      approvalsRequired: review.approvalsRequired,
      policyVersion: review.policyVersion,
    },
  };
}

/** How long an agent has to answer a request for information: the default queue's due time. */
export function infoWindowMs(policy: CompiledPolicy): number {
  return policy.queues.get("default")?.slaMs ?? 4 * 3_600_000;
}

export function addMs(date: Date, ms: number): string {
  return new Date(date.getTime() + ms).toISOString();
}
