import type { CalibrationMap, ReliabilityBin, ThresholdEvidence } from "@loopgate/core";
import type { SqlValue } from "./rows.ts";
import type { SqlRunner } from "./sql-runner.ts";
import type { Conflict } from "./store.ts";

/**
 * The learning loop in SQL (migration 0006), shared by both engines: review labels, calibration maps,
 * threshold recommendations and the thresholds in force — their rows, statements, the writes
 * `applyChange` delegates here and the reads the store delegates here.
 */

/** A person as the learning tables record them. */
export interface PersonRef {
  id: string;
  name: string;
}

/** One reviewed proposal as calibration evidence, written with the decision that closed its review. */
export interface ReviewLabelRow {
  proposalId: string;
  agentId: string;
  actionType: string;
  /** 1 approved unchanged, 0 refused, in between edited (`reviewLabel`). */
  label: number;
  editDistance: number;
  agentConfidence: number;
  /** The calibrated confidence the proposal was routed with, and the map that gave it (null: none yet). */
  calibratedConfidence: number | null;
  calibrationId: string | null;
  /** The numeric signals as routed (`numericSignals`). */
  signals: Record<string, number>;
  labelledAt: string;
}

/** Calibration quality on the evidence a map was fitted on: raw against calibrated (out of fold). */
export interface CalibrationMetrics {
  reviewed: number;
  ece: { raw: number; calibrated: number };
  brier: { raw: number; calibrated: number };
  reliability: ReliabilityBin[];
  reliabilityRaw: ReliabilityBin[];
}

/** The calibration map in force for an agent and action type. */
export interface CalibrationMapRow {
  agentId: string;
  actionType: string;
  id: string;
  map: CalibrationMap;
  /** Labelled proposals the map was fitted on. */
  evidence: number;
  /** Labelled proposals that existed when it was fitted (the refit rule compares against this). */
  labelled: number;
  fittedAt: string;
  metrics: CalibrationMetrics;
}

export type RecommendationStatus = "proposed" | "approved" | "superseded";

export interface RecommendationRow {
  id: string;
  agentId: string;
  actionType: string;
  status: RecommendationStatus;
  threshold: number;
  targetErrorRate: number;
  detail: ThresholdEvidence;
  /** The calibration map whose confidences the threshold applies to. */
  calibrationId: string;
  requestedBy: PersonRef | null;
  requestedAt: string | null;
  approvedBy: PersonRef | null;
  approvedAt: string | null;
  /** The policy version it came in force with. */
  policyVersion: number | null;
  createdAt: string;
  version: number;
}

/** `thresholds.auto` in force for an agent and action type; it outlives any policy file loaded later. */
export interface ThresholdRow {
  agentId: string;
  actionType: string;
  auto: number;
  recommendationId: string;
  /** The policy version it came in force with (the one inserted in the same change). */
  policyVersion: number;
  approvedBy: PersonRef;
  approvedAt: string;
}

export type RecommendationPatch = Partial<
  Pick<
    RecommendationRow,
    "status" | "requestedBy" | "requestedAt" | "approvedBy" | "approvedAt" | "policyVersion"
  >
>;

export type CalibrationWrite =
  /** Inserts a label, or replaces the proposal's earlier one. */
  | { kind: "putReviewLabel"; row: ReviewLabelRow }
  /** Stores a map; only over the map `expectId` (null: only when none exists), else the change fails. */
  | { kind: "putCalibrationMap"; row: CalibrationMapRow; expectId: string | null }
  /** Marks the pair's `proposed` recommendations superseded (before inserting the next one). */
  | { kind: "supersedeRecommendations"; agentId: string; actionType: string }
  | { kind: "insertRecommendation"; row: RecommendationRow }
  | { kind: "updateRecommendation"; id: string; expectVersion: number; set: RecommendationPatch }
  /**
   * Approves a proposed recommendation, recording the newest policy version as the one it came in force
   * with. Goes after the change's `insertPolicy`: it fails the change unless that insert made version
   * `expectPolicyVersion`, so a policy loaded meanwhile is never overwritten by an older text.
   */
  | {
      kind: "approveRecommendation";
      id: string;
      expectVersion: number;
      expectPolicyVersion: number;
      approvedBy: PersonRef;
      approvedAt: string;
    }
  /** Puts a threshold in force, recording the newest policy version (the one this change inserted). */
  | { kind: "putThreshold"; row: Omit<ThresholdRow, "policyVersion"> };

const LABEL_COLUMNS = [
  "workspace_id",
  "proposal_id",
  "agent_id",
  "action_type",
  "label",
  "edit_distance",
  "agent_confidence",
  "calibrated_confidence",
  "calibration_id",
  "signals",
  "labelled_at",
] as const;
const MAP_COLUMNS = [
  "workspace_id",
  "agent_id",
  "action_type",
  "id",
  "map",
  "evidence",
  "labelled",
  "fitted_at",
  "metrics",
] as const;
const RECOMMENDATION_COLUMNS = [
  "workspace_id",
  "id",
  "agent_id",
  "action_type",
  "status",
  "threshold",
  "target_error_rate",
  "detail",
  "calibration_id",
  "requested_by",
  "requested_at",
  "approved_by",
  "approved_at",
  "policy_version",
  "created_at",
  "version",
] as const;

const marks = (n: number) => Array.from({ length: n }, () => "?").join(", ");
const updates = (columns: readonly string[], skip: number) =>
  columns
    .slice(skip)
    .map((c) => `${c} = excluded.${c}`)
    .join(", ");
export const json = (value: unknown): string => JSON.stringify(value);
export const fromJson = <T>(value: unknown): T =>
  (typeof value === "string" ? JSON.parse(value) : value) as T;
const PAIR = "workspace_id = ? AND agent_id = ? AND action_type = ?";

export const CALIBRATION_SQL = {
  putLabel: `INSERT INTO review_labels (${LABEL_COLUMNS.join(", ")}) VALUES (${marks(LABEL_COLUMNS.length)})
    ON CONFLICT (workspace_id, proposal_id) DO UPDATE SET ${updates(LABEL_COLUMNS, 2)}`,
  insertMap: `INSERT INTO calibration_maps (${MAP_COLUMNS.join(", ")}) VALUES (${marks(MAP_COLUMNS.length)}) ON CONFLICT DO NOTHING`,
  updateMap: `UPDATE calibration_maps SET id = ?, map = ?, evidence = ?, labelled = ?, fitted_at = ?, metrics = ?
    WHERE ${PAIR} AND id = ?`,
  supersede: `UPDATE threshold_recommendations SET status = 'superseded', version = version + 1
    WHERE ${PAIR} AND status = 'proposed'`,
  insertRecommendation: `INSERT INTO threshold_recommendations (${RECOMMENDATION_COLUMNS.join(", ")})
    VALUES (${marks(RECOMMENDATION_COLUMNS.length)}) ON CONFLICT DO NOTHING`,
  putThreshold: `INSERT INTO thresholds_in_force
    (workspace_id, agent_id, action_type, auto, recommendation_id, policy_version, approved_by, approved_at)
    SELECT ?, ?, ?, ?, ?, COALESCE(MAX(version), 0), ?, ? FROM policies WHERE workspace_id = ?
    ON CONFLICT (workspace_id, agent_id, action_type) DO UPDATE SET auto = excluded.auto,
    recommendation_id = excluded.recommendation_id, policy_version = excluded.policy_version,
    approved_by = excluded.approved_by, approved_at = excluded.approved_at`,
  approve: `UPDATE threshold_recommendations SET status = 'approved', approved_by = ?, approved_at = ?,
    policy_version = (SELECT MAX(version) FROM policies WHERE workspace_id = ?), version = version + 1
    WHERE workspace_id = ? AND id = ? AND version = ? AND status = 'proposed'
    AND (SELECT MAX(version) FROM policies WHERE workspace_id = ?) = ?`,
  labelCounts: `SELECT agent_id, action_type, COUNT(*) AS labelled FROM review_labels WHERE workspace_id = ?
    GROUP BY agent_id, action_type ORDER BY agent_id, action_type`,
  labels: `SELECT * FROM review_labels WHERE ${PAIR} ORDER BY labelled_at DESC, proposal_id DESC LIMIT ?`,
  maps: "SELECT * FROM calibration_maps WHERE workspace_id = ? ORDER BY agent_id, action_type",
  recommendation: "SELECT * FROM threshold_recommendations WHERE workspace_id = ? AND id = ?",
  thresholds: "SELECT * FROM thresholds_in_force WHERE workspace_id = ? ORDER BY agent_id, action_type",
} as const;

/** Applies one learning-loop write inside the batch transaction; a conflict writes nothing. */
export async function applyCalibrationWrite(
  tx: SqlRunner,
  ws: string,
  write: CalibrationWrite,
): Promise<Conflict | null> {
  switch (write.kind) {
    case "putReviewLabel": {
      const r = write.row;
      await tx.run(CALIBRATION_SQL.putLabel, [
        ws,
        r.proposalId,
        r.agentId,
        r.actionType,
        r.label,
        r.editDistance,
        r.agentConfidence,
        r.calibratedConfidence,
        r.calibrationId,
        json(r.signals),
        r.labelledAt,
      ]);
      return null;
    }
    case "putCalibrationMap": {
      const r = write.row;
      const fields = [r.id, json(r.map), r.evidence, r.labelled, r.fittedAt, json(r.metrics)];
      const changed =
        write.expectId === null
          ? await tx.run(CALIBRATION_SQL.insertMap, [ws, r.agentId, r.actionType, ...fields])
          : await tx.run(CALIBRATION_SQL.updateMap, [...fields, ws, r.agentId, r.actionType, write.expectId]);
      if (changed === 1) return null;
      const id = `${r.agentId}/${r.actionType}`;
      return write.expectId === null
        ? { kind: "duplicate", table: "calibration_maps", id }
        : { kind: "missing", table: "calibration_maps", id };
    }
    case "supersedeRecommendations":
      await tx.run(CALIBRATION_SQL.supersede, [ws, write.agentId, write.actionType]);
      return null;
    case "insertRecommendation":
      return (await tx.run(CALIBRATION_SQL.insertRecommendation, recommendationValues(ws, write.row))) === 1
        ? null
        : { kind: "duplicate", table: "threshold_recommendations", id: write.row.id };
    case "updateRecommendation": {
      const entries = Object.entries(write.set).filter(([, v]) => v !== undefined);
      const columns = entries.map(([k]) => `${PATCH_COLUMNS[k as keyof RecommendationPatch]} = ?`);
      const values = entries.map(([k, v]) =>
        k === "requestedBy" || k === "approvedBy" ? (v === null ? null : json(v)) : (v as SqlValue),
      );
      const sql = `UPDATE threshold_recommendations SET ${[...columns, "version = version + 1"].join(", ")}
        WHERE workspace_id = ? AND id = ? AND version = ?`;
      return (await tx.run(sql, [...values, ws, write.id, write.expectVersion])) === 1
        ? null
        : { kind: "missing", table: "threshold_recommendations", id: write.id };
    }
    case "approveRecommendation": {
      const { id, approvedBy, approvedAt, expectVersion, expectPolicyVersion } = write;
      const changed = await tx.run(CALIBRATION_SQL.approve, [
        json(approvedBy),
        approvedAt,
        ws,
        ws,
        id,
        expectVersion,
        ws,
        expectPolicyVersion,
      ]);
      return changed === 1 ? null : { kind: "missing", table: "threshold_recommendations", id };
    }
    case "putThreshold": {
      const r = write.row;
      await tx.run(CALIBRATION_SQL.putThreshold, [
        ws,
        r.agentId,
        r.actionType,
        r.auto,
        r.recommendationId,
        json(r.approvedBy),
        r.approvedAt,
        ws,
      ]);
      return null;
    }
    default:
      return unreachable(write);
  }
}

const PATCH_COLUMNS: Record<keyof RecommendationPatch, string> = {
  status: "status",
  requestedBy: "requested_by",
  requestedAt: "requested_at",
  approvedBy: "approved_by",
  approvedAt: "approved_at",
  policyVersion: "policy_version",
};

function recommendationValues(ws: string, r: RecommendationRow): SqlValue[] {
  return [
    ws,
    r.id,
    r.agentId,
    r.actionType,
    r.status,
    r.threshold,
    r.targetErrorRate,
    json(r.detail),
    r.calibrationId,
    r.requestedBy === null ? null : json(r.requestedBy),
    r.requestedAt,
    r.approvedBy === null ? null : json(r.approvedBy),
    r.approvedAt,
    r.policyVersion,
    r.createdAt,
    r.version,
  ];
}

function unreachable(write: never): never {
  throw new TypeError(`unknown calibration write ${JSON.stringify((write as { kind?: unknown }).kind)}`);
}
