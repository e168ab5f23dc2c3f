import { type AutonomyStage, type BreakerReading, demotionTarget, stageRank } from "@loopgate/core";
import { commitStageChange } from "../app/autonomy-change.ts";
import { breakerReadings, stageInForce } from "../app/autonomy-state.ts";
import { autonomyPairs } from "../app/autonomy-views.ts";
import type { AppDeps } from "../app/deps.ts";
import { SYSTEM_ACTOR } from "../app/principal.ts";

/** A demotion one check made. */
export interface Demotion {
  agentId: string;
  actionType: string;
  from: AutonomyStage;
  to: AutonomyStage;
  breaker: BreakerReading;
  /** False when another replica demoted the pair first (this check wrote nothing). */
  stored: boolean;
}

/**
 * One check of the circuit breakers (SPEC §5): for every agent and action type whose stage in force is
 * above its breakers' `demoteTo`, reads each breaker over its window and, when one tripped, demotes the
 * pair at once — a new policy version, the change with the tripped reading, `autonomy.demoted` in the
 * audit log (which notifies the action type's queue channels), and any promotion waiting for approval
 * superseded. Promotion back needs fresh evidence and two owners again.
 */
export async function checkBreakers(deps: AppDeps): Promise<Demotion[]> {
  const policy = await deps.policies.refresh();
  if (policy === null) return [];
  const now = deps.now();
  const pairs = await autonomyPairs(deps, policy);
  const demotions: Demotion[] = [];
  for (const pair of pairs) {
    const breakers = pair.settings.breakers;
    if (breakers === null) continue;
    const { stageRow } = pair;
    const stage = stageInForce(pair.settings, stageRow);
    if (stageRank(stage) <= stageRank(breakers.demoteTo)) continue;
    const { readings, window } = await breakerReadings(deps.store, pair, pair.settings, now);
    const target = demotionTarget(stage, readings, breakers);
    if (target === null) continue;
    const pending = await deps.store.autonomyPromotions(
      { agentId: pair.agentId, actionType: pair.actionType, status: "requested" },
      1,
    );
    const { breaker } = target;
    const percent = (x: number | null) => (x === null ? "n/a" : `${Math.round(x * 1000) / 10}%`);
    const reason = `${breaker.name} rate ${percent(breaker.rate)} (${breaker.events} of ${breaker.opportunities}) is over its bound ${percent(breaker.bound)} in the window since ${window.from}`;
    const change = await commitStageChange(deps, {
      agentId: pair.agentId,
      actionType: pair.actionType,
      kind: "demotion",
      from: stage,
      to: target.to,
      reason,
      breaker,
      promotionId: null,
      by: null,
      actor: SYSTEM_ACTOR,
      expectChangeId: stageRow?.changeId ?? null,
      writes: () =>
        pending.map((p) => ({ kind: "supersedePromotion" as const, id: p.id, expectVersion: p.version })),
      audit: {
        at: now.toISOString(),
        actor: SYSTEM_ACTOR,
        type: "autonomy.demoted",
        proposalId: null,
        data: {
          agent: pair.agentId,
          actionType: pair.actionType,
          from: stage,
          to: target.to,
          reason,
          breaker,
          readings,
          window,
          supersededPromotions: pending.map((p) => p.id),
        },
      },
    });
    const { agentId, actionType } = pair;
    demotions.push({ agentId, actionType, from: stage, to: target.to, breaker, stored: change !== null });
    if (change !== null)
      deps.logger.warn({ agentId, actionType, from: stage, to: target.to, breaker }, "autonomy demoted");
  }
  return demotions;
}

/** Runs {@link checkBreakers} every `deps.config.breakerCheckMs`, one check at a time. */
export function startAutonomyWatch(deps: AppDeps): { stop(): Promise<void>; tick(): Promise<Demotion[]> } {
  let running: Promise<unknown> | null = null;
  let stopped = false;
  const tick = () => checkBreakers(deps);
  const run = () => {
    if (stopped || running !== null) return;
    running = tick()
      .catch((error: unknown) =>
        deps.logger.error({ err: error }, "breaker check failed; retrying on the next tick"),
      )
      .finally(() => {
        running = null;
      });
  };
  const handle = setInterval(run, deps.config.breakerCheckMs);
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
