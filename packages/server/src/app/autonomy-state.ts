import {
  type ActionTypeSettings,
  type AutonomyEvidence,
  type AutonomyStage,
  type AutonomyState,
  type BreakerCounts,
  type BreakerReading,
  hourBucket,
  nextStage,
  promotionCriteria,
  readBreakers,
} from "@loopgate/core";
import type { AutonomyChangeRow, AutonomyStageRow, PromotionRow } from "../store/autonomy-rows.ts";
import type { CalibrationMapRow } from "../store/calibration-rows.ts";
import type { Store } from "../store/store.ts";

/**
 * What earned autonomy knows about one agent and action type right now (SPEC §5): the stage in force,
 * the evidence for a promotion, and the circuit breakers' readings. A promotion's decisions are counted
 * from the hourly metric rollups (never a scan of history). The breakers count over their exact window:
 * executions (attempts that finished, successes, rollbacks) and incidents from the hourly counters for
 * the window's whole hours plus indexed counts of rows for the partial hours at its ends, so a reading
 * costs the same whatever the traffic; post-reviews (one per proposal reviewed after it ran, at the
 * pace people review) by an indexed count.
 */

const HOUR_MS = 3_600_000;
const FINAL = ["approve", "edit", "reject", "handle_manually"] as const;
const OVERRIDING = new Set(["edit", "reject", "handle_manually"]);

/** The stage in force: set by a promotion or demotion, else the policy file's. */
export function stageInForce(settings: ActionTypeSettings, row: AutonomyStageRow | undefined): AutonomyStage {
  return row?.stage ?? settings.autonomy;
}

/** Final decisions (and the overriding ones) of a pair within `[from, to)`, hour-bucketed. */
async function decisionCounts(
  store: Store,
  agentId: string,
  actionType: string,
  from: Date,
  to: Date,
): Promise<{ final: number; overridden: number; first: string | null; last: string | null }> {
  const cells = await store.metricRollups({
    from: hourBucket(from.toISOString()),
    to: new Date(Date.parse(hourBucket(to.toISOString())) + HOUR_MS).toISOString(),
    agentId,
    actionType,
  });
  let final = 0;
  let overridden = 0;
  let first: string | null = null;
  let last: string | null = null;
  for (const cell of cells) {
    const verdict = cell.metric.startsWith("decisions.") ? cell.metric.slice("decisions.".length) : null;
    if (verdict === null || !(FINAL as readonly string[]).includes(verdict) || cell.value === 0) continue;
    final += cell.value;
    if (OVERRIDING.has(verdict)) overridden += cell.value;
    if (first === null || cell.bucket < first) first = cell.bucket;
    if (last === null || cell.bucket > last) last = cell.bucket;
  }
  return { final, overridden, first, last };
}

/**
 * The evidence for promoting a pair: its final decisions since the stage in force began (from the hour
 * it began; all of them while the policy file's stage applies), their override rate, and the held-out
 * calibration error of the map in force.
 */
export async function promotionEvidence(
  store: Store,
  pair: { agentId: string; actionType: string },
  since: string | null,
  map: CalibrationMapRow | undefined,
  now: Date,
): Promise<AutonomyEvidence> {
  const counts = await decisionCounts(store, pair.agentId, pair.actionType, new Date(since ?? 0), now);
  return {
    decisions: counts.final,
    overrideRate: counts.final === 0 ? null : counts.overridden / counts.final,
    calibrationError: map?.map.heldOutEce ?? null,
    from: counts.first,
    to: counts.last,
  };
}

/**
 * The breakers' readings for a pair over the window ending now. Executions count as they finish (an
 * attempt's end, a success) in the window — not, as before migration 0018, by where each execution
 * whose row last changed in the window stands now; see `ExecutionCounts`.
 */
export async function breakerReadings(
  store: Store,
  pair: { agentId: string; actionType: string },
  settings: ActionTypeSettings,
  now: Date,
): Promise<{ readings: BreakerReading[]; window: { from: string; to: string } }> {
  const breakers = settings.breakers;
  const windowMs = breakers?.windowMs ?? 24 * HOUR_MS;
  const from = new Date(now.getTime() - windowMs);
  const window = { from: from.toISOString(), to: now.toISOString() };
  if (breakers === null) return { readings: [], window };
  const end = new Date(now.getTime() + 1).toISOString();
  const [decisions, executions, incidents] = await Promise.all([
    store.unattendedCounts(pair.agentId, pair.actionType, window.from, end),
    store.executionCounts(pair.agentId, pair.actionType, window.from, end),
    store.incidentCount(pair.agentId, pair.actionType, window.from, end),
  ]);
  const counts: BreakerCounts = {
    finalDecisions: decisions.decided,
    overridden: decisions.overridden,
    executionsFinished: executions.finished,
    executionsSucceeded: executions.succeeded,
    executionsFailed: executions.failed,
    rollbacks: executions.rollbacks,
    incidents,
  };
  return { readings: readBreakers(counts, breakers), window };
}

/** Everything the autonomy view shows for one pair. */
export async function autonomyStateOf(input: {
  store: Store;
  settings: ActionTypeSettings;
  pair: { agentId: string; actionType: string };
  stageRow: AutonomyStageRow | undefined;
  map: CalibrationMapRow | undefined;
  pending: PromotionRow | null;
  history: AutonomyChangeRow[];
  now: Date;
  view: (row: PromotionRow) => AutonomyState["pendingPromotion"];
  changeView: (row: AutonomyChangeRow) => AutonomyState["history"][number];
}): Promise<AutonomyState> {
  const { store, settings, pair, stageRow, now } = input;
  const stage = stageInForce(settings, stageRow);
  const next = nextStage(stage, settings.reversible);
  const [evidence, breakers] = await Promise.all([
    promotionEvidence(store, pair, stageRow?.changedAt ?? null, input.map, now),
    breakerReadings(store, pair, settings, now),
  ]);
  const criteria = promotionCriteria(evidence, settings.promotion, next ?? stage);
  return {
    agent: pair.agentId,
    actionType: pair.actionType,
    stage,
    policyStage: settings.autonomy,
    since: stageRow?.changedAt ?? null,
    next,
    eligible: next !== null && criteria.every((c) => c.met),
    criteria,
    evidence,
    breakers: breakers.readings,
    window: breakers.window,
    pendingPromotion: input.pending === null ? null : input.view(input.pending),
    history: input.history.map(input.changeView),
  };
}
