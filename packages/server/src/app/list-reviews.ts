import { type ReviewListItem, ReviewQuery } from "@loopgate/core";
import type { AppDeps } from "./deps.ts";
import { type Principal, requireRole } from "./principal.ts";
import { refuseUnknownQueue } from "./review-access.ts";
import { reviewItem } from "./review-item.ts";
import { parseInput } from "./zod-issues.ts";

/**
 * The caller's queue: without a status filter, the reviews still waiting (pending and escalated) in
 * the queues the caller works, oldest due first. Each says whether the caller already approved it (an
 * N-of-M review waiting for someone else), told from the row's approvers: no read per review.
 */
export async function listReviews(
  deps: AppDeps,
  principal: Principal,
  query: Record<string, string>,
): Promise<{ items: ReviewListItem[]; nextCursor: string | null }> {
  const person = requireRole(principal, ["reviewer", "owner", "auditor"]);
  const q = parseInput(ReviewQuery, query, "invalid_query", "query");
  const { user } = person;
  const limitedTo = user.role === "reviewer" && user.queues.length > 0 ? user.queues : undefined;
  const queues =
    q.queue !== undefined ? (limitedTo && !limitedTo.includes(q.queue) ? [] : [q.queue]) : limitedTo;
  if (queues !== undefined && queues.length === 0) return { items: [], nextCursor: null };
  const page = await deps.store.listReviews(
    {
      ...(q.status !== undefined ? { statuses: [q.status] } : {}),
      ...(queues !== undefined ? { queues } : {}),
      ...(q.actionType !== undefined ? { actionType: q.actionType } : {}),
      ...(q.agent !== undefined ? { agentId: q.agent } : {}),
    },
    q.limit,
    q.cursor,
  );
  if (page.items.length === 0 && q.cursor === undefined) refuseUnknownQueue(deps, q.queue);
  const items = page.items.map((row) => ({
    ...reviewItem(row, user.pii),
    approvedByCaller: row.approvers.some((approver) => approver.id === user.id),
  }));
  return { items, nextCursor: page.nextCursor };
}
