import { hourBucket, MetricsQuery, type MetricsReport, metricsReport } from "@loopgate/core";
import type { MetricTotalRow } from "../store/metric-rollups.ts";
import { invalidInput } from "./app-error.ts";
import type { AppDeps } from "./deps.ts";
import { type Principal, requireRole } from "./principal.ts";
import { parseInput } from "./zod-issues.ts";

const HOUR_MS = 3_600_000;
/** Most points a series may have: a month of hours, ten years of days. */
const MAX_POINTS = { hour: 24 * 31, day: 3660 } as const;

/**
 * Metrics over a window (SPEC §5): totals and a series by hour or day, read from the rollups commits
 * keep (migrations 0005 and 0011), so the cost depends on the window, not on how much history is
 * stored; and the calibration error of the maps in force.
 * Owners and auditors. `reviewer` may be a person's id or name.
 */
export async function readMetrics(
  deps: AppDeps,
  principal: Principal,
  query: Record<string, string>,
): Promise<MetricsReport> {
  requireRole(principal, ["owner", "auditor"]);
  const parsed = parseInput(MetricsQuery, query, "invalid_query", "query");
  const { bucket, actionType, agent, queue, reviewer } = parsed;
  const to = parsed.to === undefined ? deps.now() : new Date(parsed.to);
  const from = parsed.from === undefined ? new Date(to.getTime() - 24 * HOUR_MS) : new Date(parsed.from);
  if (from.getTime() >= to.getTime()) {
    throw invalidInput("invalid_query", [{ path: "query.from", message: "must be before `to`" }]);
  }
  const points = Math.ceil(
    (to.getTime() - Date.parse(hourBucket(from))) / (bucket === "hour" ? HOUR_MS : 24 * HOUR_MS),
  );
  if (points > MAX_POINTS[bucket]) {
    throw invalidInput("invalid_query", [
      {
        path: "query.bucket",
        message:
          bucket === "hour"
            ? `a window of ${points} hours is too long for hourly points (at most ${MAX_POINTS.hour}): use bucket=day or a shorter window`
            : `a window of ${points} days is too long (at most ${MAX_POINTS.day}): shorten it`,
      },
    ]);
  }

  const reviewerId =
    reviewer === undefined ? undefined : ((await deps.store.userByName(reviewer))?.id ?? reviewer);
  const [cells, maps] = await Promise.all([
    deps.store.metricRollups({
      from: hourBucket(from),
      to: to.toISOString(),
      granularity: bucket,
      ...(actionType === undefined ? {} : { actionType }),
      ...(agent === undefined ? {} : { agentId: agent }),
      ...(queue === undefined ? {} : { queue }),
      ...(reviewerId === undefined ? {} : { reviewerId }),
    }),
    // One row per agent and action type with a map: a handful, read whole.
    deps.store.calibrationMaps(),
  ]);
  const calibration = maps
    .filter(
      (m) =>
        (actionType === undefined || m.actionType === actionType) &&
        (agent === undefined || m.agentId === agent),
    )
    .map((m) => ({ evidence: m.evidence, ece: m.metrics.ece }));
  return metricsReport({
    cells,
    calibration,
    from: from.toISOString(),
    to: to.toISOString(),
    bucket,
    filters: {
      actionType: actionType ?? null,
      agent: agent ?? null,
      queue: queue ?? null,
      reviewer: reviewerId ?? null,
    },
  });
}

/** The all-time counters with reviewers named, and the calibration maps in force, for Prometheus. Owners and auditors. */
export async function metricTotals(
  deps: AppDeps,
  principal: Principal,
): Promise<{
  totals: (MetricTotalRow & { reviewer: string })[];
  queues: Awaited<ReturnType<AppDeps["store"]["queueSummary"]>>;
  calibration: { agentId: string; actionType: string; ece: { raw: number; calibrated: number } }[];
}> {
  requireRole(principal, ["owner", "auditor"]);
  const [totals, users, queues, maps] = await Promise.all([
    deps.store.metricTotals(),
    deps.store.listUsers(),
    deps.store.queueSummary(),
    deps.store.calibrationMaps(),
  ]);
  const names = new Map(users.map((u) => [u.id, u.name]));
  return {
    totals: totals.map((t) => ({ ...t, reviewer: names.get(t.reviewerId) ?? t.reviewerId })),
    queues,
    calibration: maps.map((m) => ({ agentId: m.agentId, actionType: m.actionType, ece: m.metrics.ece })),
  };
}
