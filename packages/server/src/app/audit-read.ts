import {
  type AuditCheckpoint,
  type AuditEntry,
  AuditQuery,
  resolveSince,
  signCheckpoint,
} from "@loopgate/core";
import { AppError } from "./app-error.ts";
import type { AppDeps } from "./deps.ts";
import { type Principal, requireRole } from "./principal.ts";
import { parseInput } from "./zod-issues.ts";

/**
 * Audit entries filtered by proposal, type and time, oldest first or (`order=desc`) newest first.
 * `since` and `until` may each be a timestamp, a date (its start, UTC) or a duration back from now
 * (`24h`), resolved here against the server's clock into ISO times. Owners and auditors only.
 */
export async function listAudit(
  deps: AppDeps,
  principal: Principal,
  query: Record<string, string>,
): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
  requireRole(principal, ["owner", "auditor"]);
  const { limit, cursor, order, since, until, ...filter } = parseInput(
    AuditQuery,
    query,
    "invalid_query",
    "query",
  );
  const now = deps.now();
  const window = {
    ...filter,
    ...(since !== undefined && { since: resolveSince(since, now) }),
    ...(until !== undefined && { until: resolveSince(until, now) }),
  };
  return deps.store.listAudit(window, limit, cursor, order);
}

/** A signed statement of the chain head, to keep beside an export and verify it against later. */
export async function auditCheckpoint(
  deps: AppDeps,
  principal: Principal,
  key: { keyId: string; secretKey: Uint8Array },
): Promise<AuditCheckpoint> {
  requireRole(principal, ["owner", "auditor"]);
  const head = await deps.store.auditHead();
  if (head === null) {
    throw new AppError(
      "not_found",
      "empty_audit_log",
      "The audit log is empty: there is nothing to sign yet",
    );
  }
  return signCheckpoint({ seq: head.seq, hash: head.hash }, deps.now().toISOString(), key);
}
