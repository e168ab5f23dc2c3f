import type { RollupCell } from "@loopgate/core";
import { type AutonomyFilter, AutonomyReads, type ExecutionCounts } from "./autonomy-reads.ts";
import type { AutonomyChangeRow, AutonomyStageRow, OutcomeRow, PromotionRow } from "./autonomy-rows.ts";
import { CalibrationReads, type RecommendationFilter } from "./calibration-reads.ts";
import type {
  CalibrationMapRow,
  RecommendationRow,
  ReviewLabelRow,
  ThresholdRow,
} from "./calibration-rows.ts";
import {
  type HistoryDecisions,
  type HistoryPosition,
  HistoryReads,
  type HistoryRow,
  type ReplayDocPart,
  type ReplayRange,
  type ReplayRow,
} from "./history-sql.ts";
import { isoTime } from "./iso-time.ts";
import { MetricReads, type MetricTotalRow, type RollupFilter } from "./metric-rollups.ts";
import type { SqlRunner } from "./sql-runner.ts";
import type { ListPage } from "./store.ts";
import {
  type CanaryRow,
  type ReviewActivityRow,
  type VigilanceFactRow,
  VigilanceReads,
} from "./vigilance-rows.ts";

/**
 * The learning loop's reads, shared by both engines — metric rollups, history for replay and feedback
 * export, calibration, earned autonomy and reviewer vigilance — each delegating to its area's reads
 * over the store's read connection. `SqlStore` extends it with the rest of the `Store` port.
 */
export abstract class LearningSqlReads {
  abstract readonly engine: "sqlite" | "postgres";
  protected abstract readonly workspaceId: string;
  /** The connection reads go through; it never sees a batch before it commits. */
  protected abstract readonly reader: SqlRunner;

  // Metric rollups live in metric-rollups.ts; these delegate.
  #metricReads?: MetricReads;
  get #metrics(): MetricReads {
    this.#metricReads ??= new MetricReads(this.reader, this.workspaceId);
    return this.#metricReads;
  }
  metricRollups(filter: RollupFilter): Promise<RollupCell[]> {
    return this.#metrics.rollups({ ...filter, from: isoTime(filter.from), to: isoTime(filter.to) });
  }
  metricTotals(): Promise<MetricTotalRow[]> {
    return this.#metrics.totals();
  }

  // History for replay and feedback export (history-sql.ts).
  #historyReads?: HistoryReads;
  get #history(): HistoryReads {
    this.#historyReads ??= new HistoryReads(this.reader, this.workspaceId, this.engine);
    return this.#historyReads;
  }
  historyPage(since: string | null, limit: number, cursor?: string): Promise<ListPage<HistoryRow>> {
    return this.#history.page(since === null ? null : isoTime(since), limit, cursor);
  }
  historySize(since: string | null): Promise<number> {
    return this.#history.size(since === null ? null : isoTime(since));
  }
  replayRows(range: ReplayRange, parts: readonly ReplayDocPart[], limit: number): Promise<ReplayRow[]> {
    return this.#history.replayRows(
      { ...range, since: range.since === null ? null : isoTime(range.since) },
      parts,
      limit,
    );
  }
  historyPosition(
    since: string | null,
    offset: number,
    from: HistoryPosition | null = null,
  ): Promise<HistoryPosition | null> {
    return this.#history.position(since === null ? null : isoTime(since), offset, from);
  }
  historyDecisions(proposalIds: readonly string[]): Promise<Map<string, HistoryDecisions>> {
    return this.#history.decisionsOf(proposalIds);
  }

  // Learning-loop reads live in calibration-reads.ts; these delegate.
  #calibrationReads?: CalibrationReads;
  get #learning(): CalibrationReads {
    this.#calibrationReads ??= new CalibrationReads(this.reader, this.workspaceId);
    return this.#calibrationReads;
  }
  labelCounts() {
    return this.#learning.labelCounts();
  }
  reviewLabels(agentId: string, actionType: string, limit: number): Promise<ReviewLabelRow[]> {
    return this.#learning.reviewLabels(agentId, actionType, limit);
  }
  calibrationMaps(): Promise<CalibrationMapRow[]> {
    return this.#learning.calibrationMaps();
  }
  recommendation(id: string): Promise<RecommendationRow | null> {
    return this.#learning.recommendation(id);
  }
  listRecommendations(
    filter: RecommendationFilter,
    limit: number,
    cursor?: string,
  ): Promise<ListPage<RecommendationRow>> {
    return this.#learning.listRecommendations(filter, limit, cursor);
  }
  thresholdsInForce(): Promise<ThresholdRow[]> {
    return this.#learning.thresholdsInForce();
  }

  // Earned autonomy and outcomes live in autonomy-reads.ts; these delegate.
  #autonomyReads?: AutonomyReads;
  get #autonomy(): AutonomyReads {
    this.#autonomyReads ??= new AutonomyReads(this.reader, this.workspaceId);
    return this.#autonomyReads;
  }
  outcomesOfProposal(proposalId: string): Promise<OutcomeRow[]> {
    return this.#autonomy.outcomesOfProposal(proposalId);
  }
  autonomyStages(): Promise<AutonomyStageRow[]> {
    return this.#autonomy.stagesInForce();
  }
  autonomyPromotion(id: string): Promise<PromotionRow | null> {
    return this.#autonomy.promotion(id);
  }
  autonomyPromotions(filter: AutonomyFilter, limit: number): Promise<PromotionRow[]> {
    return this.#autonomy.promotions(filter, limit);
  }
  autonomyChanges(
    filter: AutonomyFilter,
    limit: number,
    cursor?: string,
  ): Promise<ListPage<AutonomyChangeRow>> {
    return this.#autonomy.changes(filter, limit, cursor);
  }
  executionCounts(agentId: string, actionType: string, from: string, to: string): Promise<ExecutionCounts> {
    return this.#autonomy.executionCounts(agentId, actionType, from, to);
  }
  unattendedCounts(agentId: string, actionType: string, from: string, to: string) {
    return this.#autonomy.unattendedCounts(agentId, actionType, from, to);
  }
  incidentCount(agentId: string, actionType: string, from: string, to: string): Promise<number> {
    return this.#autonomy.incidentCount(agentId, actionType, from, to);
  }
  proposingPairs(): Promise<{ agentId: string; actionType: string }[]> {
    return this.#autonomy.proposingPairs();
  }

  // Reviewer vigilance reads live in vigilance-rows.ts; these delegate.
  #vigilanceReads?: VigilanceReads;
  get #vigilance(): VigilanceReads {
    this.#vigilanceReads ??= new VigilanceReads(this.reader, this.workspaceId);
    return this.#vigilanceReads;
  }
  reviewActivity(reviewId: string, userId: string): Promise<ReviewActivityRow | null> {
    return this.#vigilance.activity(reviewId, userId);
  }
  canary(proposalId: string): Promise<CanaryRow | null> {
    return this.#vigilance.canary(proposalId);
  }
  vigilanceFacts(from: string, to: string, reviewerId?: string): Promise<VigilanceFactRow[]> {
    return this.#vigilance.facts(isoTime(from), isoTime(to), reviewerId);
  }
}
