import type { AppDeps } from "../app/deps.ts";
import { SYSTEM_ACTOR } from "../app/principal.ts";
import { releaseHeld } from "../app/stops.ts";

/** How often proposals held by a queue's overload are looked at, in ms. */
export const OVERLOAD_RELEASE_MS = 2000;

/**
 * Routes again the proposals a queue's overload held (the policy's `overload.<queue>.pauseAgents`) once
 * the queue is back within its capacity. Runs only while the active policy has an `overload` section;
 * each pass is `releaseHeld`, which also leaves alone whatever a stop still covers.
 */
export function startOverloadRelease(
  deps: AppDeps,
  intervalMs = OVERLOAD_RELEASE_MS,
): { stop(): Promise<void>; tick(): Promise<number> } {
  let running: Promise<unknown> | null = null;
  let stopped = false;
  const tick = async () => {
    const policy = deps.policies.activeOrNull();
    if (policy === null || policy.overload.size === 0) return 0;
    const released = await releaseHeld(deps, SYSTEM_ACTOR);
    if (released > 0) deps.logger.info({ released }, "proposals held by queue overload routed again");
    return released;
  };
  const run = () => {
    if (stopped || running !== null) return;
    running = tick()
      .catch((error: unknown) => deps.logger.error({ err: error }, "overload release failed; retrying"))
      .finally(() => {
        running = null;
      });
  };
  const handle = setInterval(run, intervalMs);
  handle.unref();
  return {
    tick,
    async stop() {
      stopped = true;
      clearInterval(handle);
      await running;
    },
  };
}
