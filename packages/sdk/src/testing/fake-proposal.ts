import type { ProposalReview, Route, RouteReason, Signals } from "@loopgate/core/wire";
import type { JsonObject, Proposal, ProposeInput, ReviewItem } from "../types.ts";

/** How long a fake review stays open before its due time: one day, as a typical queue's deadline. */
const REVIEW_DUE_MS = 24 * 60 * 60 * 1000;

/**
 * A proposal as the API would answer it, before routing, built from the caller's input with the
 * defaults the server applies (`evidence: []`, `signals: {}`, …).
 */
export function newProposal(id: string, agent: string, input: ProposeInput, at: string): Proposal {
  const payload = input.action.payload ?? {};
  const supplied = input.signals ?? {};
  return {
    id,
    status: "pending_review",
    agent,
    revision: 1,
    action: { type: input.action.type, payload },
    finalPayload: null,
    request: input.request ?? null,
    summary: input.summary ?? null,
    evidence: input.evidence ?? [],
    toolCalls: input.toolCalls ?? [],
    context: input.context ?? {},
    alternatives: (input.alternatives ?? []).map((a) => ({
      summary: a.summary,
      ...(a.action ? { action: { type: a.action.type, payload: a.action.payload ?? {} } } : {}),
    })),
    rollbackPlan: input.rollbackPlan ?? null,
    route: route("review", "default", "routed for review", "review_all"),
    signals: signals(payload, supplied.agentConfidence, supplied.agent),
    confidence: { calibrated: null, raw: supplied.agentConfidence ?? null, calibration: null },
    review: null,
    reviews: [],
    decisions: [],
    execution: { status: "not_started", attempts: 0 },
    info: [],
    packetHash: packetHash(id, 1),
    createdAt: at,
    updatedAt: at,
  };
}

/**
 * The fake's stand-in for the hash of the packet a reviewer sees: it changes with each revision, which is
 * when the real packet changes too, so a stale hash in a decision is caught as the server would.
 */
export function packetHash(proposalId: string, revision: number): string {
  return `fake-packet-${proposalId}-r${revision}`;
}

/** A route with one reason. */
export function route(
  verdict: RouteReason["route"],
  rule: string,
  message: string,
  stage: Route["stage"],
): Route {
  return { verdict, reasons: [{ rule, route: verdict, message }], policyVersion: 1, sampled: false, stage };
}

/** A fresh review of a proposal, waiting in the queue named after the action type's first segment. */
export function newReview(id: string, proposal: Proposal, level: number, now: number): ReviewItem {
  return {
    id,
    proposalId: proposal.id,
    queue: proposal.action.type.split(".")[0] ?? "default",
    status: level > 0 ? "escalated" : "pending",
    level,
    priority: 0,
    dueAt: new Date(now + REVIEW_DUE_MS).toISOString(),
    approvalsRequired: 1,
    approvalsGiven: 0,
    approvers: [],
    claim: null,
    actionType: proposal.action.type,
    agent: proposal.agent,
    summary: proposal.summary,
    policyVersion: proposal.route.policyVersion,
    createdAt: new Date(now).toISOString(),
    reconciliation: null,
  };
}

/** The review summary a proposal embeds. */
export function reviewSummary(review: ReviewItem): ProposalReview {
  const { id, queue, status, level, dueAt, approvalsRequired, approvalsGiven } = review;
  return { id, queue, status, level, dueAt, approvalsRequired, approvalsGiven };
}

/** Applies a JSON Merge Patch (RFC 7396): `null` removes a field, objects merge, anything else replaces. */
export function mergePatch(target: JsonObject, patch: JsonObject): JsonObject {
  const result: JsonObject = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else if (isObject(value) && isObject(result[key])) result[key] = mergePatch(result[key], value);
    else result[key] = value;
  }
  return result;
}

function signals(
  payload: JsonObject,
  agentConfidence: number | undefined,
  agent: Signals["agent"] | undefined,
): Signals {
  return {
    pii: { email: false, phone: false, cardNumber: false, iban: false, nationalId: false, any: false },
    topics: [],
    grounding: null,
    sentiment: null,
    amount: typeof payload.amount === "number" ? payload.amount : null,
    novelty: null,
    history: { overrideRate: null },
    agentConfidence: agentConfidence ?? null,
    agent: agent ?? {},
  };
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
