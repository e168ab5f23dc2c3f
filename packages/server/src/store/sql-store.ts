import type { AuditEntry } from "@loopgate/core";
import { decodeAuditCursor, decodeReviewCursor, encodeAuditCursor, encodeReviewCursor } from "./cursor.ts";
import { GroupCommit } from "./group-commit.ts";
import {
  apiKeyFromDb,
  auditFromDb,
  type DbRecord,
  decisionFromDb,
  policyFromDb,
  proposalFromDb,
  reviewFromDb,
  type SqlValue,
  userFromDb,
} from "./rows.ts";
import type { BatchTransaction, SqlRunner } from "./sql-runner.ts";
import { placeholders, SQL } from "./statements.ts";
import type {
  ApiKeyRow,
  AuditFilter,
  Change,
  CommitResult,
  DecisionRow,
  ListPage,
  PolicyRow,
  ProposalRow,
  ReviewFilter,
  ReviewRow,
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
export abstract class SqlStore implements Store {
  abstract readonly engine: "sqlite" | "postgres";
  protected readonly workspaceId: string;
  readonly #writer: GroupCommit;
  #closing: Promise<void> | null = null;

  protected constructor(options: SqlStoreOptions) {
    this.workspaceId = options.workspaceId ?? "default";
    this.#writer = new GroupCommit({
      workspaceId: this.workspaceId,
      maxBatch: options.maxBatch ?? 512,
      begin: (changes) => this.beginBatch(changes),
    });
  }

  /** The connection reads go through; it never sees a batch before it commits. */
  protected abstract readonly reader: SqlRunner;
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
    const after = cursor === undefined ? null : decodeReviewCursor(cursor);
    const statuses = filter.statuses ?? OPEN_REVIEW_STATUSES;
    if (statuses.length === 0 || filter.queues?.length === 0 || limit < 1)
      return { items: [], nextCursor: null };

    const where = ["workspace_id = ?", `status IN (${placeholders(statuses.length)})`];
    const params: SqlValue[] = [this.workspaceId, ...statuses];
    if (filter.queues !== undefined) {
      where.push(`queue IN (${placeholders(filter.queues.length)})`);
      params.push(...filter.queues);
    }
    if (filter.actionType !== undefined) {
      where.push("action_type = ?");
      params.push(filter.actionType);
    }
    if (filter.agentId !== undefined) {
      where.push("agent_id = ?");
      params.push(filter.agentId);
    }
    if (after !== null) {
      where.push("(due_at, id) > (?, ?)");
      params.push(after.dueAt, after.id);
    }
    const sql = `SELECT * FROM reviews WHERE ${where.join(" AND ")} ORDER BY due_at, id LIMIT ?`;
    const rows = (await this.reader.all(sql, [...params, limit + 1])).map(reviewFromDb);
    return page(rows, limit, (last) => encodeReviewCursor(last.dueAt, last.id));
  }

  async dueReviews(now: string, limit: number): Promise<ReviewRow[]> {
    return (await this.reader.all(SQL.dueReviews, [this.workspaceId, isoTime(now), limit])).map(reviewFromDb);
  }

  async dueInfoRequests(now: string, limit: number): Promise<ProposalRow[]> {
    return (await this.reader.all(SQL.dueInfoRequests, [this.workspaceId, isoTime(now), limit])).map(
      proposalFromDb,
    );
  }

  /** `since` and `until` are both inclusive. */
  async listAudit(filter: AuditFilter, limit: number, cursor?: string): Promise<ListPage<AuditEntry>> {
    const afterSeq = cursor === undefined ? 0 : decodeAuditCursor(cursor);
    if (limit < 1) return { items: [], nextCursor: null };
    const where = ["workspace_id = ?", "seq > ?"];
    const params: SqlValue[] = [this.workspaceId, afterSeq];
    if (filter.proposalId !== undefined) {
      where.push("proposal_id = ?");
      params.push(filter.proposalId);
    }
    if (filter.type !== undefined) {
      where.push("type = ?");
      params.push(filter.type);
    }
    if (filter.since !== undefined) {
      where.push("at >= ?");
      params.push(isoTime(filter.since));
    }
    if (filter.until !== undefined) {
      where.push("at <= ?");
      params.push(isoTime(filter.until));
    }
    const sql = `SELECT * FROM audit_entries WHERE ${where.join(" AND ")} ORDER BY seq LIMIT ?`;
    const rows = (await this.reader.all(sql, [...params, limit + 1])).map(auditFromDb);
    return page(rows, limit, (last) => encodeAuditCursor(last.seq));
  }

  async auditHead(): Promise<AuditEntry | null> {
    return this.#one(SQL.auditHead, [this.workspaceId], auditFromDb);
  }

  async auditRange(fromSeq: number, limit: number): Promise<AuditEntry[]> {
    return (await this.reader.all(SQL.auditRange, [this.workspaceId, fromSeq, limit])).map(auditFromDb);
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

/**
 * Stored times are `toISOString()` strings, which compare correctly as text; a bound given with an
 * offset is brought to the same form first.
 */
function isoTime(value: string): string {
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) throw new RangeError(`not a timestamp: ${JSON.stringify(value)}`);
  return time.toISOString();
}
