import { ErrorEnvelope, MetricsQuery, MetricsReport } from "@loopgate/core";
import { metricTotals, readMetrics } from "../../app/metrics.ts";
import { prometheusText } from "../prometheus.ts";
import type { RouteTable } from "../route-table.ts";

const errors = {
  400: { description: "Invalid query, with the field and what to do", schema: ErrorEnvelope },
  401: { description: "Missing or unknown key", schema: ErrorEnvelope },
  403: { description: "Only owners and auditors read metrics", schema: ErrorEnvelope },
};

/** `GET /v1/metrics` (JSON time series and totals) and `GET /metrics` (Prometheus). */
export function metricsRoutes(routes: RouteTable): void {
  routes.add(
    {
      method: "get",
      path: "/v1/metrics",
      summary:
        "Volumes, route mix, decision, expiry and false-approval rates, time to claim and decide, correction categories, incidents, calibration error: totals and a series (owners, auditors)",
      tag: "metrics",
      access: "authenticated",
      query: MetricsQuery,
      responses: { 200: { description: "The metrics of the window", schema: MetricsReport }, ...errors },
    },
    async (c, principal) => c.json(await readMetrics(c.var.deps, principal!, c.req.query())),
  );
  routes.add(
    {
      method: "get",
      path: "/metrics",
      summary: "Prometheus exposition of the all-time counters and queue gauges (owner or auditor key)",
      tag: "metrics",
      access: "authenticated",
      responses: {
        200: { description: "Prometheus text format", contentType: "text/plain" },
        401: errors[401],
        403: errors[403],
      },
    },
    async (c, principal) => {
      const deps = c.var.deps;
      const { totals, queues, calibration } = await metricTotals(deps, principal!);
      const { contentType, body } = await prometheusText({ totals, queues, calibration, now: deps.now() });
      return c.body(body, 200, { "content-type": contentType });
    },
  );
}
