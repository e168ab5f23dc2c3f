import { DecisionVerdict, RouteVerdict } from "../lifecycle/statuses.ts";
import type { MetricsPoint, MetricsReport } from "../wire/metrics.ts";
import { DECIDE_BUCKET_BOUNDS, hourBucket } from "./metric-buckets.ts";

/** One summed rollup counter of one hour. */
export interface RollupCell {
  bucket: string;
  metric: string;
  value: number;
}

const ROUTES = [...RouteVerdict.options, "held"] as const;
const FINAL_VERDICTS = ["approve", "edit", "reject", "handle_manually"] as const;

/**
 * Counters and rates from summed rollup counters (see migration 0005 for the counter names).
 *
 * @example
 * ```ts
 * metricsPoint({ proposals: 4, "route.auto": 1, "route.review": 3, "decisions.approve": 2, "decisions.edit": 1 }).rates.automation; // 0.25
 * ```
 */
export function metricsPoint(counters: Readonly<Record<string, number>>): MetricsPoint {
  const get = (name: string) => Math.round(counters[name] ?? 0);
  const routes = Object.fromEntries(ROUTES.map((r) => [r, get(`route.${r}`)])) as MetricsPoint["routes"];
  const decisions = Object.fromEntries(
    DecisionVerdict.options.map((v) => [v, get(`decisions.${v}`)]),
  ) as MetricsPoint["decisions"];
  const proposals = get("proposals");
  const expiries = get("expiries");
  const final = FINAL_VERDICTS.reduce((sum, v) => sum + decisions[v], 0);
  const ratio = (n: number, d: number) => (d === 0 ? null : n / d);
  const approved = get("approved");
  const falseApprovals = get("false_approvals");
  const postApprovalIncidents = get("incidents.post_approval");
  const categories: Record<string, number> = {};
  for (const [name, value] of Object.entries(counters)) {
    if (name.startsWith("category.") && value > 0) categories[name.slice(9)] = Math.round(value);
  }
  return {
    proposals,
    routes,
    decisions,
    expiries,
    rates: {
      automation: ratio(routes.auto, proposals),
      escalation: ratio(routes.escalate, proposals),
      needsInfo: ratio(routes.needs_info, proposals),
      approval: ratio(decisions.approve, final),
      edit: ratio(decisions.edit, final),
      rejection: ratio(decisions.reject, final),
      override: ratio(decisions.edit + decisions.reject + decisions.handle_manually, final),
      expiry: ratio(expiries, final + expiries),
      falseApproval: ratio(falseApprovals, decisions.approve + decisions.edit),
      postApprovalIncident: ratio(postApprovalIncidents, approved),
    },
    timeToDecide: durationOf(counters, "decide"),
    timeToClaim: durationOf(counters, "claim"),
    approved,
    categories: Object.fromEntries(Object.entries(categories).sort(([a], [b]) => (a < b ? -1 : 1))),
    rollbacks: get("rollbacks"),
    incidents: get("incidents"),
    postApprovalIncidents,
    falseApprovals,
  };
}

/** Count, mean and estimated p50/p90 of the `decide` or `claim` histogram. */
function durationOf(counters: Readonly<Record<string, number>>, prefix: "decide" | "claim") {
  const timed = Math.round(counters[`${prefix}.count`] ?? 0);
  return {
    count: timed,
    meanSeconds: timed === 0 ? null : (counters[`${prefix}.seconds_sum`] ?? 0) / timed,
    p50Seconds: histogramQuantile(counters, 0.5, prefix),
    p90Seconds: histogramQuantile(counters, 0.9, prefix),
  };
}

/**
 * A quantile estimated from the time-to-decide (or time-to-claim) histogram, linear within the bucket it falls in (as
 * Prometheus' `histogram_quantile` does); in the open last bucket, its lower edge (so "≥ 3 days").
 */
export function histogramQuantile(
  counters: Readonly<Record<string, number>>,
  q: number,
  prefix: "decide" | "claim" = "decide",
): number | null {
  const counts = [
    ...DECIDE_BUCKET_BOUNDS.map((b) => counters[`${prefix}.le.${b}`] ?? 0),
    counters[`${prefix}.le.inf`] ?? 0,
  ];
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = q * total;
  let below = 0;
  for (let i = 0; i < counts.length; i++) {
    const inBucket = counts[i]!;
    if (below + inBucket >= rank && inBucket > 0) {
      const lower = i === 0 ? 0 : DECIDE_BUCKET_BOUNDS[i - 1]!;
      if (i === DECIDE_BUCKET_BOUNDS.length) return lower;
      const upper = DECIDE_BUCKET_BOUNDS[i]!;
      return lower + ((rank - below) / inBucket) * (upper - lower);
    }
    below += inBucket;
  }
  return DECIDE_BUCKET_BOUNDS[DECIDE_BUCKET_BOUNDS.length - 1]!;
}

/**
 * The metrics report of a window from hourly rollup cells: totals, and a series with one point per
 * hour or day from `from` to `to` (empty buckets included, so charts need no gap handling).
 */
export function metricsReport(input: {
  cells: readonly RollupCell[];
  from: string;
  to: string;
  bucket: "hour" | "day";
  filters: MetricsReport["filters"];
  /** The calibration maps in force for the filter (none: the report's calibration is empty). */
  calibration?: readonly CalibrationInForce[];
}): MetricsReport {
  const { cells, from, to, bucket } = input;
  const keyOf = (hour: string) => (bucket === "hour" ? hour : `${hour.slice(0, 10)}T00:00:00.000Z`);
  const totals: Record<string, number> = {};
  const byBucket = new Map<string, Record<string, number>>();
  for (const cell of cells) {
    totals[cell.metric] = (totals[cell.metric] ?? 0) + cell.value;
    const key = keyOf(cell.bucket);
    const counters = byBucket.get(key) ?? {};
    byBucket.set(key, counters);
    counters[cell.metric] = (counters[cell.metric] ?? 0) + cell.value;
  }
  const series: MetricsReport["series"] = [];
  const step = bucket === "hour" ? 3_600_000 : 86_400_000;
  const end = Date.parse(to);
  for (let at = Date.parse(keyOf(hourBucket(from))); at < end; at += step) {
    const key = new Date(at).toISOString();
    series.push({ at: key, ...metricsPoint(byBucket.get(key) ?? {}) });
  }
  return {
    from,
    to,
    bucket,
    filters: input.filters,
    totals: metricsPoint(totals),
    series,
    calibration: calibrationError(input.calibration ?? []),
  };
}

/** One calibration map in force: its evidence and its measured errors (see `GET /v1/calibration`). */
export interface CalibrationInForce {
  evidence: number;
  ece: { raw: number; calibrated: number };
}

/**
 * The calibration error of the maps in force, each weighted by its evidence (SPEC §5: calibration
 * error among the metrics): the expected calibration error of the calibrated confidence and of the
 * raw one, as measured when each map was fitted.
 */
export function calibrationError(maps: readonly CalibrationInForce[]): MetricsReport["calibration"] {
  const evidence = maps.reduce((sum, m) => sum + m.evidence, 0);
  const weighted = (pick: (m: CalibrationInForce) => number) =>
    evidence === 0 ? null : maps.reduce((sum, m) => sum + pick(m) * m.evidence, 0) / evidence;
  return {
    maps: maps.length,
    evidence,
    ece: weighted((m) => m.ece.calibrated),
    eceRaw: weighted((m) => m.ece.raw),
  };
}
