import type { AuditEntry, AuditOrder } from "@loopgate/core";
import { type AuditFollowStep, type AuditInterest, followAudit } from "./audit-follow.ts";
import { auditListSql } from "./audit-list-sql.ts";
import { auditFromDb } from "./audit-rows.ts";
import { BypassReads, type EntityAmount, type RefusedProposal } from "./bypass-reads.ts";
import {
  decodeAuditCursor,
  decodeHeldCursor,
  decodeReviewCursor,
  decodeStopCursor,
  encodeAuditCursor,
  encodeHeldCursor,
  encodeReviewCursor,
  encodeStopCursor,
} from "./cursor.ts";
import type { ExecutionRow, GrantUseRow, HeldCount, StopRow } from "./execution-rows.ts";
import { ExecutionReads } from "./execution-sql.ts";
import { GroupCommit } from "./group-commit.ts";
import { isoTime } from "./iso-time.ts";
import { LearningSqlReads } from "./learning-sql-reads.ts";
import { NotificationReads, type NotificationRow, type ReviewTimerRow } from "./notification-rows.ts";
import {
  decidedProposalsOfPairSql,
  type HeldFilter,
  heldProposalsSql,
  PEOPLE_DECIDED_STATUSES,
  proposalsOfEntitySql,
  queueSummarySql,
} from "./review-desk-sql.ts";
import { type ReviewListFilter, reviewListSql } from "./review-list-sql.ts";
import {
  apiKeyFromDb,
  type DbRecord,
  decisionFromDb,
  policyFromDb,
  proposalFromDb,
  reviewFromDb,
  type SqlValue,
  userFromDb,
} from "./rows.ts";
import { SESSION_SQL, sessionFromDb } from "./session-rows.ts";
import type { BatchTransaction } from "./sql-runner.ts";
import { SQL } from "./statements.ts";
import type {
  ApiKeyRow,
  AuditFilter,
  Change,
  ClaimableReview,
  CommitResult,
  DecisionRow,
  ListPage,
  PolicyRow,
  ProposalRow,
  QueueSummaryRow,
  ReviewFilter,
  ReviewRow,
  SessionRow,
  Store,
  UserRow,
} from "./store.ts";

export interface SqlStoreOptions {
  /** @defaultValue "default" */
  workspaceId?: string;
  /**
   * Most changes committed in one transaction.
   * @defaultValue 512
   */
  maxBatch?: number;
}

const OPEN_REVIEW_STATUSES = ["pending", "escalated"] as const;

/**
 * The part of a Store both engines share: every read, written once in portable SQL, and commits
 * through {@link GroupCommit}. An engine supplies a connection for reads, the batch transaction
 * and migrations.
 */
export abstract class SqlStore extends LearningSqlReads implements Store {
  protected readonly workspaceId: string;
  readonly #writer: GroupCommit;
  #closing: Promise<void> | null = null;

  protected constructor(options: SqlStoreOptions) {
    super();
    this.workspaceId = options.workspaceId ?? "default";
    this.#writer = new GroupCommit({
      workspaceId: this.workspaceId,
      maxBatch: options.maxBatch ?? 512,
      begin: (changes) => this.beginBatch(changes),
    });
  }

  protected abstract beginBatch(changes: readonly Change[]): Promise<BatchTransaction>;
  abstract migrate(): Promise<void>;
  /** Releases the engine's connections, after queued commits finished. */
  protected abstract closeConnections(): Promise<void>;

  commit(change: Change): Promise<CommitResult> {
    return this.#writer.commit(change);
  }

  /** Waits for queued commits, then releases the connections. Calling it again is harmless. */
  close(): Promise<void> {
    this.#closing ??= this.#writer.close().then(() => this.closeConnections());
    return this.#closing;
  }

  async activePolicy(): Promise<PolicyRow | null> {
    return this.#one(SQL.activePolicy, [this.workspaceId], policyFromDb);
  }

  async policyVersion(version: number): Promise<PolicyRow | null> {
    return this.#one(SQL.policyVersion, [this.workspaceId, version], policyFromDb);
  }

  async apiKeyByHash(hash: string): Promise<ApiKeyRow | null> {
    return this.#one(SQL.apiKeyByHash, [this.workspaceId, hash], apiKeyFromDb);
  }

  async userByName(name: string): Promise<UserRow | null> {
    return this.#one(SQL.userByName, [this.workspaceId, name], userFromDb);
  }

  async user(id: string): Promise<UserRow | null> {
    return this.#one(SQL.user, [this.workspaceId, id], userFromDb);
  }

  async listUsers(): Promise<UserRow[]> {
    return (await this.reader.all(SESSION_SQL.listUsers, [this.workspaceId])).map(userFromDb);
  }

  async sessionByTokenHash(tokenHash: string): Promise<SessionRow | null> {
    return this.#one(SESSION_SQL.sessionByTokenHash, [this.workspaceId, tokenHash], sessionFromDb);
  }

  async proposalsOfEntity(entity: string, limit: number, cursor?: string): Promise<ListPage<ProposalRow>> {
    if (limit < 1) return { items: [], nextCursor: null };
    const after = cursor === undefined ? null : decodeReviewCursor(cursor);
    const params: SqlValue[] = [this.workspaceId, entity, ...(after ? [after.dueAt, after.id] : [])];
    const sql = proposalsOfEntitySql(after !== null);
    const rows = (await this.reader.all(sql, [...params, limit + 1])).map(proposalFromDb);
    return page(rows, limit, (last) => encodeReviewCursor(last.createdAt, last.id));
  }

  async listHeldProposals(
    filter: HeldFilter,
    limit: number,
    cursor?: string,
  ): Promise<ListPage<ProposalRow>> {
    if (limit < 1) return { items: [], nextCursor: null };
    const after = cursor === undefined ? null : decodeHeldCursor(cursor);
    const params: SqlValue[] = [
      this.workspaceId,
      ...(filter.agentId !== undefined ? [filter.agentId] : []),
      ...(filter.actionType !== undefined ? [filter.actionType] : []),
      ...(after ? [after.createdAt, after.id] : []),
    ];
    const sql = heldProposalsSql(filter, after !== null);
    const rows = (await this.reader.all(sql, [...params, limit + 1])).map(proposalFromDb);
    return page(rows, limit, (last) => encodeHeldCursor(last.createdAt, last.id));
  }

  async decidedProposalsOfPair(agentId: string, actionType: string, limit: number): Promise<ProposalRow[]> {
    if (limit < 1) return [];
    const params = PEOPLE_DECIDED_STATUSES.flatMap((status) => [
      this.workspaceId,
      agentId,
      actionType,
      status,
      limit,
    ]);
    const rows = await this.reader.all(decidedProposalsOfPairSql(), [...params, limit]);
    return rows.map(proposalFromDb);
  }

  /**
   * Open (pending and escalated) reviews per queue, in queue order: how many, the oldest creation and
   * the next due time. Limited to `queues` when given; an empty list gives nothing.
   *
   * Cheap at any backlog, since the overload check calls it every second: the counts are read from
   * `queue_open_counts`, which triggers on `reviews` keep exact in the same transaction as every
   * review write (migration 0013), and the two times are index seeks per queue (see
   * {@link queueSummarySql}). A queue with no open review is left out.
   */
  async queueSummary(queues?: string[]): Promise<QueueSummaryRow[]> {
    if (queues?.length === 0) return [];
    const sql = queueSummarySql(queues === undefined ? null : queues.length);
    const rows = await this.reader.all(sql, [this.workspaceId, ...(queues ?? [])]);
    return rows.map((r) => ({
      queue: String(r.queue),
      open: Number(r.open_count),
      oldestAt: String(r.oldest_at),
      nextDueAt: String(r.next_due_at),
    }));
  }

  async proposal(id: string): Promise<ProposalRow | null> {
    return this.#one(SQL.proposal, [this.workspaceId, id], proposalFromDb);
  }

  async proposalByIdempotencyKey(agentId: string, key: string): Promise<ProposalRow | null> {
    return this.#one(SQL.proposalByIdempotencyKey, [this.workspaceId, agentId, key], proposalFromDb);
  }

  async review(id: string): Promise<ReviewRow | null> {
    return this.#one(SQL.review, [this.workspaceId, id], reviewFromDb);
  }

  async reviewsOfProposal(proposalId: string): Promise<ReviewRow[]> {
    return (await this.reader.all(SQL.reviewsOfProposal, [this.workspaceId, proposalId])).map(reviewFromDb);
  }

  async decisionsOfProposal(proposalId: string): Promise<DecisionRow[]> {
    return (await this.reader.all(SQL.decisionsOfProposal, [this.workspaceId, proposalId])).map(
      decisionFromDb,
    );
  }

  /** An empty `statuses` or `queues` list matches nothing; leave it undefined for "any". */
  async listReviews(filter: ReviewFilter, limit: number, cursor?: string): Promise<ListPage<ReviewRow>> {
    const statuses = filter.statuses ?? OPEN_REVIEW_STATUSES;
    return this.#reviewPage({ ...filter, statuses }, limit, cursor, "*", reviewFromDb);
  }

  async claimableReviews(
    filter: { queues?: string[]; userId: string; now: string },
    limit: number,
    cursor?: string,
  ): Promise<ListPage<ClaimableReview>> {
    const claimableBy = { userId: filter.userId, now: filter.now };
    return this.#reviewPage(
      { statuses: OPEN_REVIEW_STATUSES, queues: filter.queues, claimableBy },
      limit,
      cursor,
      "id, due_at",
      (r): ClaimableReview => ({ id: String(r.id), dueAt: String(r.due_at) }),
    );
  }

  /** One page of the review list (review-list-sql.ts): `columns` of each review, mapped by `read`. */
  async #reviewPage<T extends { dueAt: string; id: string }>(
    filter: ReviewListFilter,
    limit: number,
    cursor: string | undefined,
    columns: string,
    read: (row: DbRecord) => T,
  ): Promise<ListPage<T>> {
    const after = cursor === undefined ? null : decodeReviewCursor(cursor);
    if (filter.statuses.length === 0 || filter.queues?.length === 0 || limit < 1)
      return { items: [], nextCursor: null };
    const { sql, params } = reviewListSql(this.workspaceId, filter, after, limit + 1, columns, this.engine);
    const rows = (await this.reader.all(sql, params)).map(read);
    return page(rows, limit, (last) => encodeReviewCursor(last.dueAt, last.id));
  }

  async dueReviews(now: string, limit: number): Promise<ReviewRow[]> {
    // One index range per open status, as the review list reads (see review-list-sql.ts).
    const { sql, params } = reviewListSql(
      this.workspaceId,
      { statuses: ["pending", "escalated"], dueBy: isoTime(now) },
      null,
      limit,
      "*",
      this.engine,
    );
    return (await this.reader.all(sql, params)).map(reviewFromDb);
  }

  async dueInfoRequests(now: string, limit: number): Promise<ProposalRow[]> {
    return (await this.reader.all(SQL.dueInfoRequests, [this.workspaceId, isoTime(now), limit])).map(
      proposalFromDb,
    );
  }

  /** `since` and `until` are both inclusive. */
  async listAudit(
    filter: AuditFilter,
    limit: number,
    cursor?: string,
    order: AuditOrder = "asc",
  ): Promise<ListPage<AuditEntry>> {
    const fromSeq = cursor === undefined ? null : decodeAuditCursor(cursor, order);
    if (limit < 1) return { items: [], nextCursor: null };
    const bounds = {
      ...filter,
      since: filter.since === undefined ? undefined : isoTime(filter.since),
      until: filter.until === undefined ? undefined : isoTime(filter.until),
    };
    const { sql, params } = auditListSql(this.engine, this.workspaceId, bounds, fromSeq, limit + 1, order);
    const rows = (await this.reader.all(sql, params)).map(auditFromDb);
    return page(rows, limit, (last) => encodeAuditCursor(last.seq, order));
  }

  async auditHead(): Promise<AuditEntry | null> {
    return this.#one(SQL.auditHead, [this.workspaceId], auditFromDb);
  }

  async auditRange(fromSeq: number, limit: number): Promise<AuditEntry[]> {
    return (await this.reader.all(SQL.auditRange, [this.workspaceId, fromSeq, limit])).map(auditFromDb);
  }

  followAudit(
    fromSeq: number,
    interests: readonly AuditInterest[],
    limit: number,
    window: number,
  ): Promise<AuditFollowStep> {
    return followAudit(this.reader, this.engine, this.workspaceId, fromSeq, interests, limit, window);
  }

  // Execution reads live in execution-sql.ts; these delegate.
  #executions?: ExecutionReads;
  get #exec(): ExecutionReads {
    this.#executions ??= new ExecutionReads(this.reader, this.workspaceId);
    return this.#executions;
  }
  execution(id: string): Promise<ExecutionRow | null> {
    return this.#exec.execution(id);
  }
  executionsOfProposal(proposalId: string): Promise<ExecutionRow[]> {
    return this.#exec.executionsOfProposal(proposalId);
  }
  executionByReview(reviewId: string): Promise<ExecutionRow | null> {
    return this.#exec.executionByReview(reviewId);
  }
  dueExecutions(now: string, limit: number): Promise<ExecutionRow[]> {
    return this.#exec.dueExecutions(isoTime(now), limit);
  }
  queuedExecutions(limit: number): Promise<ExecutionRow[]> {
    return this.#exec.queuedExecutions(limit);
  }
  stopsInForce(): Promise<StopRow[]> {
    return this.#exec.stopsInForce();
  }
  async liftedStops(limit: number, cursor?: string): Promise<ListPage<StopRow>> {
    if (limit < 1) return { items: [], nextCursor: null };
    const after = cursor === undefined ? null : decodeStopCursor(cursor);
    const rows = await this.#exec.liftedStops(limit + 1, after);
    return page(rows, limit, (last) => encodeStopCursor(last.liftedAt ?? "", last.id));
  }
  stop(id: string): Promise<StopRow | null> {
    return this.#exec.stop(id);
  }
  heldProposals(limit: number): Promise<ProposalRow[]> {
    return this.#exec.heldProposals(limit);
  }
  heldCounts(): Promise<HeldCount[]> {
    return this.#exec.heldCounts();
  }
  grantUse(grantId: string): Promise<GrantUseRow | null> {
    return this.#exec.grantUse(grantId);
  }

  // Reminder and notification reads live in notification-rows.ts; these delegate.
  #notificationReads?: NotificationReads;
  get #notes(): NotificationReads {
    this.#notificationReads ??= new NotificationReads(this.reader, this.workspaceId);
    return this.#notificationReads;
  }
  dueReviewTimers(now: string, limit: number): Promise<ReviewTimerRow[]> {
    return this.#notes.dueReviewTimers(isoTime(now), limit);
  }
  timersOfReview(reviewId: string): Promise<ReviewTimerRow[]> {
    return this.#notes.timersOfReview(reviewId);
  }
  dueNotifications(now: string, limit: number): Promise<NotificationRow[]> {
    return this.#notes.dueNotifications(isoTime(now), limit);
  }
  notificationsOfReview(reviewId: string): Promise<NotificationRow[]> {
    return this.#notes.notificationsOfReview(reviewId);
  }
  feedPosition(name: string): Promise<number | null> {
    return this.#notes.feedPosition(name);
  }
  async listNotifications(
    filter: { status?: NotificationRow["status"]; reviewId?: string },
    limit: number,
    cursor?: string,
  ): Promise<ListPage<NotificationRow>> {
    if (limit < 1) return { items: [], nextCursor: null };
    const after = cursor === undefined ? null : decodeReviewCursor(cursor);
    const position = after === null ? null : { createdAt: after.dueAt, id: after.id };
    const rows = await this.#notes.listNotifications(filter, limit + 1, position);
    return page(rows, limit, (last) => encodeReviewCursor(last.createdAt, last.id));
  }
  // The bypass check's reads live in bypass-reads.ts; these delegate.
  #bypassReads?: BypassReads;
  get #bypass(): BypassReads {
    this.#bypassReads ??= new BypassReads(this.reader, this.workspaceId, this.engine);
    return this.#bypassReads;
  }
  refusedProposals(
    agentId: string,
    actionType: string,
    since: string,
    limit: number,
  ): Promise<RefusedProposal[]> {
    return this.#bypass.refusedProposals(agentId, actionType, isoTime(since), limit);
  }
  amountsOfEntity(actionType: string, entity: string, since: string, limit: number): Promise<EntityAmount[]> {
    return this.#bypass.amountsOfEntity(actionType, entity, isoTime(since), limit);
  }

  async #one<T>(sql: string, params: SqlValue[], map: (row: DbRecord) => T): Promise<T | null> {
    const [row] = await this.reader.all(sql, params);
    return row === undefined ? null : map(row);
  }
}

/** Cuts the extra row a list query fetched to learn whether another page follows. */
function page<T>(rows: T[], limit: number, cursorOf: (last: T) => string): ListPage<T> {
  if (rows.length <= limit) return { items: rows, nextCursor: null };
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: last === undefined ? null : cursorOf(last) };
}
