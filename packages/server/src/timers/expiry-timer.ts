import type { AppDeps } from "../app/deps.ts";
import { expireInfoRequest, expireReview } from "../app/expire.ts";

/** How many due items one tick handles before yielding to requests. */
const BATCH = 200;

/**
 * Runs the on-expiry rules on a fixed interval. State lives in the store, not in memory: after a
 * restart the first tick finds everything that fell due while the server was down, and the version
 * check in each write makes every rule fire exactly once, across restarts and replicas.
 */
export function startExpiryTimer(deps: AppDeps): { stop(): Promise<void>; tick(): Promise<number> } {
  let running: Promise<number> | null = null;
  let stopped = false;

  const tick = async (): Promise<number> => {
    let fired = 0;
    const now = deps.now();
    for (const review of await deps.store.dueReviews(now.toISOString(), BATCH)) {
      if (await expireReview(deps, review, now)) fired++;
    }
    for (const proposal of await deps.store.dueInfoRequests(now.toISOString(), BATCH)) {
      if (await expireInfoRequest(deps, proposal, now)) fired++;
    }
    return fired;
  };

  const run = () => {
    if (stopped || running !== null) return;
    running = tick()
      .catch((error: unknown) => {
        deps.logger.error({ err: error }, "expiry timer tick failed; retrying on the next tick");
        return 0;
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
    },
  };
}
