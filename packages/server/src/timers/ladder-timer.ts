import type { AppDeps } from "../app/deps.ts";
import { NotificationChannels } from "../notifications/notification-channels.ts";
import { deliverDueNotifications } from "../notifications/notification-dispatcher.ts";
import { catchUpNotificationFeed } from "../notifications/notification-feed.ts";
import { fireReminder } from "./review-reminders.ts";

/** Reminders handled per tick before yielding to requests. */
const BATCH = 200;

/** What one tick did. */
export interface LadderTick {
  reminders: number;
  feedEntries: number;
  delivered: number;
}

/**
 * Runs reminders and notifications on the timer interval (on-expiry rules run in the expiry timer):
 * fires due reminders, moves the notification feed over new audit entries (scheduling reminders and
 * queuing deliveries), and sends due deliveries. Every step keeps its state in the store and claims
 * its work with a version check, so ticks on several replicas and after restarts do each thing once.
 */
export function startLadderTimer(deps: AppDeps): { stop(): Promise<void>; tick(): Promise<LadderTick> } {
  const channels = new NotificationChannels(deps.config);
  let running: Promise<unknown> | null = null;
  let stopped = false;

  const tick = async (): Promise<LadderTick> => {
    const now = deps.now();
    let reminders = 0;
    for (const timer of await deps.store.dueReviewTimers(now.toISOString(), BATCH)) {
      if (await fireReminder(deps, timer, now)) reminders++;
    }
    const feedEntries = await catchUpNotificationFeed(deps, () => stopped);
    const delivered = await deliverDueNotifications(deps, channels);
    return { reminders, feedEntries, delivered };
  };

  const run = () => {
    if (stopped || running !== null) return;
    running = tick()
      .catch((error: unknown) => {
        deps.logger.error({ err: error }, "reminder and notification tick failed; retrying on the next tick");
      })
      .finally(() => {
        running = null;
      });
  };
  const handle = setInterval(run, deps.config.timerIntervalMs);
  handle.unref();
  run();
  return {
    tick,
    async stop() {
      stopped = true;
      clearInterval(handle);
      if (running !== null) await running;
      channels.close();
    },
  };
}
