import type { AuditDraft, AuditEntry, AuditOrder, ReviewStatus, RollupCell } from "@loopgate/core";
import type { AuditFollowStep, AuditInterest } from "./audit-follow.ts";
import type { AutonomyFilter, ExecutionCounts } from "./autonomy-reads.ts";
import type {
  AutonomyChangeRow,
  AutonomyStageRow,
  AutonomyWrite,
  OutcomeRow,
  PromotionRow,
} from "./autonomy-rows.ts";
import type { EntityAmount, RefusedProposal } from "./bypass-reads.ts";
import type { RecommendationFilter } from "./calibration-reads.ts";
import type {
  CalibrationMapRow,
  CalibrationWrite,
  RecommendationRow,
  ReviewLabelRow,
  ThresholdRow,
} from "./calibration-rows.ts";
import type {
  ApiKeyRow,
  DecisionRow,
  PolicyRow,
  ProposalRow,
  QueueSummaryRow,
  ReviewRow,
  SessionRow,
  UserRow,
} from "./core-rows.ts";
import type { ExecutionRow, ExecutionWrite, GrantUseRow, HeldCount, StopRow } from "./execution-rows.ts";
import type {
  HistoryDecisions,
  HistoryPosition,
  HistoryRow,
  ReplayDocPart,
  ReplayRange,
  ReplayRow,
} from "./history-sql.ts";
import type { MetricTotalRow, RollupFilter } from "./metric-rollups.ts";
import type { NotificationRow, NotificationWrite, ReviewTimerRow } from "./notification-rows.ts";
import type { HeldFilter } from "./review-desk-sql.ts";
import type { CanaryRow, ReviewActivityRow, VigilanceFactRow, VigilanceWrite } from "./vigilance-rows.ts";

export type {
  ApiKeyRow,
  DecisionRow,
  PolicyRow,
  ProposalDoc,
  ProposalRow,
  QueueSummaryRow,
  ReviewRow,
  SessionRow,
  UserRow,
} from "./core-rows.ts";

/**
 * The Store port: everything Loopgate keeps, behind one contract that both engines (the embedded
 * SQLite store and PostgreSQL) pass with the same test suite.
 *
 * Writes go through {@link Store.commit} as one {@link Change}: a list of row writes with
 * optimistic-concurrency preconditions plus the audit entries that record them. A change is applied
 * atomically (all rows and all audit entries in one transaction) or not at all. Concurrent commits may
 * share one durable commit (group commit); each change still succeeds or fails on its own.
 *
 * Every row belongs to a workspace; a single `default` workspace is used for now.
 */
export interface Store {
  readonly engine: "sqlite" | "postgres";

  /** Applies numbered migrations not yet applied. Safe to call on every start and from several processes. */
  migrate(): Promise<void>;
  close(): Promise<void>;

  /** Applies a change atomically, with its audit entries chained in the same transaction. */
  commit(change: Change): Promise<CommitResult>;

  // Reads. Each returns committed data only.
  activePolicy(): Promise<PolicyRow | null>;
  policyVersion(version: number): Promise<PolicyRow | null>;
  apiKeyByHash(hash: string): Promise<ApiKeyRow | null>;
  userByName(name: string): Promise<UserRow | null>;
  user(id: string): Promise<UserRow | null>;
  /** Every person, by name. */
  listUsers(): Promise<UserRow[]>;
  /** The session whose cookie secret hashes to `tokenHash`, ended or not; null when unknown. */
  sessionByTokenHash(tokenHash: string): Promise<SessionRow | null>;
  /** Proposals whose `context.entity` is `entity`, newest first, after `cursor` (from a previous page). */
  proposalsOfEntity(entity: string, limit: number, cursor?: string): Promise<ListPage<ProposalRow>>;
  /**
   * `held` proposals of the filter's agent and/or action type (every held proposal without either),
   * oldest first by `(createdAt, id)`, after `cursor` (from a previous page of this list): what a stop
   * of that scope holds, each page a range of a partial index of held proposals.
   */
  listHeldProposals(filter: HeldFilter, limit: number, cursor?: string): Promise<ListPage<ProposalRow>>;
  /**
   * The agent's latest proposals of the action type that people decided (approved, approved with
   * edits, rejected or handled manually), newest first: the pool the review page's similar past cases
   * are drawn from.
   */
  decidedProposalsOfPair(agentId: string, actionType: string, limit: number): Promise<ProposalRow[]>;
  /** Open reviews per queue (count, oldest, next due), for the given queues or every queue. */
  queueSummary(queues?: string[]): Promise<QueueSummaryRow[]>;
  proposal(id: string): Promise<ProposalRow | null>;
  proposalByIdempotencyKey(agentId: string, key: string): Promise<ProposalRow | null>;
  review(id: string): Promise<ReviewRow | null>;
  reviewsOfProposal(proposalId: string): Promise<ReviewRow[]>;
  decisionsOfProposal(proposalId: string): Promise<DecisionRow[]>;
  /** Reviews matching the filter, ordered by due time then id, after `cursor` (an opaque string from a previous page). */
  listReviews(filter: ReviewFilter, limit: number, cursor?: string): Promise<ListPage<ReviewRow>>;
  /**
   * Open reviews (of `queues`, else every queue) that `userId` may claim at `now` — unclaimed, with a
   * lapsed claim, or claimed by them — in the review list's order, `limit` per page (claim-next): their
   * ids and due times only, which the due-order indexes hold, so a page reads no table row.
   */
  claimableReviews(
    filter: { queues?: string[]; userId: string; now: string },
    limit: number,
    cursor?: string,
  ): Promise<ListPage<ClaimableReview>>;
  /** Open (pending or escalated) reviews whose due time is at or before `now`, oldest due first. */
  dueReviews(now: string, limit: number): Promise<ReviewRow[]>;
  /** Proposals in `needs_info` whose `infoDueAt` is at or before `now`. */
  dueInfoRequests(now: string, limit: number): Promise<ProposalRow[]>;
  /**
   * Audit entries matching `filter`, in `seq` order: oldest first (`asc`, the default) or newest first
   * (`desc`). A page's `nextCursor` continues in the same order and is refused by the other.
   */
  listAudit(
    filter: AuditFilter,
    limit: number,
    cursor?: string,
    order?: AuditOrder,
  ): Promise<ListPage<AuditEntry>>;
  /** The newest audit entry, or null for an empty chain. */
  auditHead(): Promise<AuditEntry | null>;
  /** Audit entries in `seq` order from `fromSeq` (inclusive), for export and verification. */
  auditRange(fromSeq: number, limit: number): Promise<AuditEntry[]>;
  /**
   * A follower's step through the log from `fromSeq` (inclusive): the entries matching any of
   * `interests`, in `seq` order, at most `limit` of them and looking no further than `window` sequence
   * numbers; see audit-follow.ts.
   */
  followAudit(
    fromSeq: number,
    interests: readonly AuditInterest[],
    limit: number,
    window: number,
  ): Promise<AuditFollowStep>;

  // Execution (migration 0002).
  execution(id: string): Promise<ExecutionRow | null>;
  executionsOfProposal(proposalId: string): Promise<ExecutionRow[]>;
  /** The execution whose reconciliation review this is, if any. */
  executionByReview(reviewId: string): Promise<ExecutionRow | null>;
  /** Executions to attempt now: queued and due, or executing with a lapsed lease (cut off by a crash). */
  dueExecutions(now: string, limit: number): Promise<ExecutionRow[]>;
  /** Queued executions, next due first (a stop cancels those in its scope). */
  queuedExecutions(limit: number): Promise<ExecutionRow[]>;
  stopsInForce(): Promise<StopRow[]>;
  /** Stops no longer in force, most recently lifted first: the history owners look back on. */
  liftedStops(limit: number, cursor?: string): Promise<ListPage<StopRow>>;
  stop(id: string): Promise<StopRow | null>;
  /** Proposals `held` by a stop, oldest first. */
  heldProposals(limit: number): Promise<ProposalRow[]>;
  /** How many proposals are `held`, by agent and action type (only pairs with any). */
  heldCounts(): Promise<HeldCount[]>;
  grantUse(grantId: string): Promise<GrantUseRow | null>;

  // Reminders, notifications and bypass resistance (migration 0003).
  /** Pending reminders due at or before `now`, soonest first. */
  dueReviewTimers(now: string, limit: number): Promise<ReviewTimerRow[]>;
  timersOfReview(reviewId: string): Promise<ReviewTimerRow[]>;
  /** Deliveries to attempt now: pending and due, or sending with a lapsed lease (cut off by a crash). */
  dueNotifications(now: string, limit: number): Promise<NotificationRow[]>;
  notificationsOfReview(reviewId: string): Promise<NotificationRow[]>;
  /** Outbox deliveries, oldest first, optionally of one status or review; `cursor` from a previous page. */
  listNotifications(
    filter: { status?: NotificationRow["status"]; reviewId?: string },
    limit: number,
    cursor?: string,
  ): Promise<ListPage<NotificationRow>>;
  /** How far the named audit-log feed has read (the last seq handled), or null before it started. */
  feedPosition(name: string): Promise<number | null>;
  /**
   * An agent's rejected or blocked proposals of one action type created since `since`, newest first:
   * only their ids, times and payloads (what a near-repeat is compared with).
   */
  refusedProposals(
    agentId: string,
    actionType: string,
    since: string,
    limit: number,
  ): Promise<RefusedProposal[]>;
  /** Amounts of an action type proposed for `entity` since `since`, newest first, with their status. */
  amountsOfEntity(actionType: string, entity: string, since: string, limit: number): Promise<EntityAmount[]>;

  // Metric rollups (migration 0005), maintained by every commit.
  /** Summed counters per hour bucket and metric in `[from, to)` (hour buckets), filtered by dimension. */
  metricRollups(filter: RollupFilter): Promise<RollupCell[]>;
  /** All-time totals of every counter by dimension (Prometheus). */
  metricTotals(): Promise<MetricTotalRow[]>;

  // History for replay and feedback export (migration 0007).
  /**
   * Proposals created at or after `since` (every one when null), oldest first by (created time, id), each
   * with its reviews and decisions; `cursor` from a previous page.
   */
  historyPage(since: string | null, limit: number, cursor?: string): Promise<ListPage<HistoryRow>>;
  /** How many proposals {@link Store.historyPage} walks from `since` (for progress). */
  historySize(since: string | null): Promise<number>;
  /**
   * Replay's narrow read (history-sql.ts): proposals in the range, oldest first, with only the named
   * document parts, at most `limit`.
   */
  replayRows(range: ReplayRange, parts: readonly ReplayDocPart[], limit: number): Promise<ReplayRow[]>;
  /**
   * The position of the `offset`-th proposal from `since` (and from position `from`, inclusive, when
   * given), to cut the history into parts; null past the end.
   */
  historyPosition(
    since: string | null,
    offset: number,
    from?: HistoryPosition | null,
  ): Promise<HistoryPosition | null>;
  /** Final payloads and decisions of the given proposals, by id (absent: no such proposal). */
  historyDecisions(proposalIds: readonly string[]): Promise<Map<string, HistoryDecisions>>;

  // The learning loop (migration 0006).
  /** Labelled proposals per agent and action type. */
  labelCounts(): Promise<{ agentId: string; actionType: string; labelled: number }[]>;
  /** The newest `limit` labels of an agent and action type, newest first. */
  reviewLabels(agentId: string, actionType: string, limit: number): Promise<ReviewLabelRow[]>;
  /** The calibration map in force per agent and action type. */
  calibrationMaps(): Promise<CalibrationMapRow[]>;
  recommendation(id: string): Promise<RecommendationRow | null>;
  /** Threshold recommendations, newest first, after `cursor` (from a previous page). */
  listRecommendations(
    filter: RecommendationFilter,
    limit: number,
    cursor?: string,
  ): Promise<ListPage<RecommendationRow>>;
  /** Approved `thresholds.auto` per agent and action type. */
  thresholdsInForce(): Promise<ThresholdRow[]>;

  // Earned autonomy and outcomes (autonomy-reads.ts).
  /** Outcomes recorded for a proposal, oldest first. */
  outcomesOfProposal(proposalId: string): Promise<OutcomeRow[]>;
  /** Stages set by promotions and demotions, per agent and action type. */
  autonomyStages(): Promise<AutonomyStageRow[]>;
  autonomyPromotion(id: string): Promise<PromotionRow | null>;
  /** Promotions, newest first, at most `limit`. */
  autonomyPromotions(filter: AutonomyFilter, limit: number): Promise<PromotionRow[]>;
  /** Promotions and demotions, newest first, after `cursor`. */
  autonomyChanges(
    filter: AutonomyFilter,
    limit: number,
    cursor?: string,
  ): Promise<ListPage<AutonomyChangeRow>>;
  /** What one agent's executions of an action type did within `[from, to)`. */
  executionCounts(agentId: string, actionType: string, from: string, to: string): Promise<ExecutionCounts>;
  /** Post-review decisions (of actions that ran unattended) within `[from, to)`, and the overriding ones. */
  unattendedCounts(
    agentId: string,
    actionType: string,
    from: string,
    to: string,
  ): Promise<{ decided: number; overridden: number }>;
  /** Incident outcomes of one agent and action type within `[from, to)`. */
  incidentCount(agentId: string, actionType: string, from: string, to: string): Promise<number>;
  /** Every agent and action type that has proposed anything. */
  proposingPairs(): Promise<{ agentId: string; actionType: string }[]>;

  // Reviewer vigilance (migration 0010).
  /** What a person was seen doing with a review (first open, evidence, judgement), or null. */
  reviewActivity(reviewId: string, userId: string): Promise<ReviewActivityRow | null>;
  /** The canary mark of a proposal, or null for a real one. */
  canary(proposalId: string): Promise<CanaryRow | null>;
  /** Decisions made in `[from, to)`, oldest first, with the decider's activity and canary marks. */
  vigilanceFacts(from: string, to: string, reviewerId?: string): Promise<VigilanceFactRow[]>;
}

/** One page of a list, with the cursor for the next page or null at the end. */
export interface ListPage<T> {
  items: T[];
  nextCursor: string | null;
}

/** A review claim-next may take (see {@link Store.claimableReviews}). */
export interface ClaimableReview {
  id: string;
  dueAt: string;
}

export interface ReviewFilter {
  /** Limit to these statuses; default: pending and escalated. */
  statuses?: ReviewStatus[];
  /** Limit to these queues (a reviewer limited to queues); undefined for every queue. */
  queues?: string[];
  actionType?: string;
  agentId?: string;
}

export interface AuditFilter {
  proposalId?: string;
  type?: string;
  since?: string;
  until?: string;
}

/** One row write inside a change. Updates name the version they expect; a mismatch fails the whole change. */
export type Write =
  | { kind: "insertProposal"; row: ProposalRow }
  | { kind: "updateProposal"; id: string; expectVersion: number; set: ProposalPatch }
  | { kind: "insertReview"; row: ReviewRow }
  | { kind: "updateReview"; id: string; expectVersion: number; set: ReviewPatch }
  | { kind: "insertDecision"; row: DecisionRow }
  /**
   * A new policy version, numbered by the store. With `expectVersion` the change fails (a version
   * conflict on `policies`) unless that is the number it gets: the change's `policy.loaded` entry can
   * then name the version, and a policy loaded meanwhile by another writer is never overwritten.
   */
  | { kind: "insertPolicy"; row: Omit<PolicyRow, "version">; expectVersion?: number }
  | { kind: "insertUser"; row: UserRow }
  | { kind: "insertApiKey"; row: ApiKeyRow }
  | ExecutionWrite
  | NotificationWrite
  | CalibrationWrite
  | AutonomyWrite
  | VigilanceWrite
  | { kind: "setUserPassword"; id: string; passwordHash: string }
  | { kind: "insertSession"; row: SessionRow }
  | { kind: "touchSession"; id: string; lastSeenAt: string }
  | { kind: "endSession"; id: string; endedAt: string };

export type ProposalPatch = Partial<
  Pick<ProposalRow, "status" | "executionStatus" | "policyVersion" | "infoDueAt" | "updatedAt" | "doc">
>;
export type ReviewPatch = Partial<
  Pick<
    ReviewRow,
    | "status"
    | "dueAt"
    | "approvers"
    | "claimedBy"
    | "claimExpiresAt"
    | "priority"
    | "updatedAt"
    | "queue"
    | "level"
  >
>;

/** A unit of work: row writes and the audit entries that record them, applied together or not at all. */
export interface Change {
  writes: Write[];
  audit: AuditDraft[];
}

export type CommitResult =
  | {
      ok: true;
      /** The audit entries as chained. */
      audit: AuditEntry[];
      /** The version given to an inserted policy, when the change inserted one. */
      policyVersion?: number;
    }
  | { ok: false; conflict: Conflict };

/** Why a change was not applied. Nothing of it was written. */
export type Conflict =
  | { kind: "version"; table: "proposals" | "reviews" | "executions" | "stops" | "policies"; id: string }
  /** A stop in force covers the execution an `updateExecution … unlessStopped` would have started. */
  | { kind: "stopped"; stopId: string }
  | { kind: "idempotency"; agentId: string; key: string; existingId: string }
  | { kind: "duplicate"; table: string; id: string }
  /** An update named a row that does not exist (or, for a session, one already ended). */
  | { kind: "missing"; table: string; id: string };
