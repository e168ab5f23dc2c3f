import { type NotificationDelivery, NotificationQuery } from "@loopgate/core";
import type { NotificationRow } from "../store/notification-rows.ts";
import type { AppDeps } from "./deps.ts";
import { type Principal, requireRole } from "./principal.ts";
import { parseInput } from "./zod-issues.ts";

/**
 * The notification outbox, oldest first, optionally of one status (`?status=failed` shows what never
 * arrived) or one review. Owners and auditors only; secrets are never shown.
 */
export async function listNotifications(
  deps: AppDeps,
  principal: Principal,
  query: Record<string, string>,
): Promise<{ items: NotificationDelivery[]; nextCursor: string | null }> {
  requireRole(principal, ["owner", "auditor"]);
  const { limit, cursor, ...filter } = parseInput(NotificationQuery, query, "invalid_query", "query");
  const page = await deps.store.listNotifications(filter, limit, cursor);
  return { items: page.items.map(deliveryView), nextCursor: page.nextCursor };
}

function deliveryView(row: NotificationRow): NotificationDelivery {
  const target = row.doc.target;
  return {
    id: row.id,
    event: row.eventType,
    channel: row.channel,
    target: target.kind === "webhook" ? target.url : target.kind === "email" ? target.to.join(", ") : "slack",
    proposalId: row.proposalId,
    reviewId: row.reviewId,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === "pending" || row.status === "sending" ? row.nextAttemptAt : null,
    lastError: row.lastError,
    createdAt: row.createdAt,
    sentAt: row.sentAt,
  };
}
