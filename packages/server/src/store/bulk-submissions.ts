import {
  type DbRecord,
  PROPOSAL_COLUMNS,
  proposalValues,
  REVIEW_COLUMNS,
  reviewValues,
  type SqlValue,
} from "./rows.ts";
import type { SqlRunner } from "./sql-runner.ts";
import { placeholders, SQL } from "./statements.ts";
import type { Change, Conflict, ProposalRow, ReviewRow } from "./store.ts";

/** Rows a multi-row insert carries at most: 100 × 19 columns stays far under either engine's limit. */
const ROWS_PER_INSERT = 100;

/** A submission: the change a new proposal makes — its row, and the row of its review if it opens one. */
export type Submission = Change & {
  writes: [{ kind: "insertProposal"; row: ProposalRow }, { kind: "insertReview"; row: ReviewRow }?];
};

export function isSubmission(change: Change): change is Submission {
  const [first, second, ...rest] = change.writes;
  return (
    rest.length === 0 &&
    first?.kind === "insertProposal" &&
    (second === undefined || second.kind === "insertReview")
  );
}

/**
 * Writes the rows of many submissions with one multi-row `INSERT … ON CONFLICT DO NOTHING RETURNING
 * id` per table, instead of a savepoint and two inserts each: on PostgreSQL each statement is a round
 * trip, and a batch of 64 submissions goes from about 190 statements to 2.
 *
 * A proposal the insert refused (its Idempotency-Key was used before, also earlier in this batch,
 * where the earlier one wins as it would written one by one) gets the same conflict applyChange
 * reports, and its review is not written. Returns, per submission in order, null when written or
 * its conflict. Audit entries are the caller's, sealed in batch order afterwards.
 *
 * @throws when a review was refused: its id is new, so that is unexpected, and the caller writes the
 * batch again one change at a time to confine the failure.
 */
export async function insertSubmissions(
  tx: SqlRunner,
  workspaceId: string,
  submissions: readonly Submission[],
): Promise<(Conflict | null)[]> {
  const proposals = submissions.map((s) => s.writes[0].row);
  const inserted = await insertRows(tx, "proposals", PROPOSAL_COLUMNS, proposals, (row) =>
    proposalValues(workspaceId, row),
  );
  const outcomes: (Conflict | null)[] = [];
  const reviews: ReviewRow[] = [];
  for (const submission of submissions) {
    const { row } = submission.writes[0];
    if (inserted.has(row.id)) {
      outcomes.push(null);
      const review = submission.writes[1];
      if (review !== undefined) reviews.push(review.row);
    } else {
      outcomes.push(await proposalConflict(tx, workspaceId, row));
    }
  }
  const insertedReviews = await insertRows(tx, "reviews", REVIEW_COLUMNS, reviews, (row) =>
    reviewValues(workspaceId, row),
  );
  if (insertedReviews.size !== reviews.length) throw new Error("a review of a new proposal was refused");
  return outcomes;
}

/** The conflict that refused a proposal, as applyChange reports it. */
async function proposalConflict(tx: SqlRunner, workspaceId: string, row: ProposalRow): Promise<Conflict> {
  if (row.idempotencyKey !== null) {
    const [existing] = await tx.all(SQL.proposalByIdempotencyKey, [
      workspaceId,
      row.agentId,
      row.idempotencyKey,
    ]);
    if (existing !== undefined) {
      return {
        kind: "idempotency",
        agentId: row.agentId,
        key: row.idempotencyKey,
        existingId: String(existing.id),
      };
    }
  }
  return { kind: "duplicate", table: "proposals", id: row.id };
}

/** Inserts rows in chunks and returns the ids the database took. */
async function insertRows<Row>(
  tx: SqlRunner,
  table: "proposals" | "reviews",
  columns: readonly string[],
  rows: readonly Row[],
  values: (row: Row) => SqlValue[],
): Promise<Set<string>> {
  const ids = new Set<string>();
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    const chunk = rows.slice(i, i + ROWS_PER_INSERT);
    const returned: DbRecord[] = await tx.all(
      multiRowInsert(table, columns, chunk.length),
      chunk.flatMap(values),
    );
    for (const record of returned) ids.add(String(record.id));
  }
  return ids;
}

const statements = new Map<string, string>();

function multiRowInsert(table: string, columns: readonly string[], count: number): string {
  const key = `${table}:${count}`;
  let sql = statements.get(key);
  if (sql === undefined) {
    const row = `(${placeholders(columns.length)})`;
    sql = `INSERT INTO ${table} (${columns.join(", ")}) VALUES ${Array(count).fill(row).join(", ")} ON CONFLICT DO NOTHING RETURNING id`;
    statements.set(key, sql);
  }
  return sql;
}
