import type { ExecutionItem, Grant, Proposal } from "@loopgate/core";
import type { ExecutionRow } from "../store/execution-rows.ts";
import { signGrantNative } from "./native-grant.ts";
import type { SigningKey } from "./signing-key.ts";

/** An execution as the API shows it. */
export function executionItem(row: ExecutionRow): ExecutionItem {
  return {
    id: row.id,
    kind: row.kind,
    via: row.doc.executor.via,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === "queued" ? row.nextAttemptAt : null,
    lastError: row.doc.lastError,
    reconciliationReviewId: row.reconciliationReviewId,
    rollbackOf: row.rollbackOf,
    updatedAt: row.updatedAt,
  };
}

/**
 * The signed grant of an agent-executed action, or null when the execution has none (a webhook
 * executor) or no key is configured. Ed25519 signatures are deterministic, so every read of the
 * proposal shows the same grant; it is single-use all the same, because reporting a success consumes
 * it (see `report-result.ts`).
 */
export function grantOf(row: ExecutionRow, key: SigningKey | undefined): Grant | null {
  const bound = row.doc.grant;
  if (bound === undefined || key === undefined || row.kind !== "execute") return null;
  return signGrantNative(
    {
      id: row.id,
      proposalId: row.proposalId,
      actionType: row.actionType,
      payloadHash: bound.payloadHash,
      issuedAt: bound.issuedAt,
      expiresAt: bound.expiresAt,
    },
    key,
  );
}

/** A proposal view with its executions and, for an agent-executed action, the grant. */
export function withExecutions(
  view: Proposal,
  executions: readonly ExecutionRow[],
  key: SigningKey | undefined,
): Proposal {
  if (executions.length === 0) return view;
  const main = executions.find((e) => e.kind === "execute");
  const grant = main === undefined ? null : grantOf(main, key);
  const attempts = main?.doc.executor.via === "webhook" ? main.attempts : view.execution.attempts;
  // Object.assign, not `{ ...view.execution, grant, … }`: a spread followed by new properties takes V8
  // a slow path of ~1 µs (store/metric-increment.ts).
  const execution = Object.assign({}, view.execution, {
    attempts,
    grant,
    executions: executions.map(executionItem),
  });
  return { ...view, execution };
}
