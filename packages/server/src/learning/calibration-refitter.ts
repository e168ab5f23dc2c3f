import {
  type AuditDraft,
  type BoundMethod,
  brierScore,
  type CalibrationSample,
  calibrationRefitDue,
  crossFittedConfidences,
  expectedCalibrationError,
  fitCalibrationMap,
  type RefitRule,
  recommendThreshold,
  reliabilityBins,
  type ScoredOutcome,
} from "@loopgate/core";
import { calibrationCache } from "../app/calibrate.ts";
import type { AppDeps } from "../app/deps.ts";
import { SYSTEM_ACTOR } from "../app/principal.ts";
import type { CalibrationMapRow, CalibrationMetrics } from "../store/calibration-rows.ts";
import type { Write } from "../store/store.ts";

/** How the refitter fits and recommends; the defaults are what Loopgate runs with. */
export interface RefitOptions {
  /** When a map is stale (core's `calibrationRefitDue`). @defaultValue 200 labels, 20% growth, 7 days */
  rule?: RefitRule;
  /** The newest labels a fit uses at most, which bounds its cost. @defaultValue 5000 */
  maxSamples?: number;
  /** The upper bound on the error rate behind a recommendation. @defaultValue "wilson" */
  bound?: BoundMethod;
}

/** Fewest labels the out-of-fold measurement (5 folds of at least 2) works with, whatever the rule. */
const MIN_CROSS_FIT = 10;

/** What one pass did for one agent and action type. */
export interface RefitOutcome {
  agentId: string;
  actionType: string;
  calibration: string;
  reason: string;
  recommendation: string | null;
  /** False when another replica stored its map first (this pass's work was dropped). */
  stored: boolean;
}

/**
 * One pass of the learning loop (SPEC §5): for every agent and action type whose map is stale by the
 * refit rule, fits the map from its labelled proposals, measures it (raw confidence against
 * out-of-fold calibrated confidence: reliability, ECE, Brier) and, when the policy gives the action type
 * a `targetErrorRate`, recommends a threshold from the out-of-fold confidences, superseding the pair's
 * earlier proposed recommendation. Map, recommendation and their audit entries (`calibration.fitted`,
 * `recommendation.proposed`) go in one commit that only applies over the map it replaced, so when
 * several replicas run the same pass exactly one stores it.
 */
export async function refitCalibration(deps: AppDeps, options: RefitOptions = {}): Promise<RefitOutcome[]> {
  const { store } = deps;
  const [counts, maps] = await Promise.all([store.labelCounts(), store.calibrationMaps()]);
  const mapOf = new Map(maps.map((m) => [`${m.agentId}\u0000${m.actionType}`, m]));
  const outcomes: RefitOutcome[] = [];
  for (const { agentId, actionType, labelled } of counts) {
    const current = mapOf.get(`${agentId}\u0000${actionType}`) ?? null;
    const now = deps.now().toISOString();
    const due = calibrationRefitDue({
      map: current === null ? null : { evidence: current.labelled, fittedAt: current.fittedAt },
      labelled,
      now,
      ...(options.rule === undefined ? {} : { rule: options.rule }),
    });
    if (!due.refit || labelled < MIN_CROSS_FIT) continue;
    const labels = await store.reviewLabels(agentId, actionType, options.maxSamples ?? 5000);
    // Oldest first, so the folds (and therefore the map's id) depend on the evidence alone.
    const samples: CalibrationSample[] = labels.reverse().map((l) => ({
      agentConfidence: l.agentConfidence,
      signals: l.signals,
      label: l.label,
    }));
    const outcome = await refitPair(deps, {
      agentId,
      actionType,
      labelled,
      samples,
      current,
      reason: due.reason,
      now,
      bound: options.bound ?? "wilson",
    });
    outcomes.push(outcome);
  }
  if (outcomes.some((o) => o.stored)) calibrationCache(deps).invalidate();
  return outcomes;
}

async function refitPair(
  deps: AppDeps,
  input: {
    agentId: string;
    actionType: string;
    labelled: number;
    samples: CalibrationSample[];
    current: CalibrationMapRow | null;
    reason: string;
    now: string;
    bound: BoundMethod;
  },
): Promise<RefitOutcome> {
  const { agentId, actionType, samples, current, now } = input;
  const map = fitCalibrationMap({ agent: agentId, actionType, samples, fittedAt: now });
  const outOfFold = crossFittedConfidences(samples);
  const metrics = calibrationMetrics(samples, outOfFold);
  const writes: Write[] = [
    {
      kind: "putCalibrationMap",
      expectId: current?.id ?? null,
      row: {
        agentId,
        actionType,
        id: map.id,
        map,
        evidence: samples.length,
        labelled: input.labelled,
        fittedAt: now,
        metrics,
      },
    },
  ];
  const audit: AuditDraft[] = [
    {
      at: now,
      actor: SYSTEM_ACTOR,
      type: "calibration.fitted",
      proposalId: null,
      data: {
        agent: agentId,
        actionType,
        calibration: map.id,
        previous: current?.id ?? null,
        reason: input.reason,
        method: map.method,
        evidence: samples.length,
        labelled: input.labelled,
        ece: metrics.ece,
        brier: metrics.brier,
      },
    },
  ];
  const target = deps.policies.activeOrNull()?.actionTypes.get(actionType)?.targetErrorRate ?? null;
  const evidence =
    target === null ? null : recommendThreshold(outOfFold, { targetErrorRate: target, bound: input.bound });
  let recommendation: string | null = null;
  // Earlier proposals were computed on the old map's confidences: a new map supersedes them all.
  writes.push({ kind: "supersedeRecommendations", agentId, actionType });
  if (evidence !== null) {
    recommendation = deps.newId();
    writes.push({
      kind: "insertRecommendation",
      row: {
        id: recommendation,
        agentId,
        actionType,
        status: "proposed",
        threshold: evidence.threshold,
        targetErrorRate: evidence.targetErrorRate,
        detail: evidence,
        calibrationId: map.id,
        requestedBy: null,
        requestedAt: null,
        approvedBy: null,
        approvedAt: null,
        policyVersion: null,
        createdAt: now,
        version: 1,
      },
    });
    audit.push({
      at: now,
      actor: SYSTEM_ACTOR,
      type: "recommendation.proposed",
      proposalId: null,
      data: {
        recommendationId: recommendation,
        agent: agentId,
        actionType,
        calibration: map.id,
        ...evidence,
      },
    });
  }
  const result = await deps.store.commit({ writes, audit });
  if (!result.ok && result.conflict.kind !== "duplicate" && result.conflict.kind !== "missing") {
    throw new Error(
      `unexpected conflict while storing a calibration map: ${JSON.stringify(result.conflict)}`,
    );
  }
  return {
    agentId,
    actionType,
    calibration: map.id,
    reason: input.reason,
    recommendation: result.ok ? recommendation : null,
    stored: result.ok,
  };
}

/** Raw confidence against out-of-fold calibrated confidence on the same labelled proposals. */
export function calibrationMetrics(
  samples: readonly CalibrationSample[],
  outOfFold: readonly ScoredOutcome[],
): CalibrationMetrics {
  const raw = samples.map((s) => ({ confidence: s.agentConfidence, label: s.label }));
  return {
    reviewed: samples.length,
    ece: { raw: expectedCalibrationError(raw), calibrated: expectedCalibrationError(outOfFold) },
    brier: { raw: brierScore(raw), calibrated: brierScore(outOfFold) },
    reliability: reliabilityBins(outOfFold),
    reliabilityRaw: reliabilityBins(raw),
  };
}

/**
 * Runs {@link refitCalibration} every `intervalMs` (a minute by default) until stopped; one pass at a
 * time, a failed pass logged and retried on the next tick.
 */
export function startCalibrationRefitter(
  deps: AppDeps,
  options: RefitOptions & { intervalMs?: number } = {},
): { stop(): Promise<void>; tick(): Promise<RefitOutcome[]> } {
  let running: Promise<unknown> | null = null;
  let stopped = false;
  const tick = () => refitCalibration(deps, options);
  const run = () => {
    if (stopped || running !== null) return;
    running = tick()
      .then((outcomes) => {
        for (const o of outcomes.filter((x) => x.stored)) deps.logger.info(o, "calibration map fitted");
      })
      .catch((error: unknown) => {
        deps.logger.error({ err: error }, "calibration refit failed; retrying on the next tick");
      })
      .finally(() => {
        running = null;
      });
  };
  const handle = setInterval(run, options.intervalMs ?? 60_000);
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
