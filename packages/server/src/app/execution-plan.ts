import type { ActionTypeSettings, AuditDraft, CompiledPolicy, ExecutionDecision } from "@loopgate/core";
import type { ExecutionRow, ExecutorSnapshot } from "../store/execution-rows.ts";
import type { ProposalRow, Write } from "../store/store.ts";
import type { AppDeps } from "./deps.ts";
import { hashPayloadNative } from "./native-hash.ts";
import { SYSTEM_ACTOR } from "./principal.ts";

/** Statuses in which a proposal's final action may be carried out. */
export const EXECUTABLE_STATUSES: ReadonlySet<string> = new Set([
  "auto_approved",
  "approved",
  "approved_with_edits",
]);

/** Default attempt timeout of a webhook executor (SPEC §6). */
export const DEFAULT_TIMEOUT_MS = 10_000;
/** Default `retry.attempts` of an idempotent webhook executor (SPEC §6). */
export const DEFAULT_RETRY_ATTEMPTS = 8;

/** Rows and audit entries to add to a change. */
export interface ChangePart {
  writes: Write[];
  audit: AuditDraft[];
}

/**
 * The outbox part of a change that makes a proposal executable: the caller adds these writes to the
 * SAME commit that records the route or decision, so "decided" and "will execute" are one write.
 *
 * - `via: webhook` queues an execution for the dispatcher (its id is the webhook-id and
 *   Idempotency-Key of every attempt);
 * - `via: agent` records the grant the agent executes under (signed when shown, see `grants.ts`);
 * - `via: none`, or a status that is not executable: nothing.
 *
 * @param proposal the proposal as it will be after the change (status and final payload).
 */
export function executionPlan(
  deps: Pick<AppDeps, "newId" | "config">,
  proposal: Pick<ProposalRow, "id" | "agentId" | "actionType" | "status" | "doc">,
  policy: CompiledPolicy,
  decision: ExecutionDecision | null,
  now: Date,
): ChangePart {
  if (!EXECUTABLE_STATUSES.has(proposal.status)) return { writes: [], audit: [] };
  // A seeded canary (reviewer vigilance) is never carried out, whatever a reviewer decides.
  if (proposal.doc.canary !== undefined) return { writes: [], audit: [] };
  const settings = policy.actionTypes.get(proposal.actionType);
  if (settings === undefined || settings.execute.via === "none") return { writes: [], audit: [] };
  const at = now.toISOString();
  const payload = proposal.doc.finalPayload ?? proposal.doc.action.payload;
  const payloadHash = hashPayloadNative(payload);
  const executor = executorSnapshot(settings.execute);
  const row: ExecutionRow = {
    id: deps.newId(),
    proposalId: proposal.id,
    kind: "execute",
    agentId: proposal.agentId,
    actionType: proposal.actionType,
    status: executor.via === "webhook" ? "queued" : "granted",
    attempts: 0,
    nextAttemptAt: executor.via === "webhook" ? at : null,
    leaseOwner: null,
    leaseExpiresAt: null,
    reconciliationReviewId: null,
    rollbackOf: null,
    version: 1,
    createdAt: at,
    updatedAt: at,
    doc: {
      action: { type: proposal.actionType, payload },
      decision,
      executor,
      traceparent: proposal.doc.traceparent ?? null,
      ...(executor.via === "agent"
        ? {
            grant: {
              payloadHash,
              issuedAt: at,
              expiresAt: new Date(now.getTime() + deps.config.grantTtlSeconds * 1000).toISOString(),
            },
          }
        : {}),
      lastError: null,
      lastStatusCode: null,
    },
  };
  return {
    writes: [{ kind: "insertExecution", row }],
    audit: [
      {
        at,
        actor: SYSTEM_ACTOR,
        type: executor.via === "webhook" ? "execution.queued" : "execution.granted",
        proposalId: proposal.id,
        data: {
          executionId: row.id,
          via: executor.via,
          payloadHash,
          ...(executor.via === "webhook"
            ? {
                host: hostOf(executor.url),
                idempotent: executor.idempotent,
                maxAttempts: executor.maxAttempts,
              }
            : { grantId: row.id, expiresAt: row.doc.grant?.expiresAt }),
        },
      },
    ],
  };
}

/** The executor settings an execution keeps, so it runs as the approving policy version said. */
export function executorSnapshot(execute: ActionTypeSettings["execute"]): ExecutorSnapshot {
  const via = execute.via === "webhook" ? "webhook" : "agent";
  const idempotent = execute.idempotent ?? false;
  return {
    via,
    url: execute.url ?? null,
    secret: execute.secret ?? null,
    idempotent,
    timeoutMs: execute.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    // Only an idempotent executor is ever sent an action twice.
    maxAttempts: idempotent ? 1 + (execute.retry?.attempts ?? DEFAULT_RETRY_ATTEMPTS) : 1,
  };
}

/** The host of an executor URL, for audit entries (the path may carry secrets; the host does not). */
export function hostOf(url: string | null): string | null {
  if (url === null) return null;
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
}
