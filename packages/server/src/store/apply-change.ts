import {
  type AuditDraft,
  type AuditEntry,
  type SealedAuditDraft,
  sealAuditDraft,
} from "@loopgate/core/commit";
import { auditValues } from "./audit-rows.ts";
import { applyAutonomyWrite } from "./autonomy-rows.ts";
import { applyCalibrationWrite } from "./calibration-rows.ts";
import { applyExecutionWrite } from "./execution-sql.ts";
import { sha256HexNative } from "./native-sha256.ts";
import { applyNotificationWrite } from "./notification-rows.ts";
import { proposalPatch, reviewPatch } from "./row-patches.ts";
import {
  apiKeyValues,
  decisionValues,
  policyValues,
  proposalValues,
  reviewValues,
  type SqlValue,
  userValues,
} from "./rows.ts";
import { applySessionWrite } from "./session-rows.ts";
import type { ChainHead, SqlRunner } from "./sql-runner.ts";
import { insertAuditSql, SQL, updateSql } from "./statements.ts";
import type { Change, CommitResult, Conflict, Write } from "./store.ts";
import { applyVigilanceWrite } from "./vigilance-rows.ts";

/** Most audit entries written by one `INSERT`, well under either engine's parameter limit. */
const AUDIT_ROWS_PER_INSERT = 50;

/**
 * Applies the writes of one change inside the batch transaction and seals its audit entries after
 * `head` (the caller inserts them, see {@link insertAudit}). Returns the result, the sealed entries to
 * insert and the head after them. A conflict writes nothing: inserts use `ON CONFLICT DO NOTHING` and
 * updates a version predicate, so a refused write changes no row and raises no error; the caller
 * rolls back the change's earlier writes, if any, to its savepoint.
 */
export async function applyChange(
  tx: SqlRunner,
  workspaceId: string,
  change: Change,
  head: ChainHead,
): Promise<{ result: CommitResult; sealed: SealedAuditDraft[]; head: ChainHead }> {
  let policyVersion: number | undefined;
  for (const write of change.writes) {
    const outcome = await applyWrite(tx, workspaceId, write);
    if (outcome.conflict) return { result: { ok: false, conflict: outcome.conflict }, sealed: [], head };
    policyVersion = outcome.policyVersion ?? policyVersion;
  }

  const sealed = sealAudit(change.audit, head);
  const audit = entriesOf(sealed.sealed);
  const result: CommitResult =
    policyVersion === undefined ? { ok: true, audit } : { ok: true, audit, policyVersion };
  return { result, sealed: sealed.sealed, head: sealed.head };
}

/**
 * Seals audit drafts in order after `head`: each entry with its data's canonical JSON for the insert
 * (see {@link insertAudit}), and the head after them.
 */
export function sealAudit(
  drafts: readonly AuditDraft[],
  head: ChainHead,
): { sealed: SealedAuditDraft[]; head: ChainHead } {
  const sealed: SealedAuditDraft[] = [];
  let next = head;
  for (const draft of drafts) {
    const one = sealAuditDraft(draft, next.seq + 1, next.hash, sha256HexNative);
    sealed.push(one);
    next = { seq: one.entry.seq, hash: one.entry.hash };
  }
  return { sealed, head: next };
}

/** The entries of sealed drafts, as a commit answers them. */
export const entriesOf = (sealed: readonly SealedAuditDraft[]): AuditEntry[] =>
  sealed.map((one) => one.entry);

/**
 * Inserts sealed audit entries, many rows a statement. The data column holds the canonical JSON the
 * hash was computed over, so it is serialised once.
 */
export async function insertAudit(
  tx: SqlRunner,
  workspaceId: string,
  sealed: readonly SealedAuditDraft[],
): Promise<void> {
  for (let i = 0; i < sealed.length; i += AUDIT_ROWS_PER_INSERT) {
    const slice = sealed.slice(i, i + AUDIT_ROWS_PER_INSERT);
    await tx.run(
      insertAuditSql(slice.length),
      slice.flatMap(({ entry, dataText }) => auditValues(workspaceId, entry, dataText)),
    );
  }
}

interface WriteOutcome {
  conflict?: Conflict;
  policyVersion?: number;
}

async function applyWrite(tx: SqlRunner, ws: string, write: Write): Promise<WriteOutcome> {
  switch (write.kind) {
    case "insertProposal": {
      const { row } = write;
      if (await tryInsert(tx, SQL.insertProposal, proposalValues(ws, row))) return {};
      if (row.idempotencyKey !== null) {
        const [existing] = await tx.all(SQL.proposalByIdempotencyKey, [ws, row.agentId, row.idempotencyKey]);
        if (existing !== undefined) {
          return {
            conflict: {
              kind: "idempotency",
              agentId: row.agentId,
              key: row.idempotencyKey,
              existingId: String(existing.id),
            },
          };
        }
      }
      return duplicate("proposals", row.id);
    }
    case "updateProposal": {
      const { columns, values, entity } = proposalPatch(write.set);
      const changed = await tx.run(updateSql("proposals", columns), [
        ...values,
        ws,
        write.id,
        write.expectVersion,
      ]);
      if (changed !== 1) return { conflict: { kind: "version", table: "proposals", id: write.id } };
      if (entity !== undefined) await tx.run(SQL.followEntity, [entity, ws, write.id, entity]);
      return {};
    }
    case "insertReview":
      return (await tryInsert(tx, SQL.insertReview, reviewValues(ws, write.row)))
        ? {}
        : duplicate("reviews", write.row.id);
    case "updateReview": {
      const { columns, values } = reviewPatch(write.set);
      const changed = await tx.run(updateSql("reviews", columns), [
        ...values,
        ws,
        write.id,
        write.expectVersion,
      ]);
      return changed === 1 ? {} : { conflict: { kind: "version", table: "reviews", id: write.id } };
    }
    case "insertDecision":
      return (await tryInsert(tx, SQL.insertDecision, decisionValues(ws, write.row)))
        ? {}
        : duplicate("decisions", write.row.id);
    case "insertPolicy": {
      // The version is read inside the batch transaction, which holds the chain head (and on
      // SQLite the write lock), so two writers cannot pick the same number.
      const [next] = await tx.all(SQL.nextPolicyVersion, [ws]);
      const version = Number(next?.next ?? 1);
      if (write.expectVersion !== undefined && version !== write.expectVersion) {
        return { conflict: { kind: "version", table: "policies", id: String(write.expectVersion) } };
      }
      return (await tryInsert(tx, SQL.insertPolicy, policyValues(ws, version, write.row)))
        ? { policyVersion: version }
        : duplicate("policies", String(version));
    }
    case "insertUser":
      return (await tryInsert(tx, SQL.insertUser, userValues(ws, write.row)))
        ? {}
        : duplicate("users", write.row.id);
    case "insertApiKey":
      return (await tryInsert(tx, SQL.insertApiKey, apiKeyValues(ws, write.row)))
        ? {}
        : duplicate("api_keys", write.row.id);
    case "setUserPassword":
    case "insertSession":
    case "touchSession":
    case "endSession": {
      const conflict = await applySessionWrite(tx, ws, write);
      return conflict === null ? {} : { conflict };
    }
    case "insertExecution":
    case "updateExecution":
    case "setProposalExecutionStatus":
    case "insertStop":
    case "updateStop":
    case "insertGrantUse":
      return applyExecutionWrite(tx, ws, write);
    case "insertReviewTimer":
    case "updateReviewTimer":
    case "insertNotification":
    case "updateNotification":
    case "advanceFeed":
    case "insertProposalAmount": {
      const conflict = await applyNotificationWrite(tx, ws, write);
      return conflict === null ? {} : { conflict };
    }
    case "putReviewLabel":
    case "putCalibrationMap":
    case "supersedeRecommendations":
    case "insertRecommendation":
    case "updateRecommendation":
    case "approveRecommendation":
    case "putThreshold": {
      const conflict = await applyCalibrationWrite(tx, ws, write);
      return conflict === null ? {} : { conflict };
    }
    case "insertOutcome":
    case "putUnattendedReview":
    case "insertPromotion":
    case "supersedePromotion":
    case "approvePromotion":
    case "changeStage": {
      const conflict = await applyAutonomyWrite(tx, ws, write);
      return conflict === null ? {} : { conflict };
    }
    case "noteReviewActivity":
    case "insertCanary": {
      const conflict = await applyVigilanceWrite(tx, ws, write);
      return conflict === null ? {} : { conflict };
    }
    default:
      return unreachable(write);
  }
}

/** Inserts a row; false when a unique constraint refused it (the statement says `ON CONFLICT DO NOTHING`). */
async function tryInsert(tx: SqlRunner, sql: string, values: SqlValue[]): Promise<boolean> {
  return (await tx.run(sql, values)) === 1;
}

const duplicate = (table: string, id: string): WriteOutcome => ({
  conflict: { kind: "duplicate", table, id },
});

function unreachable(write: never): never {
  throw new TypeError(`unknown write kind ${JSON.stringify((write as { kind?: unknown }).kind)}`);
}
