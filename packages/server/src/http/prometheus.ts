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
  const timeToDecide = new Map<string, { labels: Record<string, string>; counts: number[]; sum: number }>();

  for (const total of input.totals) {
    const where = { action_type: total.actionType, agent: total.agentId, queue: total.queue };
    const [family, rest] = splitMetric(total.metric);
    if (total.metric === "proposals" || total.value <= 0) continue;
    if (family === "route") proposals.inc({ ...where, route: rest }, total.value);
    else if (family === "decisions")
      decisions.inc({ ...where, reviewer: total.reviewer, verdict: rest }, total.value);
    else if (total.metric === "expiries") expiries.inc(where, total.value);
    else if (family === "decide") {
      const key = JSON.stringify(where);
      const entry = timeToDecide.get(key) ?? {
        labels: where,
        counts: new Array<number>(DECIDE_BUCKET_BOUNDS.length + 1).fill(0),
        sum: 0,
      };
      timeToDecide.set(key, entry);
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
  registry.registerMetric(histogramOf([...timeToDecide.values()]));
  return { contentType: registry.contentType, body: await registry.metrics() };
}

/** `route.auto` → ["route", "auto"]; `decide.le.60` → ["decide", "le.60"]. */
function splitMetric(metric: string): [string, string] {
  const dot = metric.indexOf(".");
  return dot < 0 ? [metric, ""] : [metric.slice(0, dot), metric.slice(dot + 1)];
}

/**
 * The time-to-decide histogram from stored bucket counts. prom-client's Histogram only takes single
 * observations, so the registry gets a metric object of the shape its own histograms produce:
 * cumulative `_bucket{le}` series, `_sum` and `_count`.
 */
function histogramOf(entries: { labels: Record<string, string>; counts: number[]; sum: number }[]): Metric {
  const name = "loopgate_time_to_decide_seconds";
  const help = "Time from a review opening to each decision on it";
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
