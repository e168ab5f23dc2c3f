import type { NotificationEvent, NotificationEventType } from "@loopgate/core";
import type { DbRecord, SqlValue } from "./rows.ts";
import type { SqlRunner } from "./sql-runner.ts";
import type { Conflict } from "./store.ts";

/**
 * Rows of migration 0003: reminder timers of reviews, the notification outbox, the notification feed's
 * position in the audit log, and the amounts proposed per entity (bypass resistance). Both engines map
 * them here; the writes below are applied inside a change's transaction like every other write.
 */

/** A reminder before a review's due time. */
export interface ReviewTimerRow {
  id: string;
  reviewId: string;
  proposalId: string;
  kind: "reminder";
  fireAt: string;
  status: "pending" | "fired" | "skipped";
  /** How long before the due time it fires (the policy's `remindBefore`). */
  beforeMs: number;
  version: number;
  createdAt: string;
  firedAt: string | null;
}

/** Where a notification goes; secrets stay `env:NAME` references until sent. */
export type NotificationTarget =
  | { kind: "webhook"; url: string; secret: string }
  | { kind: "email"; to: string[] }
  | { kind: "slack"; url: string };

/** One delivery of one event to one channel. `id` is its webhook-id. */
export interface NotificationRow {
  id: string;
  eventType: NotificationEventType;
  channel: NotificationTarget["kind"];
  /** The proposal the event is about; null for events about an agent (`autonomy.demoted`). */
  proposalId: string | null;
  /** The review the event is about; null for proposal events (blocked, held). */
  reviewId: string | null;
  /** `sending` while an attempt holds the lease (until `nextAttemptAt`); `failed` after the last attempt. */
  status: "pending" | "sending" | "sent" | "failed";
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  sentAt: string | null;
  doc: { event: NotificationEvent; target: NotificationTarget };
}

export type NotificationPatch = Partial<
  Pick<NotificationRow, "status" | "attempts" | "nextAttemptAt" | "lastError" | "updatedAt" | "sentAt">
>;

/** An amount proposed for an entity, kept to recognise a refused amount split into smaller ones. */
export interface ProposalAmountRow {
  proposalId: string;
  actionType: string;
  entity: string;
  amount: number;
  createdAt: string;
}

/** The writes of migration 0003's tables. */
export type NotificationWrite =
  | { kind: "insertReviewTimer"; row: ReviewTimerRow }
  | {
      kind: "updateReviewTimer";
      id: string;
      expectVersion: number;
      set: { status: ReviewTimerRow["status"]; firedAt: string | null };
    }
  | { kind: "insertNotification"; row: NotificationRow }
  | { kind: "updateNotification"; id: string; expectVersion: number; set: NotificationPatch }
  /** Moves a feed from `fromSeq` to `toSeq`; a conflict when another process moved it first. */
  | { kind: "advanceFeed"; name: string; fromSeq: number; toSeq: number }
  | { kind: "insertProposalAmount"; row: ProposalAmountRow };

export const NOTIFICATION_WRITE_KINDS: ReadonlySet<string> = new Set([
  "insertReviewTimer",
  "updateReviewTimer",
  "insertNotification",
  "updateNotification",
  "advanceFeed",
  "insertProposalAmount",
]);

const TIMER_COLUMNS =
  "workspace_id, id, review_id, proposal_id, kind, fire_at, status, before_ms, version, created_at, fired_at";
const NOTIFICATION_COLUMNS =
  "workspace_id, id, event_type, channel, proposal_id, review_id, status, attempts, next_attempt_at, last_error, version, created_at, updated_at, sent_at, doc";

const SQL = {
  insertTimer: `INSERT INTO review_timers (${TIMER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  updateTimer:
    "UPDATE review_timers SET status = ?, fired_at = ?, version = version + 1 WHERE workspace_id = ? AND id = ? AND version = ?",
  insertNotification: `INSERT INTO notifications (${NOTIFICATION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  startFeed: "INSERT INTO feed_cursors (workspace_id, name, seq) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
  advanceFeed: "UPDATE feed_cursors SET seq = ? WHERE workspace_id = ? AND name = ? AND seq = ?",
  insertAmount:
    "INSERT INTO proposal_amounts (workspace_id, proposal_id, action_type, entity, amount, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
  dueTimers: `SELECT * FROM review_timers WHERE workspace_id = ? AND status = 'pending' AND fire_at <= ?
    ORDER BY fire_at, id LIMIT ?`,
  timersOfReview: "SELECT * FROM review_timers WHERE workspace_id = ? AND review_id = ? ORDER BY fire_at, id",
  dueNotifications: `SELECT * FROM notifications WHERE workspace_id = ? AND status IN ('pending', 'sending')
    AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`,
  notificationsOfReview:
    "SELECT * FROM notifications WHERE workspace_id = ? AND review_id = ? ORDER BY created_at, id",
  feedPosition: "SELECT seq FROM feed_cursors WHERE workspace_id = ? AND name = ?",
} as const;

const PATCH_COLUMNS: Record<keyof NotificationPatch, string> = {
  status: "status",
  attempts: "attempts",
  nextAttemptAt: "next_attempt_at",
  lastError: "last_error",
  updatedAt: "updated_at",
  sentAt: "sent_at",
};

/** Applies one write of migration 0003's tables; returns the conflict that refused it, or null. */
export async function applyNotificationWrite(
  tx: SqlRunner,
  ws: string,
  write: NotificationWrite,
): Promise<Conflict | null> {
  switch (write.kind) {
    case "insertReviewTimer": {
      const r = write.row;
      const values: SqlValue[] = [ws, r.id, r.reviewId, r.proposalId, r.kind, r.fireAt, r.status];
      values.push(r.beforeMs, r.version, r.createdAt, r.firedAt);
      return (await tx.run(SQL.insertTimer, values)) === 1 ? null : duplicate("review_timers", r.id);
    }
    case "updateReviewTimer": {
      const values = [write.set.status, write.set.firedAt, ws, write.id, write.expectVersion];
      return (await tx.run(SQL.updateTimer, values)) === 1
        ? null
        : { kind: "missing", table: "review_timers", id: write.id };
    }
    case "insertNotification": {
      const r = write.row;
      const values: SqlValue[] = [ws, r.id, r.eventType, r.channel, r.proposalId, r.reviewId, r.status];
      values.push(r.attempts, r.nextAttemptAt, r.lastError, r.version, r.createdAt, r.updatedAt, r.sentAt);
      values.push(JSON.stringify(r.doc));
      return (await tx.run(SQL.insertNotification, values)) === 1 ? null : duplicate("notifications", r.id);
    }
    case "updateNotification": {
      const keys = (Object.keys(PATCH_COLUMNS) as (keyof NotificationPatch)[]).filter(
        (key) => write.set[key] !== undefined,
      );
      const sets = [...keys.map((key) => `${PATCH_COLUMNS[key]} = ?`), "version = version + 1"].join(", ");
      const values = keys.map((key) => write.set[key] as SqlValue);
      const changed = await tx.run(
        `UPDATE notifications SET ${sets} WHERE workspace_id = ? AND id = ? AND version = ?`,
        [...values, ws, write.id, write.expectVersion],
      );
      return changed === 1 ? null : { kind: "missing", table: "notifications", id: write.id };
    }
    case "advanceFeed": {
      // A workspace without a position yet (created after migration 0003) starts where this one says.
      await tx.run(SQL.startFeed, [ws, write.name, write.fromSeq]);
      const changed = await tx.run(SQL.advanceFeed, [write.toSeq, ws, write.name, write.fromSeq]);
      return changed === 1 ? null : { kind: "missing", table: "feed_cursors", id: write.name };
    }
    case "insertProposalAmount": {
      const r = write.row;
      const values = [ws, r.proposalId, r.actionType, r.entity, r.amount, r.createdAt];
      return (await tx.run(SQL.insertAmount, values)) === 1
        ? null
        : duplicate("proposal_amounts", r.proposalId);
    }
    default:
      throw new TypeError(`unknown notification write ${JSON.stringify((write as { kind?: unknown }).kind)}`);
  }
}

/** The reads of migration 0003's tables, over a store's read connection. Times are ISO strings. */
export class NotificationReads {
  constructor(
    private readonly reader: SqlRunner,
    private readonly ws: string,
  ) {}

  async dueReviewTimers(now: string, limit: number): Promise<ReviewTimerRow[]> {
    return (await this.reader.all(SQL.dueTimers, [this.ws, now, limit])).map(timerFromDb);
  }

  async timersOfReview(reviewId: string): Promise<ReviewTimerRow[]> {
    return (await this.reader.all(SQL.timersOfReview, [this.ws, reviewId])).map(timerFromDb);
  }

  async dueNotifications(now: string, limit: number): Promise<NotificationRow[]> {
    return (await this.reader.all(SQL.dueNotifications, [this.ws, now, limit])).map(notificationFromDb);
  }

  async notificationsOfReview(reviewId: string): Promise<NotificationRow[]> {
    return (await this.reader.all(SQL.notificationsOfReview, [this.ws, reviewId])).map(notificationFromDb);
  }

  /** Deliveries by creation time, optionally of one status or review, after a `(createdAt, id)` position. */
  async listNotifications(
    filter: { status?: NotificationRow["status"]; reviewId?: string },
    limit: number,
    after: { createdAt: string; id: string } | null,
  ): Promise<NotificationRow[]> {
    const where = ["workspace_id = ?"];
    const params: SqlValue[] = [this.ws];
    if (filter.status !== undefined) {
      where.push("status = ?");
      params.push(filter.status);
    }
    if (filter.reviewId !== undefined) {
      where.push("review_id = ?");
      params.push(filter.reviewId);
    }
    if (after !== null) {
      where.push("(created_at, id) > (?, ?)");
      params.push(after.createdAt, after.id);
    }
    const sql = `SELECT * FROM notifications WHERE ${where.join(" AND ")} ORDER BY created_at, id LIMIT ?`;
    return (await this.reader.all(sql, [...params, limit])).map(notificationFromDb);
  }

  async feedPosition(name: string): Promise<number | null> {
    const [row] = await this.reader.all(SQL.feedPosition, [this.ws, name]);
    return row === undefined ? null : Number(row.seq);
  }
}

const duplicate = (table: string, id: string): Conflict => ({ kind: "duplicate", table, id });

function timerFromDb(r: DbRecord): ReviewTimerRow {
  return {
    id: String(r.id),
    reviewId: String(r.review_id),
    proposalId: String(r.proposal_id),
    kind: String(r.kind) as ReviewTimerRow["kind"],
    fireAt: String(r.fire_at),
    status: String(r.status) as ReviewTimerRow["status"],
    beforeMs: Number(r.before_ms),
    version: Number(r.version),
    createdAt: String(r.created_at),
    firedAt: r.fired_at == null ? null : String(r.fired_at),
  };
}

function notificationFromDb(r: DbRecord): NotificationRow {
  return {
    id: String(r.id),
    eventType: String(r.event_type) as NotificationEventType,
    channel: String(r.channel) as NotificationRow["channel"],
    proposalId: r.proposal_id == null ? null : String(r.proposal_id),
    reviewId: r.review_id == null ? null : String(r.review_id),
    status: String(r.status) as NotificationRow["status"],
    attempts: Number(r.attempts),
    nextAttemptAt: String(r.next_attempt_at),
    lastError: r.last_error == null ? null : String(r.last_error),
    version: Number(r.version),
    createdAt: String(r.created_at),
    updatedAt: String(r.updated_at),
    sentAt: r.sent_at == null ? null : String(r.sent_at),
    doc: typeof r.doc === "string" ? JSON.parse(r.doc) : (r.doc as NotificationRow["doc"]),
  };
}
