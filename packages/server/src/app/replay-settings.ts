import { type AutonomyStage, type CompiledPolicy, PolicyReplay, type ReplayThresholds } from "@loopgate/core";

/** What a replay runs with besides the candidate, in a form a worker thread can receive. */
export interface ReplaySettings {
  /** Candidate `thresholds.auto` per action type. */
  thresholds: ReplayThresholds;
  /** Approved thresholds in force, keyed `agent \u0000 action type`. */
  inForce: [string, number][];
  /** Autonomy stages in force (approved promotions, breakers' demotions), keyed the same way. */
  stages: [string, AutonomyStage][];
  since: string | null;
}

/**
 * A replay of `policy` with the settings: candidate thresholds first, then the approved ones; the
 * autonomy stage in force where one is, as routing uses it.
 */
export function newReplay(policy: CompiledPolicy, settings: ReplaySettings): PolicyReplay {
  const inForce = new Map(settings.inForce);
  const stages = new Map(settings.stages);
  return new PolicyReplay(policy, {
    thresholds: settings.thresholds,
    thresholdInForce: (agentId, actionType) =>
      inForce.get(`${agentId}\u0000${actionType}`) ?? Number.POSITIVE_INFINITY,
    stageInForce: (agentId, actionType) => stages.get(`${agentId}\u0000${actionType}`),
  });
}
