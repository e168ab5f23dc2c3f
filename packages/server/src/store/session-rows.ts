import type { DbRecord, SqlValue } from "./rows.ts";
import type { SqlRunner } from "./sql-runner.ts";
import type { Conflict, SessionRow, Write } from "./store.ts";

/**
 * Sessions and passwords in SQL, shared by both engines: the column mapping, the statements and the
 * writes `applyChange` delegates here. Kept apart from `rows.ts` so people's sign-in stays in one file.
 */

export const SESSION_COLUMNS = [
  "workspace_id",
  "id",
  "token_hash",
  "user_id",
  "created_at",
  "last_seen_at",
  "expires_at",
  "ended_at",
] as const;

export function sessionValues(workspaceId: string, row: SessionRow): SqlValue[] {
  return [
    workspaceId,
    row.id,
    row.tokenHash,
    row.userId,
    row.createdAt,
    row.lastSeenAt,
    row.expiresAt,
    row.endedAt,
  ];
}

export function sessionFromDb(r: DbRecord): SessionRow {
  return {
    id: r.id as string,
    tokenHash: r.token_hash as string,
    userId: r.user_id as string,
    createdAt: r.created_at as string,
    lastSeenAt: r.last_seen_at as string,
    expiresAt: r.expires_at as string,
    endedAt: r.ended_at == null ? null : (r.ended_at as string),
  };
}

export const SESSION_SQL = {
  insertSession: `INSERT INTO sessions (${SESSION_COLUMNS.join(", ")}) VALUES (${SESSION_COLUMNS.map(() => "?").join(", ")}) ON CONFLICT DO NOTHING`,
  sessionByTokenHash: "SELECT * FROM sessions WHERE workspace_id = ? AND token_hash = ?",
  // A touch never moves last_seen_at backwards, so two requests racing leave the later time.
  touchSession:
    "UPDATE sessions SET last_seen_at = ? WHERE workspace_id = ? AND id = ? AND ended_at IS NULL AND last_seen_at < ?",
  endSession: "UPDATE sessions SET ended_at = ? WHERE workspace_id = ? AND id = ? AND ended_at IS NULL",
  sessionExists: "SELECT 1 AS one FROM sessions WHERE workspace_id = ? AND id = ? AND ended_at IS NULL",
  setUserPassword: "UPDATE users SET password_hash = ? WHERE workspace_id = ? AND id = ?",
  listUsers: "SELECT * FROM users WHERE workspace_id = ? ORDER BY name",
} as const;

type SessionWrite = Extract<
  Write,
  { kind: "setUserPassword" | "insertSession" | "touchSession" | "endSession" }
>;

/** Applies one session or password write inside the batch transaction; a conflict writes nothing. */
export async function applySessionWrite(
  tx: SqlRunner,
  ws: string,
  write: SessionWrite,
): Promise<Conflict | null> {
  switch (write.kind) {
    case "setUserPassword":
      return (await tx.run(SESSION_SQL.setUserPassword, [write.passwordHash, ws, write.id])) === 1
        ? null
        : { kind: "missing", table: "users", id: write.id };
    case "insertSession":
      return (await tx.run(SESSION_SQL.insertSession, sessionValues(ws, write.row))) === 1
        ? null
        : { kind: "duplicate", table: "sessions", id: write.row.id };
    case "touchSession": {
      const changed = await tx.run(SESSION_SQL.touchSession, [
        write.lastSeenAt,
        ws,
        write.id,
        write.lastSeenAt,
      ]);
      if (changed === 1) return null;
      // Not changed: either already touched later (fine) or ended / unknown (a conflict).
      const live = await tx.all(SESSION_SQL.sessionExists, [ws, write.id]);
      return live.length === 1 ? null : { kind: "missing", table: "sessions", id: write.id };
    }
    case "endSession":
      return (await tx.run(SESSION_SQL.endSession, [write.endedAt, ws, write.id])) === 1
        ? null
        : { kind: "missing", table: "sessions", id: write.id };
    default:
      return unreachable(write);
  }
}

function unreachable(write: never): never {
  throw new TypeError(`unknown session write ${JSON.stringify((write as { kind?: unknown }).kind)}`);
}
