import type {
  AuditDraft,
  AuditEntry,
  ExecutionStatus,
  ProposalStatus,
  ReviewStatus,
  Role,
} from "@loopgate/core";

/**
 * The Store port: everything Loopgate keeps, behind one contract that both engines (the embedded
 * SQLite store and PostgreSQL) pass with the same test suite.
 *
 * Writes go through {@link Store.commit} as one {@link Change}: a list of row writes with
 * optimistic-concurrency preconditions plus the audit entries that record them. A change is applied
 * atomically (all rows and all audit entries in one transaction) or not at all. Concurrent commits may
 * share one durable commit (group commit); each change still succeeds or fails on its own.
 *
 * Every row belongs to a workspace; a single `default` workspace is used for now.
 */
export interface Store {
  readonly engine: "sqlite" | "postgres";

  /** Applies numbered migrations not yet applied. Safe to call on every start and from several processes. */
  migrate(): Promise<void>;
  close(): Promise<void>;

  /** Applies a change atomically, with its audit entries chained in the same transaction. */
  commit(change: Change): Promise<CommitResult>;

  // Reads. Each returns committed data only.
  activePolicy(): Promise<PolicyRow | null>;
  policyVersion(version: number): Promise<PolicyRow | null>;
  apiKeyByHash(hash: string): Promise<ApiKeyRow | null>;
  userByName(name: string): Promise<UserRow | null>;
  user(id: string): Promise<UserRow | null>;
  proposal(id: string): Promise<ProposalRow | null>;
  proposalByIdempotencyKey(agentId: string, key: string): Promise<ProposalRow | null>;
  review(id: string): Promise<ReviewRow | null>;
  reviewsOfProposal(proposalId: string): Promise<ReviewRow[]>;
  decisionsOfProposal(proposalId: string): Promise<DecisionRow[]>;
  /** Reviews matching the filter, ordered by due time then id, after `cursor` (an opaque string from a previous page). */
  listReviews(filter: ReviewFilter, limit: number, cursor?: string): Promise<ListPage<ReviewRow>>;
  /** Open (pending or escalated) reviews whose due time is at or before `now`, oldest due first. */
  dueReviews(now: string, limit: number): Promise<ReviewRow[]>;
  /** Proposals in `needs_info` whose `infoDueAt` is at or before `now`. */
  dueInfoRequests(now: string, limit: number): Promise<ProposalRow[]>;
  listAudit(filter: AuditFilter, limit: number, cursor?: string): Promise<ListPage<AuditEntry>>;
  /** The newest audit entry, or null for an empty chain. */
  auditHead(): Promise<AuditEntry | null>;
  /** Audit entries in `seq` order from `fromSeq` (inclusive), for export and verification. */
  auditRange(fromSeq: number, limit: number): Promise<AuditEntry[]>;
}

/** One page of a list, with the cursor for the next page or null at the end. */
export interface ListPage<T> {
  items: T[];
  nextCursor: string | null;
}

export interface ReviewFilter {
  /** Limit to these statuses; default: pending and escalated. */
  statuses?: ReviewStatus[];
  /** Limit to these queues (a reviewer limited to queues); undefined for every queue. */
  queues?: string[];
  actionType?: string;
  agentId?: string;
}

export interface AuditFilter {
  proposalId?: string;
  type?: string;
  since?: string;
  until?: string;
}

/** Rows: the columns the store filters on, plus a JSON document for the rest. */
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
  info: { at: string; message: string | null }[];
  agentName: string;
  /** The original response to the submission, returned again on an idempotent replay. */
  response?: unknown;
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

/** One row write inside a change. Updates name the version they expect; a mismatch fails the whole change. */
export type Write =
  | { kind: "insertProposal"; row: ProposalRow }
  | { kind: "updateProposal"; id: string; expectVersion: number; set: ProposalPatch }
  | { kind: "insertReview"; row: ReviewRow }
  | { kind: "updateReview"; id: string; expectVersion: number; set: ReviewPatch }
  | { kind: "insertDecision"; row: DecisionRow }
  | { kind: "insertPolicy"; row: Omit<PolicyRow, "version"> }
  | { kind: "insertUser"; row: UserRow }
  | { kind: "insertApiKey"; row: ApiKeyRow };

export type ProposalPatch = Partial<
  Pick<ProposalRow, "status" | "executionStatus" | "policyVersion" | "infoDueAt" | "updatedAt" | "doc">
>;
export type ReviewPatch = Partial<
  Pick<
    ReviewRow,
    | "status"
    | "dueAt"
    | "approvers"
    | "claimedBy"
    | "claimExpiresAt"
    | "priority"
    | "updatedAt"
    | "queue"
    | "level"
  >
>;

/** A unit of work: row writes and the audit entries that record them, applied together or not at all. */
export interface Change {
  writes: Write[];
  audit: AuditDraft[];
}

export type CommitResult =
  | {
      ok: true;
      /** The audit entries as chained. */
      audit: AuditEntry[];
      /** The version given to an inserted policy, when the change inserted one. */
      policyVersion?: number;
    }
  | { ok: false; conflict: Conflict };

/** Why a change was not applied. Nothing of it was written. */
export type Conflict =
  | { kind: "version"; table: "proposals" | "reviews"; id: string }
  | { kind: "idempotency"; agentId: string; key: string; existingId: string }
  | { kind: "duplicate"; table: string; id: string };
