import { histogramBucketMetric, hourBucket } from "@loopgate/core/commit";
import { dimensionsAt, increment, type RollupDimensions, type RollupIncrement } from "./metric-increment.ts";
import type { DbRecord, SqlValue } from "./rows.ts";
import type { SqlRunner } from "./sql-runner.ts";
import { placeholders } from "./statements.ts";
import type { Change } from "./store.ts";

/**
 * The metric rollups of what happens around decisions (migration 0011, SPEC §5 "Metrics"): time to
 * claim, proposals approved, rollbacks, incidents after approval and false approvals; and executions
 * finishing (migration 0018), which the circuit breakers read. Like the other rollups they are counted
 * in the commit that writes what they count, never by scanning history.
 *
 * Some events count once per subject however often they recur — a review's first claim, a proposal's
 * first incident, its first incident or rollback for false approvals, an execution attempt's end — so
 * the commit records each in `metric_marks`: an `INSERT … ON CONFLICT DO NOTHING RETURNING` says in the
 * same statement whether it is the first.
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
  /**
   * Executions written in a status that ends an attempt (see {@link FINISHED}): the dimensions and
   * attempt number come from the inserted row, or are read from the updated one.
   */
  finishes: ExecutionFinish[];
}

/** One execution written in a finished status. */
export interface ExecutionFinish {
  executionId: string;
  status: string;
  at: string;
  /** Known when the row was inserted in this status (else read inside the transaction). */
  row?: { kind: string; actionType: string; agentId: string; attempts: number };
  /** Set by the same write, if it set it. */
  attempts?: number;
}

/** Execution statuses that end an attempt; all but `executed` count as failures. */
export const FINISHED: ReadonlySet<string> = new Set(["executed", "failed", "dead_lettered", "unknown"]);

const APPROVED = new Set(["approved", "approved_with_edits"]);
const MARKS_PER_INSERT = 100;
const IDS_PER_LOOKUP = 200;

/** Collects the events of the changes written (a cheap pass over their writes, no reads). */
export function metricEvents(changes: readonly Change[]): MetricEvents {
  const events: MetricEvents = { claims: [], approvals: [], rollbacks: [], incidents: [], finishes: [] };
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
      } else if (write.kind === "insertExecution" && FINISHED.has(write.row.status)) {
        const { row } = write;
        events.finishes.push({ executionId: row.id, status: row.status, at: row.updatedAt, row });
      } else if (write.kind === "updateExecution" && FINISHED.has(write.set.status ?? "")) {
        const { set } = write;
        events.finishes.push({
          executionId: write.id,
          status: set.status!,
          at: set.updatedAt ?? new Date().toISOString(),
          ...(set.attempts === undefined ? {} : { attempts: set.attempts }),
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
  e.claims.length + e.approvals.length + e.rollbacks.length + e.incidents.length + e.finishes.length > 0;

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
    const base = dimensionsAt(review, hourBucket(at), claim.by);
    increments.push(
      increment(base, "claim.count"),
      increment(base, "claim.seconds_sum", seconds),
      increment(base, histogramBucketMetric("claim", seconds)),
    );
  }
  for (const approval of events.approvals) {
    const review = approval.reviewId === null ? undefined : reviews.get(approval.reviewId);
    if (review === undefined) continue;
    increments.push(increment(dimensionsAt(review, hourBucket(approval.at), ""), "approved"));
  }
  for (const rollback of events.rollbacks) {
    increments.push(increment(eventDims(rollback), "rollbacks"));
  }
  for (const incident of events.incidents) {
    increments.push(increment(eventDims(incident), "incidents"));
  }
  if (events.incidents.length > 0)
    increments.push(...(await postApprovalIncidents(tx, ws, events.incidents)));
  const harmful = [...events.incidents, ...events.rollbacks];
  if (harmful.length > 0) increments.push(...(await falseApprovals(tx, ws, harmful)));
  if (events.finishes.length > 0) increments.push(...(await executionFinishes(tx, ws, events.finishes)));
  return increments;
}

/**
 * The counters of executions (kind `execute`) that finish, for the executor-failure, incident and
 * rollback breakers: `executions.finished` once per attempt that ends executed, failed, dead-lettered
 * or unknown; `executions.failed` when that end is not `executed`; `executions.succeeded` once per
 * execution that reaches `executed`. A person settling an `unknown` or dead-lettered execution
 * (`mark_executed`, `mark_failed`) ends no new attempt, so it adds only `executions.succeeded` for
 * `mark_executed`; `retry` starts a new attempt, whose end counts again. "Once" is kept by marks
 * (`execution.finished` per `<id>#<attempt>`, `execution.succeeded` per id), so a write that repeats
 * a status never counts twice. In the hour of the write, with the execution's action type and agent.
 */
async function executionFinishes(tx: SqlRunner, ws: string, finishes: readonly ExecutionFinish[]) {
  const unknown = finishes.filter((f) => f.row === undefined).map((f) => f.executionId);
  const rows = new Map<string, NonNullable<ExecutionFinish["row"]>>();
  if (unknown.length > 0) {
    const found = await lookup(
      tx,
      [...new Set(unknown)],
      (ids) => `SELECT id, kind, action_type, agent_id, attempts FROM executions
        WHERE workspace_id = ? AND id IN (${placeholders(ids.length)}) AND kind = 'execute'`,
      ws,
    );
    for (const r of found) {
      rows.set(String(r.id), {
        kind: String(r.kind),
        actionType: String(r.action_type),
        agentId: String(r.agent_id),
        attempts: Number(r.attempts),
      });
    }
  }
  const counted = finishes.flatMap((f) => {
    const row = f.row ?? rows.get(f.executionId);
    if (row === undefined || row.kind !== "execute") return [];
    const attempt = `${f.executionId}#${f.attempts ?? row.attempts}`;
    return [{ executionId: f.executionId, status: f.status, at: f.at, row, attempt }];
  });
  if (counted.length === 0) return [];
  const marks: [string, string, string][] = counted.map((f) => ["execution.finished", f.attempt, f.at]);
  for (const f of counted) {
    if (f.status === "executed") marks.push(["execution.succeeded", f.executionId, f.at]);
  }
  const first = await firstOfMarks(tx, ws, marks);
  const increments: RollupIncrement[] = [];
  for (const f of counted) {
    const base = eventDims({ actionType: f.row.actionType, agentId: f.row.agentId, at: f.at });
    if (first.delete(`execution.finished\u0000${f.attempt}`)) {
      increments.push(increment(base, "executions.finished"));
      if (f.status !== "executed") increments.push(increment(base, "executions.failed"));
    }
    if (f.status === "executed" && first.delete(`execution.succeeded\u0000${f.executionId}`))
      increments.push(increment(base, "executions.succeeded"));
  }
  return increments;
}

/**
 * Records each (mark, subject) not marked before, in one multi-row `INSERT … ON CONFLICT DO NOTHING
 * RETURNING` per hundred, and returns those that were new as `<mark>\u0000<subject>`, each with its
 * earliest time; a batch repeating one records and counts it once.
 */
async function firstOfMarks(
  tx: SqlRunner,
  ws: string,
  marks: readonly (readonly [string, string, string])[],
): Promise<Map<string, string>> {
  const earliest = new Map<string, readonly [string, string, string]>();
  for (const mark of marks) {
    const key = `${mark[0]}\u0000${mark[1]}`;
    const seen = earliest.get(key);
    if (seen === undefined || mark[2] < seen[2]) earliest.set(key, mark);
  }
  const first = new Map<string, string>();
  const entries = [...earliest.values()];
  for (let i = 0; i < entries.length; i += MARKS_PER_INSERT) {
    const slice = entries.slice(i, i + MARKS_PER_INSERT);
    const rows = await tx.all(
      `INSERT INTO metric_marks (workspace_id, mark, subject, at) VALUES ${slice.map(() => "(?, ?, ?, ?)").join(", ")}
        ON CONFLICT DO NOTHING RETURNING mark, subject`,
      slice.flatMap(([mark, subject, at]): SqlValue[] => [ws, mark, subject, at]),
    );
    for (const row of rows) {
      const key = `${String(row.mark)}\u0000${String(row.subject)}`;
      first.set(key, earliest.get(key)![2]);
    }
  }
  return first;
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
  const first = await firstOfMarks(
    tx,
    ws,
    events.map(([subject, at]) => [mark, subject, at] as const),
  );
  const prefix = `${mark}\u0000`.length;
  return new Map([...first].map(([key, at]) => [key.slice(prefix), at]));
}

/**
 * The rows `sql` selects for `ids`, a few hundred ids per statement (`sql` is given each slice, to
 * write its `IN (…)`; its parameters are the workspace, then the slice).
 */
export async function lookup(tx: SqlRunner, ids: string[], sql: (ids: string[]) => string, ws: string) {
  const rows: DbRecord[] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_LOOKUP) {
    const slice = ids.slice(i, i + IDS_PER_LOOKUP);
    rows.push(...(await tx.all(sql(slice), [ws, ...slice])));
  }
  return rows;
}

const eventDims = (event: { actionType: string; agentId: string; at: string }): RollupDimensions => ({
  bucket: hourBucket(event.at),
  actionType: event.actionType,
  agentId: event.agentId,
  queue: "",
  reviewerId: "",
});
