import { histogramBucketMetric, hourBucket } from "@loopgate/core";
import type { RollupIncrement } from "./metric-rollups.ts";
import type { DbRecord, SqlValue } from "./rows.ts";
import type { SqlRunner } from "./sql-runner.ts";
import { placeholders } from "./statements.ts";
import type { Change } from "./store.ts";

/**
 * The metric rollups of what happens around decisions (migration 0011, SPEC §5 "Metrics"): time to
 * claim, proposals approved, rollbacks, incidents after approval and false approvals. Like the other
 * rollups they are counted in the commit that writes what they count, never by scanning history.
 *
 * Some events count once per subject however often they recur — a review's first claim, a proposal's
 * first incident, its first incident or rollback for false approvals — so the commit records each in
 * `metric_marks`: an `INSERT … ON CONFLICT DO NOTHING RETURNING` says in the same statement whether it
 * is the first.
 */

/** The dimensions of a review, as the rollups read them inside the transaction. */
export interface ReviewDimensions {
  actionType: string;
  agentId: string;
  queue: string;
  createdAt: string;
  updatedAt: string;
}

/** Events in a batch of changes that the rollups of this file count. */
export interface MetricEvents {
  /** Claims of reviews (the first one per review counts). */
  claims: { reviewId: string; by: string; at: string | undefined }[];
  /** Proposals a person's decision approved (with the review decided in the same change). */
  approvals: { proposalId: string; reviewId: string | null; at: string }[];
  /** Rollbacks started and incident outcomes recorded, by proposal. */
  rollbacks: { proposalId: string; actionType: string; agentId: string; at: string }[];
  incidents: { proposalId: string; actionType: string; agentId: string; at: string }[];
}

const APPROVED = new Set(["approved", "approved_with_edits"]);
const MARKS_PER_INSERT = 100;
const IDS_PER_LOOKUP = 200;

/** Collects the events of the changes written (a cheap pass over their writes, no reads). */
export function metricEvents(changes: readonly Change[]): MetricEvents {
  const events: MetricEvents = { claims: [], approvals: [], rollbacks: [], incidents: [] };
  for (const change of changes) {
    // The review each proposal's decision in this change closed, built only if an approval needs it.
    let decided: Map<string, string> | null = null;
    for (const write of change.writes) {
      if (write.kind === "updateReview" && write.set.claimedBy != null) {
        events.claims.push({ reviewId: write.id, by: write.set.claimedBy.id, at: write.set.updatedAt });
      } else if (write.kind === "updateProposal" && APPROVED.has(write.set.status ?? "")) {
        decided ??= new Map(
          change.writes.flatMap((w) =>
            w.kind === "insertDecision" ? [[w.row.proposalId, w.row.reviewId]] : [],
          ),
        );
        events.approvals.push({
          proposalId: write.id,
          reviewId: decided.get(write.id) ?? null,
          at: write.set.updatedAt ?? new Date().toISOString(),
        });
      } else if (write.kind === "insertExecution" && write.row.kind === "rollback") {
        const { row } = write;
        events.rollbacks.push({
          proposalId: row.proposalId,
          actionType: row.actionType,
          agentId: row.agentId,
          at: row.createdAt,
        });
      } else if (write.kind === "insertOutcome" && write.row.kind === "incident") {
        const { row } = write;
        events.incidents.push({
          proposalId: row.proposalId,
          actionType: row.actionType,
          agentId: row.agentId,
          at: row.at,
        });
      }
    }
  }
  return events;
}

export const hasMetricEvents = (e: MetricEvents): boolean =>
  e.claims.length + e.approvals.length + e.rollbacks.length + e.incidents.length > 0;

/** The review ids whose dimensions {@link eventIncrements} needs. */
export const reviewIdsOf = (e: MetricEvents): string[] => [
  ...e.claims.map((c) => c.reviewId),
  ...e.approvals.flatMap((a) => (a.reviewId === null ? [] : [a.reviewId])),
];

/**
 * The counters the events add to: `claim.count`, `claim.seconds_sum`, `claim.le.<bound>` (a review's
 * first claim, timed from its opening, by the claimer); `approved` (a proposal a person approved, in
 * the decided review's queue); `rollbacks`; `incidents` (each incident outcome);
 * `incidents.post_approval` (a proposal's first incident, once it was approved by a person or
 * automatically); `false_approvals` (a proposal's first incident or rollback, once per person who
 * approved it, counted for that person). Each in the hour it happened.
 */
export async function eventIncrements(
  tx: SqlRunner,
  ws: string,
  events: MetricEvents,
  reviews: ReadonlyMap<string, ReviewDimensions>,
): Promise<RollupIncrement[]> {
  const increments: RollupIncrement[] = [];
  const firstClaims = await firstMarks(
    tx,
    ws,
    "claim",
    events.claims.map((c) => [c.reviewId, c.at ?? ""]),
  );
  for (const claim of events.claims) {
    const review = reviews.get(claim.reviewId);
    if (review === undefined || !firstClaims.delete(claim.reviewId)) continue;
    const at = claim.at ?? review.updatedAt;
    const seconds = Math.max(0, (Date.parse(at) - Date.parse(review.createdAt)) / 1000);
    const base = { ...dims(review), bucket: hourBucket(at), reviewerId: claim.by };
    increments.push(
      { ...base, metric: "claim.count", value: 1 },
      { ...base, metric: "claim.seconds_sum", value: seconds },
      { ...base, metric: histogramBucketMetric("claim", seconds), value: 1 },
    );
  }
  for (const approval of events.approvals) {
    const review = approval.reviewId === null ? undefined : reviews.get(approval.reviewId);
    if (review === undefined) continue;
    increments.push({
      ...dims(review),
      bucket: hourBucket(approval.at),
      reviewerId: "",
      metric: "approved",
      value: 1,
    });
  }
  for (const rollback of events.rollbacks) {
    increments.push({ ...eventDims(rollback), metric: "rollbacks", value: 1 });
  }
  for (const incident of events.incidents) {
    increments.push({ ...eventDims(incident), metric: "incidents", value: 1 });
  }
  if (events.incidents.length > 0)
    increments.push(...(await postApprovalIncidents(tx, ws, events.incidents)));
  const harmful = [...events.incidents, ...events.rollbacks];
  if (harmful.length > 0) increments.push(...(await falseApprovals(tx, ws, harmful)));
  return increments;
}

/** A proposal's first incident once it was approved: in the queue of its (last) approving review. */
async function postApprovalIncidents(tx: SqlRunner, ws: string, incidents: MetricEvents["incidents"]) {
  const first = await firstMarks(
    tx,
    ws,
    "incident",
    incidents.map((i) => [i.proposalId, i.at]),
  );
  if (first.size === 0) return [];
  const rows = await lookup(
    tx,
    [...first.keys()],
    (ids) => `SELECT p.id, p.status,
        (SELECT r.queue FROM decisions d JOIN reviews r ON r.workspace_id = d.workspace_id AND r.id = d.review_id
          WHERE d.workspace_id = p.workspace_id AND d.proposal_id = p.id AND d.verdict IN ('approve', 'edit')
          ORDER BY d.at DESC LIMIT 1) AS queue
      FROM proposals p WHERE p.workspace_id = ? AND p.id IN (${placeholders(ids.length)})`,
    ws,
  );
  const increments: RollupIncrement[] = [];
  for (const row of rows) {
    if (!["auto_approved", "approved", "approved_with_edits"].includes(String(row.status))) continue;
    const incident = incidents.find((i) => i.proposalId === String(row.id))!;
    increments.push({
      ...eventDims(incident),
      queue: row.queue == null ? "" : String(row.queue),
      metric: "incidents.post_approval",
      value: 1,
    });
  }
  return increments;
}

/** A proposal's first incident or rollback counts once against every person who approved it. */
async function falseApprovals(tx: SqlRunner, ws: string, harmful: MetricEvents["incidents"]) {
  const first = await firstMarks(
    tx,
    ws,
    "false_approval",
    harmful.map((h) => [h.proposalId, h.at]),
  );
  if (first.size === 0) return [];
  const rows = await lookup(
    tx,
    [...first.keys()],
    (ids) => `SELECT d.proposal_id, d.by_id, r.action_type, r.agent_id, r.queue
      FROM decisions d JOIN reviews r ON r.workspace_id = d.workspace_id AND r.id = d.review_id
      WHERE d.workspace_id = ? AND d.proposal_id IN (${placeholders(ids.length)}) AND d.verdict IN ('approve', 'edit')`,
    ws,
  );
  return rows.map(
    (row): RollupIncrement => ({
      bucket: hourBucket(first.get(String(row.proposal_id))!),
      actionType: String(row.action_type),
      agentId: String(row.agent_id),
      queue: String(row.queue),
      reviewerId: String(row.by_id),
      metric: "false_approvals",
      value: 1,
    }),
  );
}

/**
 * Records `mark` for each subject not marked before and returns those (subject → time of the event);
 * the earliest event wins when a batch holds several for one subject.
 */
async function firstMarks(
  tx: SqlRunner,
  ws: string,
  mark: string,
  events: readonly (readonly [string, string])[],
): Promise<Map<string, string>> {
  const earliest = new Map<string, string>();
  for (const [subject, at] of events) {
    const seen = earliest.get(subject);
    if (seen === undefined || at < seen) earliest.set(subject, at);
  }
  const first = new Map<string, string>();
  const entries = [...earliest];
  for (let i = 0; i < entries.length; i += MARKS_PER_INSERT) {
    const slice = entries.slice(i, i + MARKS_PER_INSERT);
    const rows = await tx.all(
      `INSERT INTO metric_marks (workspace_id, mark, subject, at) VALUES ${slice.map(() => "(?, ?, ?, ?)").join(", ")}
        ON CONFLICT DO NOTHING RETURNING subject`,
      slice.flatMap(([subject, at]): SqlValue[] => [ws, mark, subject, at]),
    );
    for (const row of rows) first.set(String(row.subject), earliest.get(String(row.subject))!);
  }
  return first;
}

async function lookup(tx: SqlRunner, ids: string[], sql: (ids: string[]) => string, ws: string) {
  const rows: DbRecord[] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_LOOKUP) {
    const slice = ids.slice(i, i + IDS_PER_LOOKUP);
    rows.push(...(await tx.all(sql(slice), [ws, ...slice])));
  }
  return rows;
}

const dims = (review: ReviewDimensions) => ({
  actionType: review.actionType,
  agentId: review.agentId,
  queue: review.queue,
});

const eventDims = (event: { actionType: string; agentId: string; at: string }) => ({
  bucket: hourBucket(event.at),
  actionType: event.actionType,
  agentId: event.agentId,
  queue: "",
  reviewerId: "",
});
