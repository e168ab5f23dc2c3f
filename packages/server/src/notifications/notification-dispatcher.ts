import type { AppDeps } from "../app/deps.ts";
import { SYSTEM_ACTOR } from "../app/principal.ts";
import { retryDelayMs } from "../execution/backoff.ts";
import type { NotificationRow } from "../store/notification-rows.ts";
import { DeliveryError, type NotificationChannels } from "./notification-channels.ts";

/** Deliveries attempted per step. */
const BATCH = 50;
/** The first retry waits up to this long; each further one doubles it (full jitter) up to the cap. */
const RETRY_BASE_MS = 1_000;
const RETRY_MAX_MS = 300_000;
const backoffMs = (attempt: number) => retryDelayMs(attempt, RETRY_BASE_MS, RETRY_MAX_MS, Math.random);

/**
 * Sends the outbox deliveries that are due. Each attempt first takes a lease (status `sending` until
 * `nextAttemptAt`, with a version check), so two replicas never send the same delivery at once; an
 * attempt cut off by a crash is picked up again when its lease lapses. A failed attempt is retried with
 * exponential back-off and full jitter (or the receiver's Retry-After); after the last attempt the
 * delivery is `failed`, logged, recorded in the audit log (`notification.failed`) and kept in the outbox. Nothing here touches reviews or
 * proposals: a failing channel never holds up a decision.
 *
 * Returns how many deliveries were sent.
 */
export async function deliverDueNotifications(
  deps: AppDeps,
  channels: NotificationChannels,
): Promise<number> {
  let sent = 0;
  for (const row of await deps.store.dueNotifications(deps.now().toISOString(), BATCH)) {
    if (await deliver(deps, channels, row)) sent++;
  }
  return sent;
}

async function deliver(
  deps: AppDeps,
  channels: NotificationChannels,
  row: NotificationRow,
): Promise<boolean> {
  const now = deps.now();
  const leaseMs = deps.config.notificationTimeoutMs + 5_000;
  const attempts = row.attempts + 1;
  const claimed = await deps.store.commit({
    writes: [
      {
        kind: "updateNotification",
        id: row.id,
        expectVersion: row.version,
        set: {
          status: "sending",
          attempts,
          nextAttemptAt: new Date(now.getTime() + leaseMs).toISOString(),
          updatedAt: now.toISOString(),
        },
      },
    ],
    audit: [],
  });
  if (!claimed.ok) return false; // another replica took it
  const version = row.version + 1;
  try {
    await channels.send(row.doc.event, row.doc.target);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const last = attempts >= deps.config.notificationAttempts;
    const retryAfterMs = error instanceof DeliveryError ? error.retryAfterMs : null;
    const delay = retryAfterMs ?? backoffMs(attempts);
    const at = deps.now();
    const log = {
      notificationId: row.id,
      event: row.eventType,
      channel: row.channel,
      attempts,
      error: message,
    };
    if (last)
      deps.logger.error(log, "notification failed after its last attempt; it stays in the outbox as failed");
    else deps.logger.warn(log, "notification attempt failed; retrying later");
    await deps.store.commit({
      writes: [
        {
          kind: "updateNotification",
          id: row.id,
          expectVersion: version,
          set: {
            status: last ? "failed" : "pending",
            nextAttemptAt: new Date(at.getTime() + (last ? 0 : delay)).toISOString(),
            lastError: message,
            updatedAt: at.toISOString(),
          },
        },
      ],
      // A delivery given up on is recorded where people look for what happened.
      audit: last
        ? [
            {
              at: at.toISOString(),
              actor: SYSTEM_ACTOR,
              type: "notification.failed",
              proposalId: row.proposalId,
              data: {
                notificationId: row.id,
                reviewId: row.reviewId,
                event: row.eventType,
                channel: row.channel,
                attempts,
                error: message,
              },
            },
          ]
        : [],
    });
    return false;
  }
  const at = deps.now().toISOString();
  await deps.store.commit({
    writes: [
      {
        kind: "updateNotification",
        id: row.id,
        expectVersion: version,
        set: { status: "sent", sentAt: at, lastError: null, updatedAt: at },
      },
    ],
    audit: [],
  });
  return true;
}
