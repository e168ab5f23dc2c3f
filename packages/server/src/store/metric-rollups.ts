import type { RollupCell } from "@loopgate/core";
import { decideBucketMetric, hourBucket } from "@loopgate/core/commit";
import { eventIncrements, hasMetricEvents, lookup, metricEvents, reviewIdsOf } from "./metric-events.ts";
import { dimensionsAt, increment, type RollupDimensions, type RollupIncrement } from "./metric-increment.ts";
import type { SqlValue } from "./rows.ts";
import type { SqlRunner } from "./sql-runner.ts";
import { placeholders } from "./statements.ts";
import type { Change, DecisionRow, ReviewRow } from "./store.ts";

/**
 * Metric rollups (migration 0005): counters per hour, action type, agent, queue and reviewer, kept
 * up to date in the transaction that writes the proposals, decisions and expiries they count, so
 * metrics never scan history and never disagree with it. The same counters are also summed by slice
 * (migration 0011: everything, one dimension, or action type and agent), which is what reads use
 * whenever a slice answers the filter: a month is then one range of hours × counters rows.
 */

/** The dimensions of an all-time total, as Prometheus labels them. */
export interface MetricTotalRow {
  actionType: string;
  agentId: string;
  queue: string;
  reviewerId: string;
  metric: string;
  value: number;
}

/** What `GET /v1/metrics` filters on; times are hour buckets (inclusive from, exclusive to). */
export interface RollupFilter {
  from: string;
  to: string;
  actionType?: string;
  agentId?: string;
  queue?: string;
  reviewerId?: string;
  /** Sums hours into days (bucket `YYYY-MM-DDT00:00:00.000Z`). @defaultValue "hour" */
  granularity?: "hour" | "day";
}

/** Rows a multi-row upsert carries at most (× 8 columns, far under either engine's parameter limit). */
const ROWS_PER_UPSERT = 100;

/**
 * The counters the written changes add to: for each new proposal `proposals` and `route.<verdict>`;
 * for each decision `decisions.<verdict>`, its correction category (`category.<category>`) and its time
 * since the review opened (`decide.count`, `decide.seconds_sum`, `decide.le.<bound>`); for each review
 * that expired, `expiries`; `approved` for each auto-approved proposal; and the counters of
 * metric-events.ts (claims, approvals, rollbacks, incidents, false approvals, executions finishing). Decisions and expiries
 * take their action type, agent and queue from the review, read inside the same transaction.
 */
export async function rollupIncrements(tx: SqlRunner, ws: string, changes: readonly Change[]) {
  const increments: RollupIncrement[] = [];
  const decisions: DecisionRow[] = [];
  const expiries: { reviewId: string; at: string | undefined }[] = [];
  for (const change of changes) {
    const queues = new Map<string, string>();
    for (const write of change.writes) {
      if (write.kind === "insertReview") queues.set(write.row.proposalId, write.row.queue);
    }
    for (const write of change.writes) {
      if (write.kind === "insertProposal") {
        const { row } = write;
        if (row.doc.canary !== undefined) continue; // seeded canaries are not the agent's traffic
        const verdict = (row.doc.route as { verdict?: unknown } | null)?.verdict;
        const base: RollupDimensions = {
          bucket: hourBucket(row.createdAt),
          actionType: row.actionType,
          agentId: row.agentId,
          queue: queues.get(row.id) ?? "",
          reviewerId: "",
        };
        increments.push(increment(base, "proposals"));
        if (typeof verdict === "string") increments.push(increment(base, `route.${verdict}`));
        if (row.status === "auto_approved") increments.push(increment(base, "approved"));
      } else if (write.kind === "insertDecision") {
        decisions.push(write.row);
      } else if (write.kind === "updateReview" && write.set.status === "expired") {
        expiries.push({ reviewId: write.id, at: write.set.updatedAt });
      }
    }
  }
  const events = metricEvents(changes);
  if (decisions.length === 0 && expiries.length === 0 && !hasMetricEvents(events)) return increments;

  const reviews = await reviewsById(tx, ws, [
    ...decisions.map((d) => d.reviewId),
    ...expiries.map((e) => e.reviewId),
    ...reviewIdsOf(events),
  ]);
  for (const decision of decisions) {
    const review = reviews.get(decision.reviewId);
    if (review === undefined) continue;
    const base = dimensionsAt(review, hourBucket(decision.at), decision.byId);
    const seconds = Math.max(0, (Date.parse(decision.at) - Date.parse(review.createdAt)) / 1000);
    increments.push(
      increment(base, `decisions.${decision.verdict}`),
      increment(base, "decide.count"),
      increment(base, "decide.seconds_sum", seconds),
      increment(base, decideBucketMetric(seconds)),
    );
    if (decision.category !== null) increments.push(increment(base, `category.${decision.category}`));
  }
  for (const expiry of expiries) {
    const review = reviews.get(expiry.reviewId);
    if (review === undefined) continue;
    const at = expiry.at ?? review.updatedAt;
    increments.push(increment(dimensionsAt(review, hourBucket(at), ""), "expiries"));
  }
  if (hasMetricEvents(events)) increments.push(...(await eventIncrements(tx, ws, events, reviews)));
  return increments;
}

/**
 * Adds the increments to the hourly rollups, the all-time totals and the slices: one multi-row upsert
 * per table. The increments are summed by all their dimensions first: a batch's share most of them (a
 * batch of proposals from one agent adds the same two counters once each), so the totals and slices
 * are derived from those few sums rather than from every increment.
 */
export async function writeRollups(tx: SqlRunner, ws: string, increments: readonly RollupIncrement[]) {
  if (increments.length === 0) return;
  const hourly = merge(increments, (i) => [
    i.bucket,
    i.actionType,
    i.agentId,
    i.queue,
    i.reviewerId,
    i.metric,
  ]);
  const totals = merge(hourly, (row) => row.key.slice(1));
  // Summed straight into a map: a row adds to four to six slices, so no object per slice.
  const sliced = new Map<string, { key: string[]; value: number }>();
  for (const { key, value } of hourly) {
    const [bucket, actionType, agentId, queue, reviewerId, metric] = key as HourlyKey;
    for (const slice of slicesOf({ actionType, agentId, queue, reviewerId })) {
      const id = `${slice}\u0000${bucket}\u0000${metric}`;
      const entry = sliced.get(id);
      if (entry === undefined) sliced.set(id, { key: [slice, bucket, metric], value });
      else entry.value += value;
    }
  }
  const slices = [...sliced.values()];
  await upsert(tx, "metric_rollups", ["bucket", ...TOTAL_KEY], ws, hourly);
  await upsert(tx, "metric_totals", TOTAL_KEY, ws, totals);
  await upsert(tx, "metric_slices", ["slice", "bucket", "metric"], ws, slices);
}

/** An hourly rollup row's key, in the order of its columns. */
type HourlyKey = [string, string, string, string, string, string];

/** The slices (migration 0011) an increment adds to: everything, and each filter it can be read by. */
function slicesOf(i: Pick<RollupIncrement, "actionType" | "agentId" | "queue" | "reviewerId">): string[] {
  const slices = [
    "*",
    `type:${i.actionType}`,
    `agent:${i.agentId}`,
    `type+agent:${i.actionType}|${i.agentId}`,
  ];
  if (i.queue !== "") slices.push(`queue:${i.queue}`);
  if (i.reviewerId !== "") slices.push(`reviewer:${i.reviewerId}`);
  return slices;
}

/** The one slice that answers a filter exactly, or null when only the full rollups can. */
function sliceFor(filter: RollupFilter): string | null {
  const { actionType, agentId, queue, reviewerId } = filter;
  const given = [actionType, agentId, queue, reviewerId].filter((v) => v !== undefined).length;
  if (given === 0) return "*";
  if (given === 2 && actionType !== undefined && agentId !== undefined)
    return `type+agent:${actionType}|${agentId}`;
  if (given !== 1) return null;
  if (actionType !== undefined) return `type:${actionType}`;
  if (agentId !== undefined) return `agent:${agentId}`;
  return queue !== undefined ? `queue:${queue}` : `reviewer:${reviewerId}`;
}

const TOTAL_KEY = ["action_type", "agent_id", "queue", "reviewer_id", "metric"] as const;

/** Reads of the rollups, for `GET /v1/metrics` and `/metrics`. */
export class MetricReads {
  constructor(
    private readonly reader: SqlRunner,
    private readonly ws: string,
  ) {}

  /** Summed counters per hour bucket and metric over the filter. */
  async rollups(filter: RollupFilter): Promise<RollupCell[]> {
    const where = ["workspace_id = ?", "bucket >= ?", "bucket < ?"];
    const params: SqlValue[] = [this.ws, filter.from, filter.to];
    const slice = sliceFor(filter);
    if (slice !== null)
      return this.#sum("metric_slices", [...where, "slice = ?"], [...params, slice], filter);
    const optional: [string, string | undefined][] = [
      ["action_type", filter.actionType],
      ["agent_id", filter.agentId],
      ["queue", filter.queue],
      ["reviewer_id", filter.reviewerId],
    ];
    for (const [column, value] of optional) {
      if (value === undefined) continue;
      where.push(`${column} = ?`);
      params.push(value);
    }
    return this.#sum("metric_rollups", where, params, filter);
  }

  async #sum(
    table: "metric_rollups" | "metric_slices",
    where: string[],
    params: SqlValue[],
    filter: RollupFilter,
  ): Promise<RollupCell[]> {
    // Daily points are summed in SQL: a month is then 30 groups per counter instead of 720 rows each.
    const daily = filter.granularity === "day";
    const key = daily ? "substr(bucket, 1, 10)" : "bucket";
    const rows = await this.reader.all(
      `SELECT ${key} AS bucket, metric, SUM(value) AS value FROM ${table} WHERE ${where.join(" AND ")}
        GROUP BY ${key}, metric ORDER BY ${key}, metric`,
      params,
    );
    return rows.map((row) => ({
      bucket: daily ? `${String(row.bucket)}T00:00:00.000Z` : String(row.bucket),
      metric: String(row.metric),
      value: Number(row.value),
    }));
  }

  /** Every all-time total. */
  async totals(): Promise<MetricTotalRow[]> {
    const rows = await this.reader.all(
      `SELECT action_type, agent_id, queue, reviewer_id, metric, value FROM metric_totals WHERE workspace_id = ?
        ORDER BY action_type, agent_id, queue, reviewer_id, metric`,
      [this.ws],
    );
    return rows.map((row) => ({
      actionType: String(row.action_type),
      agentId: String(row.agent_id),
      queue: String(row.queue),
      reviewerId: String(row.reviewer_id),
      metric: String(row.metric),
      value: Number(row.value),
    }));
  }
}

async function reviewsById(tx: SqlRunner, ws: string, ids: string[]) {
  const reviews = new Map<
    string,
    Pick<ReviewRow, "actionType" | "agentId" | "queue" | "createdAt" | "updatedAt">
  >();
  const rows = await lookup(
    tx,
    [...new Set(ids)],
    (slice) => `SELECT id, action_type, agent_id, queue, created_at, updated_at FROM reviews
      WHERE workspace_id = ? AND id IN (${placeholders(slice.length)})
        AND NOT EXISTS (SELECT 1 FROM canaries c
          WHERE c.workspace_id = reviews.workspace_id AND c.proposal_id = reviews.proposal_id)`,
    ws,
  );
  for (const row of rows) {
    reviews.set(String(row.id), {
      actionType: String(row.action_type),
      agentId: String(row.agent_id),
      queue: String(row.queue),
      createdAt: String(row.created_at),
      updatedAt: String(row.updated_at),
    });
  }
  return reviews;
}

/** Sums values with the same key: one statement may not update the same row twice. */
function merge<T extends { value: number }>(items: readonly T[], key: (item: T) => string[]) {
  const merged = new Map<string, { key: string[]; value: number }>();
  for (const item of items) {
    const parts = key(item);
    const id = parts.join("\u0000");
    const entry = merged.get(id);
    if (entry === undefined) merged.set(id, { key: parts, value: item.value });
    else entry.value += item.value;
  }
  return [...merged.values()];
}

async function upsert(
  tx: SqlRunner,
  table: "metric_rollups" | "metric_totals" | "metric_slices",
  keyColumns: readonly string[],
  ws: string,
  rows: { key: string[]; value: number }[],
) {
  const columns = ["workspace_id", ...keyColumns, "value"];
  const tuple = `(${placeholders(columns.length)})`;
  for (let i = 0; i < rows.length; i += ROWS_PER_UPSERT) {
    const slice = rows.slice(i, i + ROWS_PER_UPSERT);
    await tx.run(
      `INSERT INTO ${table} (${columns.join(", ")}) VALUES ${Array(slice.length).fill(tuple).join(", ")}
        ON CONFLICT (workspace_id, ${keyColumns.join(", ")}) DO UPDATE SET value = ${table}.value + excluded.value`,
      slice.flatMap((row) => [ws, ...row.key, row.value]),
    );
  }
}
