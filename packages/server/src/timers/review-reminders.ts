import type { AppDeps } from "../app/deps.ts";
import { SYSTEM_ACTOR } from "../app/principal.ts";
import type { ReviewTimerRow } from "../store/notification-rows.ts";

/**
 * Fires one reminder whose time has come: records `review.reminded` (which the notification feed turns
 * into deliveries on the queue's channels) in the same commit that marks the reminder fired. The write
 * names the version it read, so of several replicas, restarts and ticks exactly one fires it. A review
 * already closed or past its due time gets no reminder; the timer is marked skipped.
 *
 * Returns whether this call fired it.
 */
export async function fireReminder(deps: AppDeps, timer: ReviewTimerRow, now: Date): Promise<boolean> {
  if (timer.status !== "pending" || Date.parse(timer.fireAt) > now.getTime()) return false;
  const at = now.toISOString();
  const review = await deps.store.review(timer.reviewId);
  const open =
    review !== null &&
    (review.status === "pending" || review.status === "escalated") &&
    Date.parse(review.dueAt) > now.getTime();
  if (review === null || !open) {
    await deps.store.commit({
      writes: [
        {
          kind: "updateReviewTimer",
          id: timer.id,
          expectVersion: timer.version,
          set: { status: "skipped", firedAt: at },
        },
      ],
      audit: [],
    });
    return false;
  }
  const result = await deps.store.commit({
    writes: [
      {
        kind: "updateReviewTimer",
        id: timer.id,
        expectVersion: timer.version,
        set: { status: "fired", firedAt: at },
      },
    ],
    audit: [
      {
        at,
        actor: SYSTEM_ACTOR,
        type: "review.reminded",
        proposalId: review.proposalId,
        data: {
          reviewId: review.id,
          queue: review.queue,
          level: review.level,
          dueAt: review.dueAt,
          beforeMs: timer.beforeMs,
          timerId: timer.id,
        },
      },
    ],
  });
  return result.ok;
}
