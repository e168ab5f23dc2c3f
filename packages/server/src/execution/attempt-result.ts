import type { AuditDraft, CompiledPolicy } from "@loopgate/core";
import type { ChangePart } from "../app/execution-plan.ts";
import { SYSTEM_ACTOR } from "../app/principal.ts";
import type { ExecutionRow } from "../store/execution-rows.ts";
import type { ReviewRow, Write } from "../store/store.ts";
import { retryAfterMs, retryDelayMs } from "./backoff.ts";
import type { DeliveryOutcome } from "./webhook-delivery.ts";

/** Where an execution goes after an attempt. */
export interface AttemptVerdict {
  status: "executed" | "queued" | "unknown" | "dead_lettered";
  /** For `queued`: when the next attempt is due. */
  retryInMs: number | null;
  error: string | null;
  statusCode: number | null;
}

export interface RetryTiming {
  retryBaseMs: number;
  retryMaxMs: number;
  random: () => number;
}

/** Answers worth retrying: the executor may succeed later. Other 4xx answers will not change. */
const RETRYABLE = (status: number) => status === 408 || status === 425 || status === 429 || status >= 500;

/**
 * Judges an attempt by the executor's policy (SPEC §6). Success is any 2xx. Only an idempotent
 * executor is retried — after a retryable answer, a connection never made, or an unclear outcome —
 * with back-off (or the receiver's `Retry-After` on 429/503) until its attempts run out, then
 * `dead_lettered`. A non-idempotent executor is never sent the action twice: an unclear outcome is
 * `unknown`, a clear failure `dead_lettered`; both go to a person.
 */
export function judgeAttempt(
  row: Pick<ExecutionRow, "attempts" | "doc">,
  outcome: DeliveryOutcome,
  now: Date,
  timing: RetryTiming,
): AttemptVerdict {
  const { idempotent, maxAttempts } = row.doc.executor;
  const statusCode = outcome.kind === "answered" ? outcome.status : null;
  if (outcome.kind === "answered" && outcome.status >= 200 && outcome.status < 300) {
    return { status: "executed", retryInMs: null, error: null, statusCode };
  }
  const error = outcome.kind === "answered" ? `the executor answered HTTP ${outcome.status}` : outcome.error;
  const retryable = outcome.kind !== "answered" || RETRYABLE(outcome.status);
  if (!idempotent) {
    return {
      status: outcome.kind === "unclear" ? "unknown" : "dead_lettered",
      retryInMs: null,
      error,
      statusCode,
    };
  }
  if (!retryable || row.attempts >= maxAttempts) {
    return { status: "dead_lettered", retryInMs: null, error, statusCode };
  }
  const asked =
    outcome.kind === "answered" && (outcome.status === 429 || outcome.status === 503)
      ? retryAfterMs(outcome.retryAfter, now)
      : null;
  const retryInMs = asked ?? retryDelayMs(row.attempts, timing.retryBaseMs, timing.retryMaxMs, timing.random);
  return { status: "queued", retryInMs, error, statusCode };
}

/**
 * The writes that record an attempt's verdict on the execution (at the version the claim left it),
 * mirror it on the proposal, audit it, and — for `unknown` and `dead_lettered` — open the
 * reconciliation review a person decides with `mark_executed`, `mark_failed` or `retry`.
 */
export function attemptWrites(
  row: ExecutionRow,
  verdict: AttemptVerdict,
  policy: CompiledPolicy,
  ids: () => string,
  now: Date,
): ChangePart & { review: ReviewRow | null } {
  const at = now.toISOString();
  const unsettled =
    verdict.status === "unknown" || verdict.status === "dead_lettered" ? verdict.status : null;
  const review =
    unsettled === null
      ? null
      : reconciliationReview(row, { status: unsettled, error: verdict.error }, policy, ids(), now);
  const writes: Write[] = [
    {
      kind: "updateExecution",
      id: row.id,
      expectVersion: row.version,
      set: {
        status: verdict.status,
        nextAttemptAt:
          verdict.retryInMs === null ? null : new Date(now.getTime() + verdict.retryInMs).toISOString(),
        leaseOwner: null,
        leaseExpiresAt: null,
        ...(review === null ? {} : { reconciliationReviewId: review.id }),
        updatedAt: at,
        doc: { ...row.doc, lastError: verdict.error, lastStatusCode: verdict.statusCode },
      },
    },
  ];
  const mirrored = proposalExecutionStatus(row.kind, verdict.status);
  if (mirrored !== null)
    writes.push({ kind: "setProposalExecutionStatus", proposalId: row.proposalId, status: mirrored, at });
  const audit: AuditDraft[] = [
    {
      at,
      actor: SYSTEM_ACTOR,
      type: auditType(row.kind, verdict.status),
      proposalId: row.proposalId,
      data: {
        executionId: row.id,
        ...(row.rollbackOf === null ? {} : { rollbackOf: row.rollbackOf }),
        attempt: row.attempts,
        statusCode: verdict.statusCode,
        error: verdict.error,
        nextAttemptAt: writes[0]?.kind === "updateExecution" ? (writes[0].set.nextAttemptAt ?? null) : null,
      },
    },
  ];
  if (review !== null) {
    writes.push({ kind: "insertReview", row: review });
    audit.push({
      at,
      actor: SYSTEM_ACTOR,
      type: "review.opened",
      proposalId: row.proposalId,
      data: {
        reviewId: review.id,
        queue: review.queue,
        level: 0,
        dueAt: review.dueAt,
        approvalsRequired: 1,
        policyVersion: review.policyVersion,
        reconciliation: { executionId: row.id, status: verdict.status },
      },
    });
  }
  return { writes, audit, review };
}

/** The proposal's `execution.status` after an execution moves to `status`, or null to leave it. */
export function proposalExecutionStatus(kind: ExecutionRow["kind"], status: string): string | null {
  if (kind === "execute") return status === "queued" ? "not_started" : status;
  return status === "executed" ? "rolled_back" : null;
}

function auditType(kind: ExecutionRow["kind"], status: AttemptVerdict["status"]): string {
  if (status === "queued") return "execution.attempt_failed";
  if (kind === "rollback" && status === "executed") return "execution.rolled_back";
  return `execution.${status}`;
}

/** The review a person decides when an execution's outcome is `unknown` or it was dead-lettered. */
export function reconciliationReview(
  row: ExecutionRow,
  outcome: { status: "unknown" | "dead_lettered"; error: string | null },
  policy: CompiledPolicy,
  id: string,
  now: Date,
): ReviewRow {
  const settings = policy.actionTypes.get(row.actionType);
  const queue = settings?.review.queue ?? "default";
  const slaMs = policy.queues.get(queue)?.slaMs ?? 4 * 3_600_000;
  const at = now.toISOString();
  return {
    id,
    proposalId: row.proposalId,
    queue,
    status: "pending",
    level: 0,
    // Ahead of ordinary reviews: something may or may not have happened in the world.
    priority: (settings?.review.priority ?? 0) + 100,
    dueAt: new Date(now.getTime() + slaMs).toISOString(),
    approvalsRequired: 1,
    approvers: [],
    claimedBy: null,
    claimExpiresAt: null,
    actionType: row.actionType,
    agentId: row.agentId,
    summary: `Reconcile ${row.kind === "rollback" ? "the rollback of " : ""}${row.actionType}: ${outcome.status === "unknown" ? "outcome unknown" : "delivery failed"} (${outcome.error ?? "see attempts"}); say whether it happened, or try again`,
    policyVersion: policy.version,
    version: 1,
    createdAt: at,
    updatedAt: at,
    reconciliation: { executionId: row.id, kind: row.kind, outcome: outcome.status },
  };
}
