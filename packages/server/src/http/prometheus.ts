import { DECIDE_BUCKET_BOUNDS } from "@loopgate/core";
import { Counter, Gauge, type Metric, Registry } from "prom-client";
import type { MetricTotalRow } from "../store/metric-rollups.ts";
import type { QueueSummaryRow } from "../store/store.ts";

/**
 * The Prometheus exposition of Loopgate's metrics (SPEC §5), built per scrape from the all-time totals
 * the store keeps (migration 0005), so every replica reports the same monotonic counters and a restart
 * resets nothing. A fresh registry per scrape keeps no state between requests.
 */
export async function prometheusText(input: {
  totals: readonly (MetricTotalRow & { reviewer: string })[];
  queues: readonly QueueSummaryRow[];
  /** Calibration maps in force. @defaultValue none */
  calibration?: readonly { agentId: string; actionType: string; ece: { raw: number; calibrated: number } }[];
  now: Date;
}): Promise<{ contentType: string; body: string }> {
  const registry = new Registry();
  const proposals = new Counter({
    name: "loopgate_proposals_total",
    help: "Proposals submitted, by the route the policy gave them",
    labelNames: ["action_type", "agent", "queue", "route"],
    registers: [registry],
  });
  const decisions = new Counter({
    name: "loopgate_decisions_total",
    help: "Reviewers' decisions, by verdict",
    labelNames: ["action_type", "agent", "queue", "reviewer", "verdict"],
    registers: [registry],
  });
  const expiries = new Counter({
    name: "loopgate_review_expiries_total",
    help: "Reviews whose due time passed without a decision",
    labelNames: ["action_type", "agent", "queue"],
    registers: [registry],
  });
  const open = new Gauge({
    name: "loopgate_queue_open_reviews",
    help: "Reviews waiting for a decision (pending or escalated)",
    labelNames: ["queue"],
    registers: [registry],
  });
  const oldest = new Gauge({
    name: "loopgate_queue_oldest_review_age_seconds",
    help: "Age of the oldest review waiting in the queue",
    labelNames: ["queue"],
    registers: [registry],
  });
  const counter = (name: string, help: string, labelNames: string[]) =>
    new Counter({ name, help, labelNames, registers: [registry] });
  const approved = counter(
    "loopgate_proposals_approved_total",
    "Proposals approved, by a person or automatically",
    ["action_type", "agent", "queue"],
  );
  const categories = counter(
    "loopgate_decision_categories_total",
    "Reviewers' decisions by the correction category they gave",
    ["action_type", "agent", "queue", "reviewer", "category"],
  );
  const rollbacks = counter("loopgate_rollbacks_total", "Rollbacks started", ["action_type", "agent"]);
  const incidents = counter("loopgate_incidents_total", "Incident outcomes recorded", [
    "action_type",
    "agent",
  ]);
  const postApproval = counter(
    "loopgate_post_approval_incidents_total",
    "Proposals whose first incident came after they were approved",
    ["action_type", "agent", "queue"],
  );
  const falseApprovals = counter(
    "loopgate_false_approvals_total",
    "Approving decisions whose proposal then had an incident or a rollback, by the approver",
    ["action_type", "agent", "queue", "reviewer"],
  );
  const calibrationError = new Gauge({
    name: "loopgate_calibration_error",
    help: "Expected calibration error of the map in force, of the raw and of the calibrated confidence",
    labelNames: ["action_type", "agent", "confidence"],
    registers: [registry],
  });
  const histograms = { decide: new Map<string, HistogramEntry>(), claim: new Map<string, HistogramEntry>() };

  for (const total of input.totals) {
    const where = { action_type: total.actionType, agent: total.agentId, queue: total.queue };
    const [family, rest] = splitMetric(total.metric);
    if (total.metric === "proposals" || total.value <= 0) continue;
    if (family === "route") proposals.inc({ ...where, route: rest }, total.value);
    else if (family === "decisions")
      decisions.inc({ ...where, reviewer: total.reviewer, verdict: rest }, total.value);
    else if (total.metric === "expiries") expiries.inc(where, total.value);
    else if (total.metric === "approved") approved.inc(where, total.value);
    else if (family === "category")
      categories.inc({ ...where, reviewer: total.reviewer, category: rest }, total.value);
    else if (total.metric === "rollbacks")
      rollbacks.inc({ action_type: total.actionType, agent: total.agentId }, total.value);
    else if (total.metric === "incidents")
      incidents.inc({ action_type: total.actionType, agent: total.agentId }, total.value);
    else if (total.metric === "incidents.post_approval") postApproval.inc(where, total.value);
    else if (total.metric === "false_approvals")
      falseApprovals.inc({ ...where, reviewer: total.reviewer }, total.value);
    else if (family === "decide" || family === "claim") {
      const histogram = histograms[family];
      const key = JSON.stringify(where);
      const entry = histogram.get(key) ?? {
        labels: where,
        counts: new Array<number>(DECIDE_BUCKET_BOUNDS.length + 1).fill(0),
        sum: 0,
      };
      histogram.set(key, entry);
      if (rest === "seconds_sum") entry.sum += total.value;
      else if (rest.startsWith("le.")) {
        const bound = rest.slice(3);
        const index =
          bound === "inf" ? DECIDE_BUCKET_BOUNDS.length : DECIDE_BUCKET_BOUNDS.indexOf(Number(bound));
        if (index >= 0) entry.counts[index]! += total.value;
      }
    }
  }
  for (const queue of input.queues) {
    open.set({ queue: queue.queue }, queue.open);
    oldest.set(
      { queue: queue.queue },
      Math.max(0, (input.now.getTime() - Date.parse(queue.oldestAt)) / 1000),
    );
  }
  for (const map of input.calibration ?? []) {
    const labels = { action_type: map.actionType, agent: map.agentId };
    calibrationError.set({ ...labels, confidence: "raw" }, map.ece.raw);
    calibrationError.set({ ...labels, confidence: "calibrated" }, map.ece.calibrated);
  }
  registry.registerMetric(
    histogramOf("loopgate_time_to_decide_seconds", "Time from a review opening to each decision on it", [
      ...histograms.decide.values(),
    ]),
  );
  registry.registerMetric(
    histogramOf("loopgate_time_to_claim_seconds", "Time from a review opening to its first claim", [
      ...histograms.claim.values(),
    ]),
  );
  return { contentType: registry.contentType, body: await registry.metrics() };
}

/** Bucket counts (not cumulative) and the sum of one histogram's series. */
interface HistogramEntry {
  labels: Record<string, string>;
  counts: number[];
  sum: number;
}

/** `route.auto` → ["route", "auto"]; `decide.le.60` → ["decide", "le.60"]. */
function splitMetric(metric: string): [string, string] {
  const dot = metric.indexOf(".");
  return dot < 0 ? [metric, ""] : [metric.slice(0, dot), metric.slice(dot + 1)];
}

/**
 * A duration histogram (time to decide, time to claim) from stored bucket counts. prom-client's Histogram only takes single
 * observations, so the registry gets a metric object of the shape its own histograms produce:
 * cumulative `_bucket{le}` series, `_sum` and `_count`.
 */
function histogramOf(name: string, help: string, entries: HistogramEntry[]): Metric {
  const values = entries.flatMap(({ labels, counts, sum }) => {
    let cumulative = 0;
    const bounds = [...DECIDE_BUCKET_BOUNDS.map(String), "+Inf"];
    const buckets = bounds.map((le, i) => {
      cumulative += counts[i]!;
      return { labels: { ...labels, le }, value: cumulative, metricName: `${name}_bucket` };
    });
    return [
      ...buckets,
      { labels, value: sum, metricName: `${name}_sum` },
      { labels, value: cumulative, metricName: `${name}_count` },
    ];
  });
  const metric = {
    name,
    help,
    type: "histogram",
    aggregator: "sum",
    get: async () => ({ ...metric, values }),
  };
  return metric as unknown as Metric;
}
