import type { AuditDraft, BypassFinding } from "@loopgate/core";
import {
  type CompiledPolicy,
  type Confidence,
  canonicalJsonWithPart,
  computeSignals,
  DEFAULT_TOPICS,
  dueAfter,
  type Proposal,
  ProposalInput,
  proposalTransition,
  type QueueLoad,
  type Route,
  type RouteDecision,
  routeProposal,
  type Signals,
  validatePayload,
} from "@loopgate/core";
import { withDocText } from "../store/rows.ts";
import type { ProposalDoc, ProposalRow, ReviewRow, Write } from "../store/store.ts";
import { AppError, invalidInput } from "./app-error.ts";
import { checkBypass } from "./bypass-check.ts";
import { type Calibrator, calibratorFor, UNCALIBRATED } from "./calibrate.ts";
import { publishCanary, seedCanary } from "./canaries.ts";
import type { AppDeps } from "./deps.ts";
import { executionPlan } from "./execution-plan.ts";
import { withExecutions } from "./execution-view.ts";
import { hashCanonicalNative, hashPayloadNative, sha256HexNative } from "./native-hash.ts";
import { actorOf, type Principal, requireAgent } from "./principal.ts";
import { proposalView } from "./proposal-view.ts";
import { overloadedQueues } from "./queue-load.ts";
import { heldRoute, stopCovering } from "./stop-scope.ts";
import { submissionJson } from "./submission-json.ts";
import { parseInput } from "./zod-issues.ts";

const NO_OVERLOAD: ReadonlyMap<string, QueueLoad> = new Map();

export interface ProposeResult {
  proposal: Proposal;
  /** The proposal as JSON text: the response body, the same bytes a replay returns. */
  json: string;
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
  traceparent: string | null = null,
): Promise<ProposeResult> {
  const agent = requireAgent(principal);
  const input = parseInput(ProposalInput, body, "invalid_input");
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

  // A replay is found by the commit below: the key's unique index refuses the insert and the original
  // is answered. Looking it up here first would cost every submission a read to speed up a rare retry.
  // The payload's canonical text comes out of the same walk, for the submission's audit entry.
  const canonical = canonicalJsonWithPart(input, input.action.payload);
  const requestHash = sha256HexNative(canonical.text);

  const id = deps.newId();
  const now = deps.now();
  const at = now.toISOString();
  const bypass = await checkBypass(deps, policy, id, agent.agentId, input, now);
  const calibrator = await calibratorFor(deps, agent.agentId, actionType);
  const overloaded = await overloadedQueues(deps.store, policy);
  const evaluated = evaluate(policy, id, agent.agentId, input, bypass.findings, calibrator, overloaded);
  const { signals, decision } = evaluated;
  const stop = await stopCovering(deps.store, agent.agentId, actionType);
  // Held by a stop, or by the overload section (the agent is paused while its queue is past capacity).
  const held = stop !== null || decision.hold !== undefined;
  const route =
    stop !== null
      ? heldRoute(decision.route, stop)
      : decision.hold === undefined
        ? decision.route
        : { ...decision.route, reasons: [...decision.route.reasons, decision.hold] };
  const routed = proposalTransition("new", {
    kind: "routed",
    verdict: held ? "held" : decision.route.verdict,
  });
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
    route,
    signals,
    confidence: evaluated.confidence,
    execution: { attempts: 0 },
    info: [],
    agentName: agent.agentId,
    ...(traceparent === null ? {} : { traceparent }),
    ...(bypass.linkedTo.length === 0 ? {} : { linkedTo: bypass.linkedTo }),
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
    response: null,
  };
  const review = held ? null : reviewFor(deps, row, decision, now);
  const execution = executionPlan(deps, row, policy, null, now);
  // Auto-approved and carried out by the agent: the answer carries the signed grant to run it under,
  // as every later read of the proposal does.
  const granted = execution.writes.find(
    (w): w is Extract<Write, { kind: "insertExecution" }> =>
      w.kind === "insertExecution" && w.row.doc.executor.via === "agent",
  );
  const packet = proposalView(row, review ? [review] : [], [], null);
  const view = granted === undefined ? packet : withExecutions(packet, [granted.row], deps.signingKey);
  // The answer, kept in the row's response column for idempotent replays, and the document's text for
  // its column, serialised together: they share the packet.
  const texts = submissionJson(doc, view);
  withDocText(doc, texts.doc);
  const json = texts.view;
  row.response = json;

  const actor = actorOf(agent);
  const writes: Write[] = [{ kind: "insertProposal", row }, ...bypass.writes];
  const audit: AuditDraft[] = [
    {
      at,
      actor,
      type: "proposal.submitted",
      proposalId: id,
      data: {
        actionType,
        revision: 1,
        payloadHash: hashCanonicalNative(canonical.part),
        requestHash,
        idempotencyKey,
      },
    },
    routedEntry(at, id, route, routed.to, signals),
  ];
  writes.push(...execution.writes);
  audit.push(...execution.audit);
  if (review !== null) {
    writes.push({ kind: "insertReview", row: review });
    audit.push(reviewOpenedEntry(at, review));
  }
  // Reviewer vigilance: now and then a review brings a known-bad canary along (null almost always).
  const canary =
    review === null || policy.document.canaries === undefined
      ? null
      : await seedCanary(deps, policy, row, review, now);
  if (canary !== null) {
    writes.push(...canary.writes);
    audit.push(...canary.audit);
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
  if (canary !== null) publishCanary(deps, canary);
  return { proposal: view, json, replayed: false };
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
  bypass: readonly BypassFinding[] = [],
  calibrator: Calibrator = UNCALIBRATED,
  overloaded: ReadonlyMap<string, QueueLoad> = NO_OVERLOAD,
): { signals: Signals; decision: RouteDecision; confidence: Confidence } {
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
  signals.bypass = bypass.length > 0;
  const confidence = calibrator.confidence(input.signals.agentConfidence ?? null, signals);
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
    confidence: confidence.calibrated,
    agentConfidence: confidence.raw,
    thresholdAuto: calibrator.thresholdAuto,
    ...(calibrator.stage === undefined ? {} : { stage: calibrator.stage }),
    ...(overloaded.size === 0 ? {} : { overloaded }),
    bypass,
  });
  return { signals, decision, confidence };
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
  // Rows written before migration 0014 hold it in the document: as text, or (older still) an object.
  const stored = existing.response ?? existing.doc.response;
  const json = typeof stored === "string" ? stored : JSON.stringify(stored);
  return { proposal: JSON.parse(json) as Proposal, json, replayed: true };
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
    dueAt: dueAfter(now, plan.slaMs, plan.businessHours).toISOString(),
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
    reconciliation: null,
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
