import type { AutonomyStage, BreakerReading } from "@loopgate/core";
import { fromJson, json, type PersonRef } from "./calibration-rows.ts";
import type { DbRecord, SqlValue } from "./rows.ts";
import type { SqlRunner } from "./sql-runner.ts";
import type { Conflict } from "./store.ts";

/**
 * Earned autonomy and outcomes in SQL (migration 0009), shared by both engines: the rows, the writes
 * `applyChange` delegates here and the row mappers the reads use.
 */

/** Who recorded an outcome: the proposing agent's key or a person. */
export interface OutcomeActor {
  kind: "agent" | "user";
  id: string;
  name: string;
}

/** What happened after an action ran (`POST /v1/proposals/:id/outcome`). */
export interface OutcomeRow {
  id: string;
  proposalId: string;
  agentId: string;
  actionType: string;
  kind: "fine" | "incident" | "note";
  severity: "low" | "medium" | "high" | null;
  comment: string | null;
  recordedBy: OutcomeActor;
  at: string;
}

/** The stage in force for an agent and action type, set by the change `changeId`. */
export interface AutonomyStageRow {
  agentId: string;
  actionType: string;
  stage: AutonomyStage;
  changeId: string;
  policyVersion: number;
  changedAt: string;
}

/** One promotion or demotion. */
export interface AutonomyChangeRow {
  id: string;
  agentId: string;
  actionType: string;
  kind: "promotion" | "demotion";
  from: AutonomyStage;
  to: AutonomyStage;
  reason: string;
  breaker: BreakerReading | null;
  promotionId: string | null;
  /** Null: Loopgate itself (a breaker). */
  by: PersonRef | null;
  at: string;
  /** The policy version the change came in force with (the one inserted in the same commit). */
  policyVersion: number;
}

export type PromotionStatus = "requested" | "approved" | "superseded";

/** A promotion one owner asked for; `evidence` holds the evidence and criteria as judged then. */
export interface PromotionRow {
  id: string;
  agentId: string;
  actionType: string;
  from: AutonomyStage;
  to: AutonomyStage;
  status: PromotionStatus;
  comment: string | null;
  evidence: Record<string, unknown>;
  requestedBy: PersonRef & { at: string };
  approvedBy: (PersonRef & { at: string }) | null;
  policyVersion: number | null;
  createdAt: string;
  version: number;
}

/** A person's decision on an action that already ran (a post-review), for the override breaker. */
export interface UnattendedReviewRow {
  proposalId: string;
  agentId: string;
  actionType: string;
  verdict: string;
  /** Anything but approval: the reviewer disagreed with what ran. */
  overridden: boolean;
  decidedAt: string;
}

export type AutonomyWrite =
  | { kind: "insertOutcome"; row: OutcomeRow }
  /** Records (or replaces) the post-review decision of a proposal. */
  | { kind: "putUnattendedReview"; row: UnattendedReviewRow }
  /** Fails the change (duplicate) when the pair already has a promotion waiting for approval. */
  | { kind: "insertPromotion"; row: PromotionRow }
  /** Sets a requested promotion's status (superseded), expecting its version. */
  | { kind: "supersedePromotion"; id: string; expectVersion: number }
  /**
   * Approves a requested promotion, recording the newest policy version; goes after the change's
   * `insertPolicy` and fails the change unless that insert made version `expectPolicyVersion`.
   */
  | {
      kind: "approvePromotion";
      id: string;
      expectVersion: number;
      expectPolicyVersion: number;
      approvedBy: PersonRef & { at: string };
    }
  /**
   * Records a promotion or demotion and puts its stage in force, expecting the stage row the caller read
   * (`expectChangeId`: the change that set it, or null when none exists), so that two replicas demoting
   * at once change the stage once. The policy version is the newest (the one inserted in the change).
   */
  | { kind: "changeStage"; row: Omit<AutonomyChangeRow, "policyVersion">; expectChangeId: string | null };

const OUTCOME_COLUMNS = [
  "workspace_id",
  "id",
  "proposal_id",
  "agent_id",
  "action_type",
  "kind",
  "severity",
  "comment",
  "recorded_by",
  "at",
] as const;
const PROMOTION_COLUMNS = [
  "workspace_id",
  "id",
  "agent_id",
  "action_type",
  "from_stage",
  "to_stage",
  "status",
  "comment",
  "evidence",
  "requested_by",
  "approved_by",
  "policy_version",
  "created_at",
  "version",
] as const;

const marks = (n: number) => Array.from({ length: n }, () => "?").join(", ");
const NEWEST_POLICY = "(SELECT COALESCE(MAX(version), 0) FROM policies WHERE workspace_id = ?)";

export const AUTONOMY_SQL = {
  putUnattendedReview: `INSERT INTO unattended_reviews
    (workspace_id, proposal_id, agent_id, action_type, verdict, overridden, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (workspace_id, proposal_id) DO UPDATE SET verdict = excluded.verdict,
    overridden = excluded.overridden, decided_at = excluded.decided_at`,
  insertOutcome: `INSERT INTO outcomes (${OUTCOME_COLUMNS.join(", ")}) VALUES (${marks(OUTCOME_COLUMNS.length)})
    ON CONFLICT DO NOTHING`,
  insertPromotion: `INSERT INTO autonomy_promotions (${PROMOTION_COLUMNS.join(", ")})
    VALUES (${marks(PROMOTION_COLUMNS.length)}) ON CONFLICT DO NOTHING`,
  supersedePromotion: `UPDATE autonomy_promotions SET status = 'superseded', version = version + 1
    WHERE workspace_id = ? AND id = ? AND version = ? AND status = 'requested'`,
  approvePromotion: `UPDATE autonomy_promotions SET status = 'approved', approved_by = ?,
    policy_version = ${NEWEST_POLICY}, version = version + 1
    WHERE workspace_id = ? AND id = ? AND version = ? AND status = 'requested' AND ${NEWEST_POLICY} = ?`,
  insertStage: `INSERT INTO autonomy_stages
    (workspace_id, agent_id, action_type, stage, change_id, policy_version, changed_at)
    VALUES (?, ?, ?, ?, ?, ${NEWEST_POLICY}, ?) ON CONFLICT DO NOTHING`,
  updateStage: `UPDATE autonomy_stages SET stage = ?, change_id = ?, policy_version = ${NEWEST_POLICY},
    changed_at = ? WHERE workspace_id = ? AND agent_id = ? AND action_type = ? AND change_id = ?`,
  insertChange: `INSERT INTO autonomy_changes (workspace_id, id, agent_id, action_type, kind, from_stage,
    to_stage, reason, breaker, promotion_id, changed_by, at, policy_version)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ${NEWEST_POLICY}) ON CONFLICT DO NOTHING`,
} as const;

/** Applies one autonomy or outcome write inside the batch transaction; a conflict writes nothing. */
export async function applyAutonomyWrite(
  tx: SqlRunner,
  ws: string,
  write: AutonomyWrite,
): Promise<Conflict | null> {
  switch (write.kind) {
    case "insertOutcome": {
      const r = write.row;
      const values: SqlValue[] = [
        ws,
        r.id,
        r.proposalId,
        r.agentId,
        r.actionType,
        r.kind,
        r.severity,
        r.comment,
        json(r.recordedBy),
        r.at,
      ];
      return (await tx.run(AUTONOMY_SQL.insertOutcome, values)) === 1
        ? null
        : { kind: "duplicate", table: "outcomes", id: r.id };
    }
    case "putUnattendedReview": {
      const r = write.row;
      await tx.run(AUTONOMY_SQL.putUnattendedReview, [
        ws,
        r.proposalId,
        r.agentId,
        r.actionType,
        r.verdict,
        r.overridden ? 1 : 0,
        r.decidedAt,
      ]);
      return null;
    }
    case "insertPromotion": {
      const r = write.row;
      const values: SqlValue[] = [
        ws,
        r.id,
        r.agentId,
        r.actionType,
        r.from,
        r.to,
        r.status,
        r.comment,
        json(r.evidence),
        json(r.requestedBy),
        r.approvedBy === null ? null : json(r.approvedBy),
        r.policyVersion,
        r.createdAt,
        r.version,
      ];
      return (await tx.run(AUTONOMY_SQL.insertPromotion, values)) === 1
        ? null
        : { kind: "duplicate", table: "autonomy_promotions", id: `${r.agentId}/${r.actionType}` };
    }
    case "supersedePromotion":
      return (await tx.run(AUTONOMY_SQL.supersedePromotion, [ws, write.id, write.expectVersion])) === 1
        ? null
        : { kind: "missing", table: "autonomy_promotions", id: write.id };
    case "approvePromotion": {
      const changed = await tx.run(AUTONOMY_SQL.approvePromotion, [
        json(write.approvedBy),
        ws,
        ws,
        write.id,
        write.expectVersion,
        ws,
        write.expectPolicyVersion,
      ]);
      return changed === 1 ? null : { kind: "missing", table: "autonomy_promotions", id: write.id };
    }
    case "changeStage": {
      const r = write.row;
      const pair = `${r.agentId}/${r.actionType}`;
      const stageChanged =
        write.expectChangeId === null
          ? await tx.run(AUTONOMY_SQL.insertStage, [ws, r.agentId, r.actionType, r.to, r.id, ws, r.at])
          : await tx.run(AUTONOMY_SQL.updateStage, [
              r.to,
              r.id,
              ws,
              r.at,
              ws,
              r.agentId,
              r.actionType,
              write.expectChangeId,
            ]);
      if (stageChanged !== 1) return { kind: "missing", table: "autonomy_stages", id: pair };
      const inserted = await tx.run(AUTONOMY_SQL.insertChange, [
        ws,
        r.id,
        r.agentId,
        r.actionType,
        r.kind,
        r.from,
        r.to,
        r.reason,
        r.breaker === null ? null : json(r.breaker),
        r.promotionId,
        r.by === null ? null : json(r.by),
        r.at,
        ws,
      ]);
      return inserted === 1 ? null : { kind: "duplicate", table: "autonomy_changes", id: r.id };
    }
    default:
      return unreachable(write);
  }
}

const nullable = <T>(v: unknown, map: (v: unknown) => T): T | null => (v == null ? null : map(v));

export function outcomeFromDb(r: DbRecord): OutcomeRow {
  return {
    id: String(r.id),
    proposalId: String(r.proposal_id),
    agentId: String(r.agent_id),
    actionType: String(r.action_type),
    kind: String(r.kind) as OutcomeRow["kind"],
    severity: nullable(r.severity, String) as OutcomeRow["severity"],
    comment: nullable(r.comment, String),
    recordedBy: fromJson(r.recorded_by),
    at: String(r.at),
  };
}

export function stageFromDb(r: DbRecord): AutonomyStageRow {
  return {
    agentId: String(r.agent_id),
    actionType: String(r.action_type),
    stage: String(r.stage) as AutonomyStage,
    changeId: String(r.change_id),
    policyVersion: Number(r.policy_version),
    changedAt: String(r.changed_at),
  };
}

export function changeFromDb(r: DbRecord): AutonomyChangeRow {
  return {
    id: String(r.id),
    agentId: String(r.agent_id),
    actionType: String(r.action_type),
    kind: String(r.kind) as AutonomyChangeRow["kind"],
    from: String(r.from_stage) as AutonomyStage,
    to: String(r.to_stage) as AutonomyStage,
    reason: String(r.reason),
    breaker: nullable(r.breaker, fromJson<BreakerReading>),
    promotionId: nullable(r.promotion_id, String),
    by: nullable(r.changed_by, fromJson<PersonRef>),
    at: String(r.at),
    policyVersion: Number(r.policy_version),
  };
}

export function promotionFromDb(r: DbRecord): PromotionRow {
  return {
    id: String(r.id),
    agentId: String(r.agent_id),
    actionType: String(r.action_type),
    from: String(r.from_stage) as AutonomyStage,
    to: String(r.to_stage) as AutonomyStage,
    status: String(r.status) as PromotionStatus,
    comment: nullable(r.comment, String),
    evidence: fromJson(r.evidence),
    requestedBy: fromJson(r.requested_by),
    approvedBy: nullable(r.approved_by, fromJson<PersonRef & { at: string }>),
    policyVersion: nullable(r.policy_version, Number),
    createdAt: String(r.created_at),
    version: Number(r.version),
  };
}

function unreachable(write: never): never {
  throw new TypeError(`unknown autonomy write ${JSON.stringify((write as { kind?: unknown }).kind)}`);
}
