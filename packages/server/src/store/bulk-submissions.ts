import { EXECUTION_COLUMNS, type ExecutionRow, executionValues } from "./execution-rows.ts";
import type { ProposalAmountRow } from "./notification-rows.ts";
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

/**
 * A submission: the change a new proposal makes — its row, the amount it proposes for an entity (when
 * its action type has one and bypass resistance, see bypass-check.ts), the execution an auto-approved
 * proposal queues, and the row of its review if it opens one, each optional but the first, in that
 * order.
 */
export type Submission = Change & { readonly [submitted]: true };
declare const submitted: unique symbol;

/** The rows of a submission. */
interface SubmissionRows {
  proposal: ProposalRow;
  amount: ProposalAmountRow | null;
  execution: ExecutionRow | null;
  review: ReviewRow | null;
}

export function isSubmission(change: Change): change is Submission {
  return rowsOf(change) !== null;
}

function rowsOf(change: Change): SubmissionRows | null {
  const writes = change.writes;
  const first = writes[0];
  if (first?.kind !== "insertProposal" || writes.length > 4) return null;
  let next = 1;
  let amount: ProposalAmountRow | null = null;
  let execution: ExecutionRow | null = null;
  let review: ReviewRow | null = null;
  let write = writes[next];
  if (write?.kind === "insertProposalAmount") {
    amount = write.row;
    write = writes[++next];
  }
  if (write?.kind === "insertExecution") {
    execution = write.row;
    write = writes[++next];
  }
  if (write?.kind === "insertReview") {
    review = write.row;
    write = writes[++next];
  }
  return next === writes.length ? { proposal: first.row, amount, execution, review } : null;
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
  const rows = submissions.map((submission) => rowsOf(submission)!);
  const inserted = await insertRows(
    tx,
    "proposals",
    PROPOSAL_COLUMNS,
    rows.map((r) => r.proposal),
    (row) => proposalValues(workspaceId, row),
  );
  const outcomes: (Conflict | null)[] = [];
  const amounts: ProposalAmountRow[] = [];
  const executions: ExecutionRow[] = [];
  const reviews: ReviewRow[] = [];
  for (const { proposal, amount, execution, review } of rows) {
    if (inserted.has(proposal.id)) {
      outcomes.push(null);
      if (amount !== null) amounts.push(amount);
      if (execution !== null) executions.push(execution);
      if (review !== null) reviews.push(review);
    } else {
      outcomes.push(await proposalConflict(tx, workspaceId, proposal));
    }
  }
  const insertedAmounts = await insertRows(tx, "proposal_amounts", AMOUNT_COLUMNS, amounts, (row) => [
    workspaceId,
    row.proposalId,
    row.actionType,
    row.entity,
    row.amount,
    row.createdAt,
  ]);
  if (insertedAmounts.size !== amounts.length) throw new Error("the amount of a new proposal was refused");
  const insertedExecutions = await insertRows(tx, "executions", EXECUTION_COLUMNS, executions, (row) =>
    executionValues(workspaceId, row),
  );
  if (insertedExecutions.size !== executions.length)
    throw new Error("the execution of a new proposal was refused");
  const insertedReviews = await insertRows(tx, "reviews", REVIEW_COLUMNS, reviews, (row) =>
    reviewValues(workspaceId, row),
  );
  if (insertedReviews.size !== reviews.length) throw new Error("a review of a new proposal was refused");
  return outcomes;
}

const AMOUNT_COLUMNS = ["workspace_id", "proposal_id", "action_type", "entity", "amount", "created_at"];

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

/** Inserts rows in chunks and returns the ids (proposal ids for amounts) the database took. */
async function insertRows<Row>(
  tx: SqlRunner,
  table: "proposals" | "reviews" | "proposal_amounts" | "executions",
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
    for (const record of returned) ids.add(String(record.id ?? record.proposal_id));
  }
  return ids;
}

const statements = new Map<string, string>();

function multiRowInsert(table: string, columns: readonly string[], count: number): string {
  const key = `${table}:${count}`;
  let sql = statements.get(key);
  if (sql === undefined) {
    const row = `(${placeholders(columns.length)})`;
    const id = table === "proposal_amounts" ? "proposal_id" : "id";
    sql = `INSERT INTO ${table} (${columns.join(", ")}) VALUES ${Array(count).fill(row).join(", ")} ON CONFLICT DO NOTHING RETURNING ${id}`;
    statements.set(key, sql);
  }
  return sql;
}
