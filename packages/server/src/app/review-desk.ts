import {
  type AuditChainStatus,
  type ChainVerification,
  maskPii,
  type ProposalHistoryItem,
  ProposalListQuery,
  type QueueSummary,
  verifyAuditChain,
} from "@loopgate/core";
import { AppError } from "./app-error.ts";
import type { AppDeps } from "./deps.ts";
import { type Principal, requireRole } from "./principal.ts";
import { parseInput } from "./zod-issues.ts";

/**
 * `GET /v1/proposals`: an entity's recent proposals and how they ended, newest first (the review page's
 * "history" panel), or with `status=held` the proposals stops hold, oldest first, of an agent and/or
 * action type when given (what a stop holds, on the Stops page). People only (agents never read other
 * proposals); summaries are masked for people without the PII permission.
 */
export async function listProposals(
  deps: AppDeps,
  principal: Principal,
  query: Record<string, string>,
): Promise<{ items: ProposalHistoryItem[]; nextCursor: string | null }> {
  const person = requireRole(principal, ["reviewer", "owner", "auditor"]);
  const { entity, agent, actionType, limit, cursor } = parseInput(
    ProposalListQuery,
    query,
    "invalid_query",
    "query",
  );
  // The query allows exactly one of `entity` and `status=held`.
  const page =
    entity !== undefined
      ? await deps.store.proposalsOfEntity(entity, limit, cursor)
      : await deps.store.listHeldProposals(
          { ...(agent !== undefined && { agentId: agent }), ...(actionType !== undefined && { actionType }) },
          limit,
          cursor,
        );
  if (entity === undefined && actionType !== undefined && page.items.length === 0 && cursor === undefined)
    await refuseUnknownActionType(deps, actionType, agent !== undefined);
  return {
    items: page.items.map((row) => ({
      id: row.id,
      status: row.status,
      executionStatus: row.executionStatus,
      actionType: row.actionType,
      agent: row.agentId,
      summary: person.user.pii ? row.doc.summary : (maskPii(row.doc.summary) as string | null),
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    })),
    nextCursor: page.nextCursor,
  };
}

/**
 * Refuses a held-list filter on an action type the active policy does not define, so that a typo reads
 * as a 404 listing the policy's types rather than as nothing held. Call it only on an empty first
 * page: a type removed from the policy while its proposals were held still holds them, and is listed —
 * also for an agent with none of them held (an agent may simply have nothing held, so `agent` is free).
 */
async function refuseUnknownActionType(
  deps: AppDeps,
  actionType: string,
  ofOneAgent: boolean,
): Promise<void> {
  const policy = deps.policies.activeOrNull();
  if (policy === null || policy.actionTypes.has(actionType)) return;
  // Of one agent, the empty page says nothing of the others': look for any held of the type.
  if (ofOneAgent && (await deps.store.listHeldProposals({ actionType }, 1)).items.length > 0) return;
  const known = [...policy.actionTypes.keys()].sort();
  throw new AppError(
    "not_found",
    "unknown_action_type",
    `No action type "${actionType}" in the policy (version ${policy.version}) and none of its proposals held: its action types are ${known.join(", ")}`,
    { actionType, actionTypes: known },
  );
}

/**
 * The caller's queues with their open reviews and capacity (`overloaded` past it, when the policy's
 * `overload` section decides what gives): a reviewer limited to queues sees those; everyone else every
 * queue.
 */
export async function queueSummary(
  deps: AppDeps,
  principal: Principal,
): Promise<{ items: QueueSummary[]; nextCursor: null }> {
  const { user } = requireRole(principal, ["reviewer", "owner", "auditor"]);
  const limitedTo = user.role === "reviewer" && user.queues.length > 0 ? user.queues : undefined;
  const policy = deps.policies.activeOrNull();
  const rows = await deps.store.queueSummary(limitedTo);
  return {
    items: rows.map((row) => {
      const capacity = policy?.queues.get(row.queue)?.capacity ?? null;
      return { ...row, capacity, overloaded: capacity !== null && row.open > capacity };
    }),
    nextCursor: null,
  };
}

/** Entries read per page while verifying. */
const VERIFY_PAGE = 2000;

/**
 * Verifies the whole audit chain held by the store — every hash recomputed and every link followed
 * from the genesis to the head — for the owner's audit view. Owners and auditors only.
 */
export async function verifyStoredChain(deps: AppDeps, principal: Principal): Promise<AuditChainStatus> {
  requireRole(principal, ["owner", "auditor"]);
  let after: { seq: number; hash: string } | undefined;
  let count = 0;
  for (;;) {
    const entries = await deps.store.auditRange((after?.seq ?? 0) + 1, VERIFY_PAGE);
    if (entries.length === 0) break;
    const result: ChainVerification = verifyAuditChain(entries, after === undefined ? {} : { after });
    if (!result.ok) {
      return {
        ok: false,
        count: count + Math.max(0, result.line - 1),
        head: after ?? null,
        problem: { seq: result.seq, reason: result.reason },
        checkedAt: deps.now().toISOString(),
      };
    }
    count += result.count;
    if (result.head !== null) after = result.head;
    if (entries.length < VERIFY_PAGE) break;
  }
  return { ok: true, count, head: after ?? null, problem: null, checkedAt: deps.now().toISOString() };
}
