import {
  brierScore,
  CalibrationQuery,
  type CalibrationReport,
  type CalibrationReportList,
  expectedCalibrationError,
  reliabilityBins,
} from "@loopgate/core";
import type { CalibrationMetrics } from "../store/calibration-rows.ts";
import type { AppDeps } from "./deps.ts";
import { type Principal, requireRole } from "./principal.ts";
import { parseInput } from "./zod-issues.ts";

/** Most labels read to measure a pair that has no calibration map yet (fewer than 200 labels, usually). */
const MAX_UNFITTED_LABELS = 5000;

/**
 * `GET /v1/calibration` (owners and auditors): per agent and action type with labelled proposals, the
 * reliability diagram, expected calibration error and Brier score of the raw confidence and of the
 * calibrated one. With a map in force the figures are those measured when it was fitted (calibrated
 * confidences out of fold); before, they are measured now over the labels so far, calibrated = raw.
 */
export async function readCalibration(
  deps: AppDeps,
  principal: Principal,
  query: Record<string, string>,
): Promise<CalibrationReportList> {
  requireRole(principal, ["owner", "auditor"]);
  const { agent, actionType } = parseInput(CalibrationQuery, query, "invalid_query", "query");
  const [counts, maps, thresholds] = await Promise.all([
    deps.store.labelCounts(),
    deps.store.calibrationMaps(),
    deps.store.thresholdsInForce(),
  ]);
  const key = (a: string, t: string) => `${a}\u0000${t}`;
  const pairs = new Map<string, { agentId: string; actionType: string; labelled: number }>();
  for (const m of maps) pairs.set(key(m.agentId, m.actionType), { ...m, labelled: 0 });
  for (const c of counts) pairs.set(key(c.agentId, c.actionType), c);
  const mapOf = new Map(maps.map((m) => [key(m.agentId, m.actionType), m]));
  const thresholdOf = new Map(thresholds.map((t) => [key(t.agentId, t.actionType), t.auto]));

  const items: CalibrationReport[] = [];
  for (const [k, pair] of [...pairs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (agent !== undefined && pair.agentId !== agent) continue;
    if (actionType !== undefined && pair.actionType !== actionType) continue;
    const map = mapOf.get(k) ?? null;
    const metrics = map?.metrics ?? (await unfittedMetrics(deps, pair.agentId, pair.actionType));
    items.push({
      agent: pair.agentId,
      actionType: pair.actionType,
      reviewed: metrics.reviewed,
      labelled: pair.labelled,
      calibration: map?.id ?? null,
      fittedAt: map?.fittedAt ?? null,
      ece: metrics.ece,
      brier: metrics.brier,
      reliability: metrics.reliability,
      reliabilityRaw: metrics.reliabilityRaw,
      thresholdAuto: thresholdOf.get(k) ?? null,
    });
  }
  return { items };
}

/** Raw confidence over the labels so far; calibrated is the raw number while no map exists. */
async function unfittedMetrics(
  deps: AppDeps,
  agentId: string,
  actionType: string,
): Promise<CalibrationMetrics> {
  const labels = await deps.store.reviewLabels(agentId, actionType, MAX_UNFITTED_LABELS);
  const raw = labels.map((l) => ({ confidence: l.agentConfidence, label: l.label }));
  const ece = expectedCalibrationError(raw);
  const brier = brierScore(raw);
  const bins = reliabilityBins(raw);
  return {
    reviewed: raw.length,
    ece: { raw: ece, calibrated: ece },
    brier: { raw: brier, calibrated: brier },
    reliability: bins,
    reliabilityRaw: bins,
  };
}
