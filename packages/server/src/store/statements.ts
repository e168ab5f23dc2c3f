import { AUDIT_COLUMNS } from "./audit-rows.ts";
import {
  API_KEY_COLUMNS,
  DECISION_COLUMNS,
  POLICY_COLUMNS,
  PROPOSAL_COLUMNS,
  REVIEW_COLUMNS,
  USER_COLUMNS,
} from "./rows.ts";

/**
 * The SQL both engines run, written once with `?` placeholders (the PostgreSQL engine numbers them).
 * Only standard SQL that SQLite and PostgreSQL read alike belongs here; engine-specific statements
 * (locks, pragmas, the chain head) live with their engine.
 */

/** A row insert that a unique constraint turns into a no-op (0 rows changed) instead of an error. */
const insert = (table: string, columns: readonly string[]): string =>
  `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${placeholders(columns.length)}) ON CONFLICT DO NOTHING`;

export const placeholders = (count: number): string => Array.from({ length: count }, () => "?").join(", ");

export const SQL = {
  insertProposal: insert("proposals", PROPOSAL_COLUMNS),
  insertReview: insert("reviews", REVIEW_COLUMNS),
  insertDecision: insert("decisions", DECISION_COLUMNS),
  insertPolicy: insert("policies", POLICY_COLUMNS),
  insertUser: insert("users", USER_COLUMNS),
  insertApiKey: insert("api_keys", API_KEY_COLUMNS),
  nextPolicyVersion: "SELECT COALESCE(MAX(version), 0) + 1 AS next FROM policies WHERE workspace_id = ?",

  activePolicy: "SELECT * FROM policies WHERE workspace_id = ? ORDER BY version DESC LIMIT 1",
  policyVersion: "SELECT * FROM policies WHERE workspace_id = ? AND version = ?",
  apiKeyByHash: "SELECT * FROM api_keys WHERE workspace_id = ? AND hash = ?",
  userByName: "SELECT * FROM users WHERE workspace_id = ? AND name = ?",
  user: "SELECT * FROM users WHERE workspace_id = ? AND id = ?",
  proposal: "SELECT * FROM proposals WHERE workspace_id = ? AND id = ?",
  /** The entity column after a document update: written (and its index entry moved) only if it changed. */
  followEntity:
    "UPDATE proposals SET entity = ? WHERE workspace_id = ? AND id = ? AND entity IS DISTINCT FROM ?",
  proposalByIdempotencyKey:
    "SELECT * FROM proposals WHERE workspace_id = ? AND agent_id = ? AND idempotency_key = ?",
  review: "SELECT * FROM reviews WHERE workspace_id = ? AND id = ?",
  reviewsOfProposal:
    "SELECT * FROM reviews WHERE workspace_id = ? AND proposal_id = ? ORDER BY created_at, id",
  decisionsOfProposal: "SELECT * FROM decisions WHERE workspace_id = ? AND proposal_id = ? ORDER BY at, id",
  dueInfoRequests: `SELECT * FROM proposals WHERE workspace_id = ? AND status = 'needs_info' AND info_due_at <= ?
    ORDER BY info_due_at, id LIMIT ?`,
  auditHead: "SELECT * FROM audit_entries WHERE workspace_id = ? ORDER BY seq DESC LIMIT 1",
  auditRange: "SELECT * FROM audit_entries WHERE workspace_id = ? AND seq >= ? ORDER BY seq LIMIT ?",
} as const;

/** `UPDATE` of the given columns that only applies at the expected version, and bumps it. */
export function updateSql(table: "proposals" | "reviews", columns: readonly string[]): string {
  const sets = [...columns.map((column) => `${column} = ?`), "version = version + 1"];
  return `UPDATE ${table} SET ${sets.join(", ")} WHERE workspace_id = ? AND id = ? AND version = ?`;
}

const auditInserts = new Map<number, string>();

/** One multi-row `INSERT` for `count` audit entries. */
export function insertAuditSql(count: number): string {
  let sql = auditInserts.get(count);
  if (sql === undefined) {
    const row = `(${placeholders(AUDIT_COLUMNS.length)})`;
    sql = `INSERT INTO audit_entries (${AUDIT_COLUMNS.join(", ")}) VALUES ${Array(count).fill(row).join(", ")}`;
    auditInserts.set(count, sql);
  }
  return sql;
}
