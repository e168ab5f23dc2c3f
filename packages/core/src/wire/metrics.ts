import { z } from "zod";
import { DecisionVerdict, RouteVerdict } from "../lifecycle/statuses.ts";
import { ActionTypeName, Timestamp } from "./common.ts";

/**
 * Query of `GET /v1/metrics`: a window (default the last 24 hours), optional filters and the size of a
 * time-series bucket. Times are rounded down to whole hours.
 */
export const MetricsQuery = z.strictObject({
  from: Timestamp.optional().describe("start of the window (inclusive); default: 24 hours before `to`"),
  to: Timestamp.optional().describe("end of the window (exclusive); default: now"),
  actionType: ActionTypeName.optional(),
  agent: z.string().max(200).optional().describe("the agent's id"),
  queue: z.string().max(100).optional(),
  reviewer: z.string().max(200).optional().describe("a person's id: only decisions are counted per reviewer"),
  bucket: z.enum(["hour", "day"]).default("hour"),
});
export type MetricsQuery = z.infer<typeof MetricsQuery>;

const count = z.number().int().min(0);
const rate = z.number().min(0).max(1).nullable().describe("null when nothing to divide by");

/** A duration's count, mean and quantiles, from a histogram of rollup counters. */
const duration = z.object({
  count,
  meanSeconds: z.number().nullable(),
  p50Seconds: z.number().nullable().describe("estimated from a histogram, within its bucket"),
  p90Seconds: z.number().nullable(),
});

/** The counters and rates of one window or bucket. */
export const MetricsPoint = z.object({
  proposals: count,
  routes: z.record(z.union([RouteVerdict, z.literal("held")]), count),
  decisions: z.record(DecisionVerdict, count),
  expiries: count,
  rates: z.object({
    automation: rate.describe("auto-routed ÷ proposals"),
    escalation: rate.describe("routed escalate ÷ proposals"),
    needsInfo: rate.describe("routed needs_info ÷ proposals"),
    approval: rate.describe("approvals ÷ final decisions (approve, edit, reject, handle_manually)"),
    edit: rate.describe("edits ÷ final decisions"),
    rejection: rate.describe("rejections ÷ final decisions"),
    override: rate.describe("(edits + rejections + manual handling) ÷ final decisions"),
    expiry: rate.describe("expiries ÷ (final decisions + expiries)"),
    falseApproval: rate.describe(
      "false approvals ÷ approving decisions (approve, edit): approved by a person, then an incident or a rollback",
    ),
    postApprovalIncident: rate.describe("proposals with an incident after approval ÷ proposals approved"),
  }),
  timeToDecide: duration.describe("from a review opening to each decision on it"),
  timeToClaim: duration.describe("from a review opening to its first claim"),
  approved: count.describe("proposals approved, by a person or automatically (auto_approved)"),
  categories: z
    .record(z.string(), count)
    .describe("correction categories: decisions per `category` given by the reviewer"),
  rollbacks: count.describe("rollbacks started"),
  incidents: count.describe("incident outcomes recorded"),
  postApprovalIncidents: count.describe("proposals whose first incident came after they were approved"),
  falseApprovals: count.describe(
    "approving decisions whose proposal then had an incident or a rollback (its first), by the approver",
  ),
});
export type MetricsPoint = z.infer<typeof MetricsPoint>;

/** The answer of `GET /v1/metrics`: totals over the window and a time series by bucket. */
export const MetricsReport = z.object({
  from: z.string(),
  to: z.string(),
  bucket: z.enum(["hour", "day"]),
  filters: z.object({
    actionType: z.string().nullable(),
    agent: z.string().nullable(),
    queue: z.string().nullable(),
    reviewer: z.string().nullable(),
  }),
  totals: MetricsPoint,
  series: z.array(MetricsPoint.extend({ at: z.string().describe("start of the bucket") })),
  calibration: z
    .object({
      maps: count.describe("calibration maps in force for the filter's agents and action types"),
      evidence: count.describe("labelled proposals they were fitted on"),
      ece: z.number().nullable().describe("expected calibration error of the calibrated confidence"),
      eceRaw: z.number().nullable().describe("the same of the agents' raw confidence"),
    })
    .describe(
      "calibration error of the maps in force now (not windowed), weighted by evidence; queue and reviewer filters do not apply",
    ),
});
export type MetricsReport = z.infer<typeof MetricsReport>;
