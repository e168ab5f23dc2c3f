import type {
  ExecutionStatus,
  ProposalStatus,
  ReviewReconciliation,
  ReviewStatus,
  Role,
} from "@loopgate/core";

/**
 * The rows of the core tables (migration 0001 and the columns later migrations added), as the `Store`
 * port reads and writes them: the columns the store filters on, plus a JSON document for the rest.
 */

export interface ProposalRow {
  id: string;
  agentId: string;
  actionType: string;
  status: ProposalStatus;
  executionStatus: ExecutionStatus;
  /** Scoped to the agent; null when the agent sent no `Idempotency-Key`. */
  idempotencyKey: string | null;
  /** SHA-256 of the canonical submitted body, to tell a replay from a different body under the same key. */
  requestHash: string;
  policyVersion: number;
  /** Set while the proposal waits for the agent's information; the timer expires it after this time. */
  infoDueAt: string | null;
  /** Optimistic-concurrency counter, incremented by every update. */
  version: number;
  createdAt: string;
  updatedAt: string;
  /** The proposal's content: input, route, signals, confidence, final payload, execution details. */
  doc: ProposalDoc;
  /**
   * The JSON text a submission was answered with, returned again on an idempotent replay (0014); null
   * or absent for rows written before, whose document holds it as `response`.
   */
  response?: string | null;
}

/** The JSON document kept with a proposal. */
export interface ProposalDoc {
  revision: number;
  action: { type: string; payload: Record<string, unknown> };
  finalPayload: Record<string, unknown> | null;
  request: Record<string, unknown> | null;
  summary: string | null;
  evidence: unknown[];
  toolCalls: unknown[];
  context: Record<string, unknown>;
  alternatives: unknown[];
  rollbackPlan: string | null;
  route: unknown;
  signals: unknown;
  confidence: unknown;
  execution: { attempts: number; result?: unknown };
  /** The agent's answers to requests for information; `evidenceBefore` is absent on answers stored before it was recorded. */
  info: { at: string; message: string | null; evidenceBefore?: number }[];
  agentName: string;
  /**
   * The original response to the submission, on rows written before migration 0014 (newer rows keep it
   * in {@link ProposalRow.response}).
   */
  response?: unknown;
  /** The W3C `traceparent` the agent sent, passed on to executors. */
  traceparent?: string;
  /** Earlier refused proposals this one nearly repeats or splits (bypass resistance). */
  linkedTo?: string[];
  /**
   * Set on a seeded known-bad proposal (reviewer vigilance): never shown to anyone but in vigilance
   * reports, and it keeps the proposal out of execution, notifications, labels, metrics and history.
   */
  canary?: { name: string };
}

export interface ReviewRow {
  id: string;
  proposalId: string;
  queue: string;
  status: ReviewStatus;
  level: number;
  priority: number;
  dueAt: string;
  approvalsRequired: number;
  approvers: { id: string; name: string; at: string }[];
  claimedBy: { id: string; name: string } | null;
  claimExpiresAt: string | null;
  /** Denormalised from the proposal for filtering and listing. */
  actionType: string;
  agentId: string;
  summary: string | null;
  policyVersion: number;
  version: number;
  createdAt: string;
  updatedAt: string;
  /** Set on a review that settles an execution's outcome (0021); null on a review of a proposal. */
  reconciliation: ReviewReconciliation | null;
}

export interface DecisionRow {
  id: string;
  reviewId: string;
  proposalId: string;
  verdict: string;
  byId: string;
  byName: string;
  at: string;
  category: string | null;
  comment: string | null;
  packetHash: string | null;
  payload: Record<string, unknown> | null;
}

export interface PolicyRow {
  version: number;
  text: string;
  hash: string;
  createdAt: string;
  createdBy: string;
}

export interface UserRow {
  id: string;
  name: string;
  role: Role;
  /** Queues the person works; empty for every queue. */
  queues: string[];
  /** May see unmasked personal data. */
  pii: boolean;
  passwordHash: string | null;
  createdAt: string;
}

export interface ApiKeyRow {
  id: string;
  name: string;
  role: Role;
  /** SHA-256 (hex) of the secret; the secret itself is never stored. */
  hash: string;
  /** For agent keys: the action types it may propose (null for all). */
  actions: string[] | null;
  /** The person a reviewer, owner or auditor key acts as; null for agent keys. */
  userId: string | null;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

/** Open reviews of one queue, as the reviewer app's inbox counts them. */
export interface QueueSummaryRow {
  queue: string;
  open: number;
  oldestAt: string;
  nextDueAt: string;
}

/** A person's sign-in session (the reviewer app's cookie). */
export interface SessionRow {
  id: string;
  /** SHA-256 (hex) of the cookie's secret; the secret itself is never stored. */
  tokenHash: string;
  userId: string;
  createdAt: string;
  /** Refreshed now and then while the session is used; the idle expiry counts from here. */
  lastSeenAt: string;
  /** The absolute end of the session, however active. */
  expiresAt: string;
  /** Set when the person signs out. */
  endedAt: string | null;
}
