import {
  CALIBRATION_SQL,
  type CalibrationMapRow,
  fromJson,
  type PersonRef,
  type RecommendationRow,
  type RecommendationStatus,
  type ReviewLabelRow,
  type ThresholdRow,
} from "./calibration-rows.ts";
import { decodeReviewCursor, encodeReviewCursor } from "./cursor.ts";
import type { DbRecord, SqlValue } from "./rows.ts";
import type { SqlRunner } from "./sql-runner.ts";
import type { ListPage } from "./store.ts";

/** Reads of the learning loop's tables (migration 0006), shared by both engines. */

const nullable = <T>(v: unknown, map: (v: unknown) => T): T | null => (v == null ? null : map(v));

function labelFromDb(r: DbRecord): ReviewLabelRow {
  return {
    proposalId: String(r.proposal_id),
    agentId: String(r.agent_id),
    actionType: String(r.action_type),
    label: Number(r.label),
    editDistance: Number(r.edit_distance),
    agentConfidence: Number(r.agent_confidence),
    calibratedConfidence: nullable(r.calibrated_confidence, Number),
    calibrationId: nullable(r.calibration_id, String),
    signals: fromJson(r.signals),
    labelledAt: String(r.labelled_at),
  };
}

function mapFromDb(r: DbRecord): CalibrationMapRow {
  return {
    agentId: String(r.agent_id),
    actionType: String(r.action_type),
    id: String(r.id),
    map: fromJson(r.map),
    evidence: Number(r.evidence),
    labelled: Number(r.labelled),
    fittedAt: String(r.fitted_at),
    metrics: fromJson(r.metrics),
  };
}

function recommendationFromDb(r: DbRecord): RecommendationRow {
  return {
    id: String(r.id),
    agentId: String(r.agent_id),
    actionType: String(r.action_type),
    status: String(r.status) as RecommendationStatus,
    threshold: Number(r.threshold),
    targetErrorRate: Number(r.target_error_rate),
    detail: fromJson(r.detail),
    calibrationId: String(r.calibration_id),
    requestedBy: nullable(r.requested_by, fromJson<PersonRef>),
    requestedAt: nullable(r.requested_at, String),
    approvedBy: nullable(r.approved_by, fromJson<PersonRef>),
    approvedAt: nullable(r.approved_at, String),
    policyVersion: nullable(r.policy_version, Number),
    createdAt: String(r.created_at),
    version: Number(r.version),
  };
}

function thresholdFromDb(r: DbRecord): ThresholdRow {
  return {
    agentId: String(r.agent_id),
    actionType: String(r.action_type),
    auto: Number(r.auto),
    recommendationId: String(r.recommendation_id),
    policyVersion: Number(r.policy_version),
    approvedBy: fromJson(r.approved_by),
    approvedAt: String(r.approved_at),
  };
}

/** Filter of `listRecommendations`. */
export interface RecommendationFilter {
  agentId?: string;
  actionType?: string;
  status?: RecommendationStatus;
}

/** The learning loop's reads; every one is an indexed lookup or bounded by its `limit`. */
export class CalibrationReads {
  constructor(
    private readonly reader: SqlRunner,
    private readonly ws: string,
  ) {}

  async labelCounts(): Promise<{ agentId: string; actionType: string; labelled: number }[]> {
    return (await this.reader.all(CALIBRATION_SQL.labelCounts, [this.ws])).map((r) => ({
      agentId: String(r.agent_id),
      actionType: String(r.action_type),
      labelled: Number(r.labelled),
    }));
  }

  async reviewLabels(agentId: string, actionType: string, limit: number): Promise<ReviewLabelRow[]> {
    return (await this.reader.all(CALIBRATION_SQL.labels, [this.ws, agentId, actionType, limit])).map(
      labelFromDb,
    );
  }

  async calibrationMaps(): Promise<CalibrationMapRow[]> {
    return (await this.reader.all(CALIBRATION_SQL.maps, [this.ws])).map(mapFromDb);
  }

  async recommendation(id: string): Promise<RecommendationRow | null> {
    const [row] = await this.reader.all(CALIBRATION_SQL.recommendation, [this.ws, id]);
    return row === undefined ? null : recommendationFromDb(row);
  }

  /** Newest first; `cursor` from a previous page. */
  async listRecommendations(
    filter: RecommendationFilter,
    limit: number,
    cursor?: string,
  ): Promise<ListPage<RecommendationRow>> {
    if (limit < 1) return { items: [], nextCursor: null };
    const where = ["workspace_id = ?"];
    const params: SqlValue[] = [this.ws];
    for (const [column, value] of [
      ["agent_id", filter.agentId],
      ["action_type", filter.actionType],
      ["status", filter.status],
    ] as const) {
      if (value === undefined) continue;
      where.push(`${column} = ?`);
      params.push(value);
    }
    if (cursor !== undefined) {
      const after = decodeReviewCursor(cursor);
      where.push("(created_at, id) < (?, ?)");
      params.push(after.dueAt, after.id);
    }
    const sql = `SELECT * FROM threshold_recommendations WHERE ${where.join(" AND ")}
      ORDER BY created_at DESC, id DESC LIMIT ?`;
    const rows = (await this.reader.all(sql, [...params, limit + 1])).map(recommendationFromDb);
    if (rows.length <= limit) return { items: rows, nextCursor: null };
    const items = rows.slice(0, limit);
    const last = items[items.length - 1]!;
    return { items, nextCursor: encodeReviewCursor(last.createdAt, last.id) };
  }

  async thresholdsInForce(): Promise<ThresholdRow[]> {
    return (await this.reader.all(CALIBRATION_SQL.thresholds, [this.ws])).map(thresholdFromDb);
  }
}
