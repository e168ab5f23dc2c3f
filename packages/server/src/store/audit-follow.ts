import type { AuditEntry } from "@loopgate/core";
import { auditFromDb } from "./audit-rows.ts";
import type { SqlValue } from "./rows.ts";
import type { SqlRunner } from "./sql-runner.ts";
import { placeholders } from "./statements.ts";

/**
 * What a follower of the audit log (the notification feed) wants from it: entries of `type`,
 * optionally only those whose top-level `data[where.field]`, compared as text, is (`in`) or is not
 * (`notIn`) one of the values. A missing field reads as the empty text.
 *
 * @example
 * ```ts
 * const blockedOrHeld: AuditInterest = { type: "proposal.routed", where: { field: "status", in: ["blocked", "held"] } };
 * ```
 */
export interface AuditInterest {
  type: string;
  where?: { field: string; in?: readonly (string | number)[]; notIn?: readonly (string | number)[] };
}

/** One step of a follower: the entries of interest it may act on, and how far the step covered. */
export interface AuditFollowStep {
  entries: AuditEntry[];
  /** Every entry of interest up to this sequence number is in `entries`; the next step starts after it. */
  scannedTo: number;
}

const FIELD = /^[A-Za-z][A-Za-z0-9_]*$/;
const HEAD_SEQ = "SELECT seq FROM audit_entries WHERE workspace_id = ? ORDER BY seq DESC LIMIT 1";

/**
 * A follower's step through the log from `fromSeq` (inclusive): at most `limit` entries matching any of
 * `interests`, in `seq` order, looking no further than `window` sequence numbers. The database skips
 * the rest — on both engines a range of the primary key, each row tested by its type and a JSON field —
 * so entries the follower has no use for (most of a busy log) are never read into the process.
 */
export async function followAudit(
  reader: SqlRunner,
  engine: "sqlite" | "postgres",
  workspaceId: string,
  fromSeq: number,
  interests: readonly AuditInterest[],
  limit: number,
  window: number,
): Promise<AuditFollowStep> {
  // Entries are appended under the chain head's lock, so every seq up to the newest one read here is
  // committed: nothing below it can appear later and be skipped.
  const [head] = await reader.all(HEAD_SEQ, [workspaceId]);
  const upTo = Math.min(head === undefined ? 0 : Number(head.seq), fromSeq - 1 + window);
  if (upTo < fromSeq || interests.length === 0)
    return { entries: [], scannedTo: Math.max(upTo, fromSeq - 1) };
  const params: SqlValue[] = [workspaceId, fromSeq, upTo];
  const wanted = interests.map((interest) => {
    params.push(interest.type);
    const where = interest.where;
    if (where === undefined) return "type = ?";
    if (!FIELD.test(where.field)) throw new Error(`not a plain field name: ${where.field}`);
    const field =
      engine === "sqlite"
        ? `COALESCE(CAST(json_extract(data, '$.${where.field}') AS TEXT), '')`
        : `COALESCE(data ->> '${where.field}', '')`;
    const tests: string[] = [];
    if (where.in !== undefined) {
      tests.push(where.in.length === 0 ? "FALSE" : `${field} IN (${placeholders(where.in.length)})`);
      params.push(...where.in.map(String));
    }
    if (where.notIn !== undefined && where.notIn.length > 0) {
      tests.push(`${field} NOT IN (${placeholders(where.notIn.length)})`);
      params.push(...where.notIn.map(String));
    }
    return tests.length === 0 ? "type = ?" : `(type = ? AND ${tests.join(" AND ")})`;
  });
  const rows = await reader.all(
    `SELECT * FROM audit_entries WHERE workspace_id = ? AND seq >= ? AND seq <= ?
      AND (${wanted.join(" OR ")}) ORDER BY seq LIMIT ?`,
    [...params, limit],
  );
  const entries = rows.map(auditFromDb);
  const last = entries.at(-1);
  return { entries, scannedTo: entries.length === limit && last !== undefined ? last.seq : upTo };
}
