import type { AuditDraft } from "@loopgate/core";
import type {
  ApiKeyRow,
  Change,
  DecisionRow,
  ProposalRow,
  ReviewRow,
  UserRow,
  Write,
} from "../../src/store/store.ts";

/**
 * Row factories for store-backed tests: valid rows with readable defaults, each overridable.
 * Ids are unique per call; times default to a fixed instant so lists sort predictably.
 */

let counter = 0;
/** A unique id with a readable prefix, e.g. `prop_000042`. */
export const testId = (prefix: string): string =>
  `${prefix}_${String(++counter).padStart(6, "0")}_${process.pid}`;

export const T0 = "2026-11-23T12:00:00.000Z";

/** `T0` plus the given seconds, as an ISO string. */
export const at = (seconds: number): string => new Date(Date.parse(T0) + seconds * 1000).toISOString();

export function proposalRow(overrides: Partial<ProposalRow> = {}): ProposalRow {
  const actionType = overrides.actionType ?? "support.reply";
  return {
    id: testId("prop"),
    agentId: "agent_support",
    actionType,
    status: "pending_review",
    executionStatus: "not_started",
    idempotencyKey: null,
    requestHash: "a".repeat(64),
    policyVersion: 1,
    infoDueAt: null,
    version: 1,
    createdAt: T0,
    updatedAt: T0,
    response: null,
    doc: {
      revision: 1,
      action: { type: actionType, payload: { to: "ada@example.com", body: "Your refund is on its way." } },
      finalPayload: null,
      request: { text: "Where is my refund?" },
      summary: "Reply about a refund",
      evidence: [{ kind: "kb", text: "Refunds take 5 days" }],
      toolCalls: [],
      context: { ticket: 17 },
      alternatives: [],
      rollbackPlan: null,
      route: { verdict: "review", reasons: [] },
      signals: { pii: false },
      confidence: { value: 0.9 },
      execution: { attempts: 0 },
      info: [],
      agentName: "Support bot",
    },
    ...overrides,
  };
}

export function reviewRow(proposal: ProposalRow, overrides: Partial<ReviewRow> = {}): ReviewRow {
  return {
    id: testId("rev"),
    proposalId: proposal.id,
    queue: "support",
    status: "pending",
    level: 0,
    priority: 0,
    dueAt: at(3600),
    approvalsRequired: 1,
    approvers: [],
    claimedBy: null,
    claimExpiresAt: null,
    actionType: proposal.actionType,
    agentId: proposal.agentId,
    summary: proposal.doc.summary,
    policyVersion: proposal.policyVersion,
    version: 1,
    createdAt: T0,
    updatedAt: T0,
    reconciliation: null,
    ...overrides,
  };
}

export function decisionRow(review: ReviewRow, overrides: Partial<DecisionRow> = {}): DecisionRow {
  return {
    id: testId("dec"),
    reviewId: review.id,
    proposalId: review.proposalId,
    verdict: "approve",
    byId: "user_ann",
    byName: "Ann",
    at: at(60),
    category: null,
    comment: "fine",
    packetHash: "b".repeat(64),
    payload: { to: "ada@example.com", body: "Your refund is on its way." },
    ...overrides,
  };
}

export function userRow(overrides: Partial<UserRow> = {}): UserRow {
  const id = testId("user");
  return {
    id,
    name: `person-${id}`,
    role: "reviewer",
    queues: ["support"],
    pii: false,
    passwordHash: "scrypt$abc",
    createdAt: T0,
    ...overrides,
  };
}

export function apiKeyRow(overrides: Partial<ApiKeyRow> = {}): ApiKeyRow {
  const id = testId("key");
  return {
    id,
    name: `key ${id}`,
    role: "agent",
    hash: `${id}`.padEnd(64, "0"),
    actions: ["support.reply"],
    userId: null,
    createdAt: T0,
    expiresAt: null,
    revokedAt: null,
    ...overrides,
  };
}

export function auditDraft(
  type: string,
  proposalId: string | null,
  data: Record<string, unknown> = {},
): AuditDraft {
  return {
    at: T0,
    actor: { kind: "agent", id: "agent_support", name: "Support bot" },
    type,
    proposalId,
    data,
  };
}

/** A change that inserts one proposal and records it, as propose does. */
export function proposeChange(proposal: ProposalRow = proposalRow()): Change {
  return {
    writes: [{ kind: "insertProposal", row: proposal }],
    audit: [auditDraft("proposal.created", proposal.id, { actionType: proposal.actionType })],
  };
}

/** A submission as propose makes it: the proposal, its review, and three audit entries. */
export function submissionChange(idempotencyKey: string | null = null): Change {
  const proposal = proposalRow({ idempotencyKey });
  const review = reviewRow(proposal);
  return {
    writes: [
      { kind: "insertProposal", row: proposal },
      { kind: "insertReview", row: review },
    ],
    audit: [
      auditDraft("proposal.submitted", proposal.id, { actionType: proposal.actionType }),
      auditDraft("proposal.routed", proposal.id, { route: { verdict: "review", reasons: [] } }),
      auditDraft("review.opened", proposal.id, { reviewId: review.id }),
    ],
  };
}

/** A change of the given writes with one audit entry. */
export function changeOf(writes: Write[], type = "test.change"): Change {
  return { writes, audit: [auditDraft(type, null, { writes: writes.length })] };
}
