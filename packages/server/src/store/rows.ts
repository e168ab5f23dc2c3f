import type { ApiKeyRow, DecisionRow, PolicyRow, ProposalRow, ReviewRow, UserRow } from "./store.ts";

/**
 * Mapping between the port's rows and table columns, shared by both engines. SQLite hands JSON
 * columns back as text and booleans as 0/1; PostgreSQL hands back parsed jsonb, booleans and BIGINT
 * as strings: the readers below accept both.
 */

/** A row as a driver returns it, keyed by column name. */
export type DbRecord = Record<string, unknown>;
/** A bound parameter. Booleans become 0/1 on SQLite. */
export type SqlValue = string | number | boolean | null;

/**
 * Where a document serialised ahead of its write keeps its JSON text: the embedded store's writer
 * thread receives each proposal document as text (see writer-docs.ts) with only the facts the commit
 * reads as an object, and writes the text as it is; a new proposal's document carries the text it
 * was serialised to together with the submission's answer (app/submission-json.ts). The text must be
 * the document's: a document that carries one is not changed afterwards.
 */
const DOC_TEXT: unique symbol = Symbol("docText");

/** `facts` (a document, or the facts standing for one), carrying `text` as the document's JSON text to store. */
export function withDocText<T extends object>(facts: T, text: string): T {
  Object.defineProperty(facts, DOC_TEXT, { value: text });
  return facts;
}

/** A document's JSON text: the text it was serialised to ahead of the write, else serialised now. */
export const docJson = (doc: object): string =>
  (doc as { [DOC_TEXT]?: string })[DOC_TEXT] ?? JSON.stringify(doc);

/** A JSON column's text. */
export const toJson = (value: unknown): string => JSON.stringify(value);
/** A nullable JSON column's text. */
export const toJsonOrNull = (value: unknown): string | null => (value == null ? null : JSON.stringify(value));
/** Every JSON column holds an object or an array, so a string can only be SQLite's JSON text. */
export const fromJson = <T>(value: unknown): T =>
  (typeof value === "string" ? JSON.parse(value) : value) as T;
const fromJsonOrNull = <T>(value: unknown): T | null => (value == null ? null : fromJson<T>(value));
/** Column readers: a text column, a nullable one, an integer (PostgreSQL's BIGINT comes back as text). */
export const text = (value: unknown): string => value as string;
export const textOrNull = (value: unknown): string | null => (value == null ? null : (value as string));
export const int = (value: unknown): number => Number(value);

export const PROPOSAL_COLUMNS = [
  "workspace_id",
  "id",
  "agent_id",
  "action_type",
  "status",
  "execution_status",
  "idempotency_key",
  "request_hash",
  "policy_version",
  "info_due_at",
  "version",
  "created_at",
  "updated_at",
  "doc",
  "entity",
  "response",
] as const;

/**
 * The `entity` column: the document's `context.entity` when it is a string (or a number, as its
 * text), kept beside the document so the reviewer app's entity history has a plain index (0012).
 */
export function entityOf(doc: { context?: Record<string, unknown> }): string | null {
  const entity = doc.context?.entity;
  if (typeof entity === "string") return entity;
  return typeof entity === "number" && Number.isFinite(entity) ? String(entity) : null;
}

export function proposalValues(workspaceId: string, row: ProposalRow): SqlValue[] {
  return [
    workspaceId,
    row.id,
    row.agentId,
    row.actionType,
    row.status,
    row.executionStatus,
    row.idempotencyKey,
    row.requestHash,
    row.policyVersion,
    row.infoDueAt,
    row.version,
    row.createdAt,
    row.updatedAt,
    docJson(row.doc),
    entityOf(row.doc),
    row.response ?? null,
  ];
}

export function proposalFromDb(r: DbRecord): ProposalRow {
  return {
    id: text(r.id),
    agentId: text(r.agent_id),
    actionType: text(r.action_type),
    status: text(r.status) as ProposalRow["status"],
    executionStatus: text(r.execution_status) as ProposalRow["executionStatus"],
    idempotencyKey: textOrNull(r.idempotency_key),
    requestHash: text(r.request_hash),
    policyVersion: int(r.policy_version),
    infoDueAt: textOrNull(r.info_due_at),
    version: int(r.version),
    createdAt: text(r.created_at),
    updatedAt: text(r.updated_at),
    doc: fromJson(r.doc),
    response: textOrNull(r.response),
  };
}

/** A review's `approvers` column (JSON text on SQLite, parsed jsonb on PostgreSQL). */
export const approversOf = (value: unknown): ReviewRow["approvers"] => fromJson(value);

export const REVIEW_COLUMNS = [
  "workspace_id",
  "id",
  "proposal_id",
  "queue",
  "status",
  "level",
  "priority",
  "due_at",
  "approvals_required",
  "approvers",
  "claimed_by",
  "claim_expires_at",
  "action_type",
  "agent_id",
  "summary",
  "policy_version",
  "version",
  "created_at",
  "updated_at",
  "claim_holder",
  "reconciliation",
] as const;

export function reviewValues(workspaceId: string, row: ReviewRow): SqlValue[] {
  return [
    workspaceId,
    row.id,
    row.proposalId,
    row.queue,
    row.status,
    row.level,
    row.priority,
    row.dueAt,
    row.approvalsRequired,
    toJson(row.approvers),
    toJsonOrNull(row.claimedBy),
    row.claimExpiresAt,
    row.actionType,
    row.agentId,
    row.summary,
    row.policyVersion,
    row.version,
    row.createdAt,
    row.updatedAt,
    // claim_holder (0015): the claim's holder as a plain column, for the open-review indexes.
    row.claimedBy?.id ?? null,
    // reconciliation (0021): what a reconciliation review settles, fixed when it opens.
    toJsonOrNull(row.reconciliation),
  ];
}

export function reviewFromDb(r: DbRecord): ReviewRow {
  return {
    id: text(r.id),
    proposalId: text(r.proposal_id),
    queue: text(r.queue),
    status: text(r.status) as ReviewRow["status"],
    level: int(r.level),
    priority: int(r.priority),
    dueAt: text(r.due_at),
    approvalsRequired: int(r.approvals_required),
    approvers: approversOf(r.approvers),
    claimedBy: fromJsonOrNull(r.claimed_by),
    claimExpiresAt: textOrNull(r.claim_expires_at),
    actionType: text(r.action_type),
    agentId: text(r.agent_id),
    summary: textOrNull(r.summary),
    policyVersion: int(r.policy_version),
    version: int(r.version),
    createdAt: text(r.created_at),
    updatedAt: text(r.updated_at),
    reconciliation: fromJsonOrNull(r.reconciliation),
  };
}

export const DECISION_COLUMNS = [
  "workspace_id",
  "id",
  "review_id",
  "proposal_id",
  "verdict",
  "by_id",
  "by_name",
  "at",
  "category",
  "comment",
  "packet_hash",
  "payload",
] as const;

export function decisionValues(workspaceId: string, row: DecisionRow): SqlValue[] {
  return [
    workspaceId,
    row.id,
    row.reviewId,
    row.proposalId,
    row.verdict,
    row.byId,
    row.byName,
    row.at,
    row.category,
    row.comment,
    row.packetHash,
    toJsonOrNull(row.payload),
  ];
}

export function decisionFromDb(r: DbRecord): DecisionRow {
  return {
    id: text(r.id),
    reviewId: text(r.review_id),
    proposalId: text(r.proposal_id),
    verdict: text(r.verdict),
    byId: text(r.by_id),
    byName: text(r.by_name),
    at: text(r.at),
    category: textOrNull(r.category),
    comment: textOrNull(r.comment),
    packetHash: textOrNull(r.packet_hash),
    payload: fromJsonOrNull(r.payload),
  };
}

export const POLICY_COLUMNS = [
  "workspace_id",
  "version",
  "text",
  "hash",
  "created_at",
  "created_by",
] as const;

export function policyValues(
  workspaceId: string,
  version: number,
  row: Omit<PolicyRow, "version">,
): SqlValue[] {
  return [workspaceId, version, row.text, row.hash, row.createdAt, row.createdBy];
}

export function policyFromDb(r: DbRecord): PolicyRow {
  return {
    version: int(r.version),
    text: text(r.text),
    hash: text(r.hash),
    createdAt: text(r.created_at),
    createdBy: text(r.created_by),
  };
}

export const USER_COLUMNS = [
  "workspace_id",
  "id",
  "name",
  "role",
  "queues",
  "pii",
  "password_hash",
  "created_at",
] as const;

export function userValues(workspaceId: string, row: UserRow): SqlValue[] {
  return [
    workspaceId,
    row.id,
    row.name,
    row.role,
    toJson(row.queues),
    row.pii,
    row.passwordHash,
    row.createdAt,
  ];
}

export function userFromDb(r: DbRecord): UserRow {
  return {
    id: text(r.id),
    name: text(r.name),
    role: text(r.role) as UserRow["role"],
    queues: fromJson(r.queues),
    pii: Boolean(r.pii),
    passwordHash: textOrNull(r.password_hash),
    createdAt: text(r.created_at),
  };
}

export const API_KEY_COLUMNS = [
  "workspace_id",
  "id",
  "name",
  "role",
  "hash",
  "actions",
  "user_id",
  "created_at",
  "expires_at",
  "revoked_at",
] as const;

export function apiKeyValues(workspaceId: string, row: ApiKeyRow): SqlValue[] {
  return [
    workspaceId,
    row.id,
    row.name,
    row.role,
    row.hash,
    toJsonOrNull(row.actions),
    row.userId,
    row.createdAt,
    row.expiresAt,
    row.revokedAt,
  ];
}

export function apiKeyFromDb(r: DbRecord): ApiKeyRow {
  return {
    id: text(r.id),
    name: text(r.name),
    role: text(r.role) as ApiKeyRow["role"],
    hash: text(r.hash),
    actions: fromJsonOrNull(r.actions),
    userId: textOrNull(r.user_id),
    createdAt: text(r.created_at),
    expiresAt: textOrNull(r.expires_at),
    revokedAt: textOrNull(r.revoked_at),
  };
}
