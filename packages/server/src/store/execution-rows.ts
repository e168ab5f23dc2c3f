import type { ExecutionDecision, ExecutionRowStatus } from "@loopgate/core";
import type { DbRecord, SqlValue } from "./rows.ts";

/**
 * Rows of the execution tables (migration 0002): the outbox of executions with their attempts and
 * lease, the stops in force, and the grants already used. Both engines map them here.
 */

/** How an execution is carried out, copied from the policy version that approved it. */
export interface ExecutorSnapshot {
  via: "webhook" | "agent";
  url: string | null;
  /** As written in the policy, e.g. `env:SUPPORT_HOOK_SECRET`; resolved when an attempt is sent. */
  secret: string | null;
  idempotent: boolean;
  timeoutMs: number;
  /** Attempts in all: the first one plus `retry.attempts`. Non-idempotent executors get one. */
  maxAttempts: number;
}

/** The JSON document kept with an execution. */
export interface ExecutionDoc {
  action: { type: string; payload: Record<string, unknown> };
  decision: ExecutionDecision | null;
  executor: ExecutorSnapshot;
  traceparent: string | null;
  /** For `via: agent`: what the grant binds (the signature is computed when the grant is shown). */
  grant?: { payloadHash: string; issuedAt: string; expiresAt: string };
  /** The last attempt's outcome, for people and the proposal view. */
  lastError: string | null;
  lastStatusCode: number | null;
}

/** One execution: carrying out an approved action, or rolling one back. `id` is its webhook-id. */
export interface ExecutionRow {
  id: string;
  proposalId: string;
  kind: "execute" | "rollback";
  agentId: string;
  actionType: string;
  status: ExecutionRowStatus;
  attempts: number;
  /** When the next attempt is due (queued), or null. */
  nextAttemptAt: string | null;
  /** The process sending the current attempt, while `executing`. */
  leaseOwner: string | null;
  /** When the current attempt counts as cut off (a crash), while `executing`. */
  leaseExpiresAt: string | null;
  /** The review a person decides when the outcome is `unknown` or `dead_lettered`. */
  reconciliationReviewId: string | null;
  /** For a rollback: the execution it undoes. */
  rollbackOf: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  doc: ExecutionDoc;
}

export type ExecutionPatch = Partial<
  Pick<
    ExecutionRow,
    | "status"
    | "attempts"
    | "nextAttemptAt"
    | "leaseOwner"
    | "leaseExpiresAt"
    | "reconciliationReviewId"
    | "updatedAt"
    | "doc"
  >
>;

/** An owner's halt of automation in a scope; both scope fields null means everything. */
export interface StopRow {
  id: string;
  agentId: string | null;
  actionType: string | null;
  reason: string;
  createdBy: { id: string; name: string };
  createdAt: string;
  liftedAt: string | null;
  liftedBy: { id: string; name: string } | null;
  /** Why it was lifted, when the person lifting it said (0022). */
  liftReason: string | null;
  version: number;
}

/** How many proposals one agent has `held` for one action type. */
export interface HeldCount {
  agentId: string;
  actionType: string;
  held: number;
}

/** A grant reported as used: a second use of the same grant is refused. */
export interface GrantUseRow {
  grantId: string;
  proposalId: string;
  payloadHash: string;
  usedAt: string;
}

/** The writes of the execution tables, part of the Store port's `Write`. */
export type ExecutionWrite =
  | { kind: "insertExecution"; row: ExecutionRow }
  /**
   * Updates an execution at the version read. With `unlessStopped`, the change is refused with a
   * `stopped` conflict when a stop in force covers that agent and action type — checked inside the
   * transaction, so no attempt starts after a stop commits.
   */
  | {
      kind: "updateExecution";
      id: string;
      expectVersion: number;
      set: ExecutionPatch;
      unlessStopped?: { agentId: string; actionType: string };
    }
  /** Mirrors an execution's status on its proposal; no version check (no other writer sets this field). */
  | { kind: "setProposalExecutionStatus"; proposalId: string; status: string; at: string }
  | { kind: "insertStop"; row: StopRow }
  | {
      kind: "updateStop";
      id: string;
      expectVersion: number;
      set: Pick<StopRow, "liftedAt" | "liftedBy" | "liftReason">;
    }
  | { kind: "insertGrantUse"; row: GrantUseRow };

const json = (value: unknown): string => JSON.stringify(value);
const fromJson = <T>(value: unknown): T => (typeof value === "string" ? JSON.parse(value) : value) as T;
const textOrNull = (value: unknown): string | null => (value == null ? null : String(value));

export const EXECUTION_COLUMNS = [
  "workspace_id",
  "id",
  "proposal_id",
  "kind",
  "agent_id",
  "action_type",
  "status",
  "attempts",
  "next_attempt_at",
  "lease_owner",
  "lease_expires_at",
  "reconciliation_review_id",
  "rollback_of",
  "version",
  "created_at",
  "updated_at",
  "doc",
] as const;

export function executionValues(ws: string, row: ExecutionRow): SqlValue[] {
  return [
    ws,
    row.id,
    row.proposalId,
    row.kind,
    row.agentId,
    row.actionType,
    row.status,
    row.attempts,
    row.nextAttemptAt,
    row.leaseOwner,
    row.leaseExpiresAt,
    row.reconciliationReviewId,
    row.rollbackOf,
    row.version,
    row.createdAt,
    row.updatedAt,
    json(row.doc),
  ];
}

export function executionFromDb(r: DbRecord): ExecutionRow {
  return {
    id: String(r.id),
    proposalId: String(r.proposal_id),
    kind: String(r.kind) as ExecutionRow["kind"],
    agentId: String(r.agent_id),
    actionType: String(r.action_type),
    status: String(r.status) as ExecutionRowStatus,
    attempts: Number(r.attempts),
    nextAttemptAt: textOrNull(r.next_attempt_at),
    leaseOwner: textOrNull(r.lease_owner),
    leaseExpiresAt: textOrNull(r.lease_expires_at),
    reconciliationReviewId: textOrNull(r.reconciliation_review_id),
    rollbackOf: textOrNull(r.rollback_of),
    version: Number(r.version),
    createdAt: String(r.created_at),
    updatedAt: String(r.updated_at),
    doc: fromJson(r.doc),
  };
}

const EXECUTION_PATCH: Record<keyof Required<ExecutionPatch>, [string, (v: never) => SqlValue]> = {
  status: ["status", (v: string) => v],
  attempts: ["attempts", (v: number) => v],
  nextAttemptAt: ["next_attempt_at", (v: string | null) => v],
  leaseOwner: ["lease_owner", (v: string | null) => v],
  leaseExpiresAt: ["lease_expires_at", (v: string | null) => v],
  reconciliationReviewId: ["reconciliation_review_id", (v: string | null) => v],
  updatedAt: ["updated_at", (v: string) => v],
  doc: ["doc", (v: ExecutionDoc) => json(v)],
};

/** The columns an execution patch sets, in a fixed order, and their values. */
export function executionPatch(set: ExecutionPatch): { columns: string[]; values: SqlValue[] } {
  const columns: string[] = [];
  const values: SqlValue[] = [];
  for (const key of Object.keys(EXECUTION_PATCH) as (keyof ExecutionPatch)[]) {
    const value = set[key];
    if (value === undefined) continue;
    const [column, encode] = EXECUTION_PATCH[key];
    columns.push(column);
    values.push(encode(value as never));
  }
  return { columns, values };
}

export const STOP_COLUMNS = [
  "workspace_id",
  "id",
  "agent_id",
  "action_type",
  "reason",
  "created_by",
  "created_at",
  "lifted_at",
  "lifted_by",
  "version",
  "lift_reason",
] as const;

export function stopValues(ws: string, row: StopRow): SqlValue[] {
  return [
    ws,
    row.id,
    row.agentId,
    row.actionType,
    row.reason,
    json(row.createdBy),
    row.createdAt,
    row.liftedAt,
    row.liftedBy === null ? null : json(row.liftedBy),
    row.version,
    row.liftReason,
  ];
}

export function stopFromDb(r: DbRecord): StopRow {
  return {
    id: String(r.id),
    agentId: textOrNull(r.agent_id),
    actionType: textOrNull(r.action_type),
    reason: String(r.reason),
    createdBy: fromJson(r.created_by),
    createdAt: String(r.created_at),
    liftedAt: textOrNull(r.lifted_at),
    liftedBy: r.lifted_by == null ? null : fromJson(r.lifted_by),
    liftReason: textOrNull(r.lift_reason),
    version: Number(r.version),
  };
}

export const GRANT_USE_COLUMNS = [
  "workspace_id",
  "grant_id",
  "proposal_id",
  "payload_hash",
  "used_at",
] as const;

export function grantUseValues(ws: string, row: GrantUseRow): SqlValue[] {
  return [ws, row.grantId, row.proposalId, row.payloadHash, row.usedAt];
}

export function grantUseFromDb(r: DbRecord): GrantUseRow {
  return {
    grantId: String(r.grant_id),
    proposalId: String(r.proposal_id),
    payloadHash: String(r.payload_hash),
    usedAt: String(r.used_at),
  };
}

/** Whether a stop covers an agent's action of a type. */
export function stopCovers(
  stop: Pick<StopRow, "agentId" | "actionType">,
  agentId: string,
  actionType: string,
) {
  return (
    (stop.agentId === null || stop.agentId === agentId) &&
    (stop.actionType === null || stop.actionType === actionType)
  );
}
