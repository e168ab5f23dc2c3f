import type { MetricsPoint, MetricsReport } from "../api/types.ts";
import { StackedBarChart } from "../charts/StackedBarChart.tsx";
import { MEANING } from "../charts/scale.ts";
import { type Series, TimeSeriesChart } from "../charts/TimeSeriesChart.tsx";
import { label, rate, score, seconds, sentence } from "./figures.ts";

const DECISION_RATES = ["approval", "edit", "rejection", "override"] as const;
const ROUTING_RATES = ["automation", "escalation", "needsInfo", "expiry"] as const;
const ROUTES = ["auto", "review", "escalate", "needs_info", "block", "held"] as const;
const VERDICTS = ["approve", "edit", "reject", "handle_manually", "escalate", "request_info"] as const;

/** Each route, verdict and rate in the same colour wherever it is drawn. */
const COLOURS: Record<string, string> = {
  approval: MEANING.good,
  approve: MEANING.good,
  auto: MEANING.good,
  automation: MEANING.good,
  edit: MEANING.neutral,
  review: MEANING.neutral,
  rejection: MEANING.bad,
  reject: MEANING.bad,
  block: MEANING.bad,
  override: MEANING.caution,
  escalation: MEANING.caution,
  escalate: MEANING.caution,
  needsInfo: MEANING.other,
  needs_info: MEANING.other,
  request_info: MEANING.other,
  expiry: MEANING.quiet,
  handle_manually: MEANING.quiet,
  held: MEANING.quiet,
};

/** A p50/p90 duration as the metrics report it (time to decide; time to claim where the server has it). */
interface Percentiles {
  p50Seconds: number | null;
  p90Seconds: number | null;
}

/** Figures newer servers add to a metrics point, read when present. */
type Extras = {
  timeToClaim?: Percentiles;
  /** Rejection and edit reason categories counted in the window. */
  categories?: Record<string, number>;
  incidents?: number;
  rollbacks?: number;
};

/** The calibration error of the maps in force, as newer servers add it to the report. */
type ReportExtras = {
  calibration?: { maps: number; evidence: number; ece: number | null; eceRaw: number | null };
};

const extras = (point: MetricsPoint) => point as MetricsPoint & Extras;

const rates = (point: MetricsPoint) => point.rates as Record<string, number | null>;

/** Rates the app has no fixed place for (added by newer servers, e.g. false approvals). */
function extraRateKeys(report: MetricsReport): string[] {
  const known = new Set<string>([...DECISION_RATES, ...ROUTING_RATES]);
  return Object.keys(report.totals.rates).filter((key) => !known.has(key));
}

/** The window's totals as figures: volume, automation, approval and override rates, time to decide. */
export function MetricsTotals({ report }: { report: MetricsReport }) {
  const t = report.totals;
  const { timeToClaim: claim, incidents, rollbacks } = extras(t);
  const calibration = (report as MetricsReport & ReportExtras).calibration;
  const figures: [string, string][] = [
    ["Proposals", String(t.proposals)],
    ["Automation rate", rate(t.rates.automation)],
    ["Approval rate", rate(t.rates.approval)],
    ["Override rate", rate(t.rates.override)],
    ["Time to decide (p50)", seconds(t.timeToDecide.p50Seconds)],
    ["Time to decide (p90)", seconds(t.timeToDecide.p90Seconds)],
    ...(claim
      ? ([
          ["Time to claim (p50)", seconds(claim.p50Seconds)],
          ["Time to claim (p90)", seconds(claim.p90Seconds)],
        ] as [string, string][])
      : []),
    ["Expiries", String(t.expiries)],
    ...extraRateKeys(report).map((key): [string, string] => [
      sentence(`${label(key)} rate`),
      rate(rates(t)[key]),
    ]),
    ...(incidents === undefined ? [] : ([["Incidents", String(incidents)]] as [string, string][])),
    ...(rollbacks === undefined ? [] : ([["Rollbacks", String(rollbacks)]] as [string, string][])),
    ...(calibration && calibration.ece !== null
      ? ([["Calibration error (ECE)", `${score(calibration.eceRaw)} → ${score(calibration.ece)}`]] as [
          string,
          string,
        ][])
      : []),
  ];
  return (
    <dl className="stats" aria-label="Totals of the window">
      {figures.map(([name, value]) => (
        <div key={name}>
          <dt>{name}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Rates over time: decisions (approval, edit, rejection, override) and routing (automation, escalation, …). */
export function RateCharts({ report }: { report: MetricsReport }) {
  const times = report.series.map((p) => p.at);
  const series = (keys: readonly string[]): Series[] =>
    keys.map((key) => ({
      key,
      label: label(key),
      values: report.series.map((p) => rates(p)[key] ?? null),
      ...(COLOURS[key] ? { colour: COLOURS[key] } : {}),
    }));
  return (
    <div className="chart-grid">
      <TimeSeriesChart
        title="Decision rates"
        times={times}
        bucket={report.bucket}
        series={series(DECISION_RATES)}
        format={rate}
        max={1}
      />
      <TimeSeriesChart
        title="Routing and expiry rates"
        times={times}
        bucket={report.bucket}
        series={series(ROUTING_RATES)}
        format={rate}
        max={1}
      />
      {extraRateKeys(report).length > 0 ? (
        <TimeSeriesChart
          title="Quality after approval"
          times={times}
          bucket={report.bucket}
          series={series(extraRateKeys(report))}
          format={rate}
        />
      ) : null}
    </div>
  );
}

/** Route mix and volume (proposals by route) and decisions by verdict, per bucket. */
export function VolumeCharts({ report }: { report: MetricsReport }) {
  const times = report.series.map((p) => p.at);
  const routes = ROUTES.filter((r) => (report.totals.routes[r] ?? 0) > 0 || r === "auto" || r === "review");
  const verdicts = VERDICTS.filter((v) => (report.totals.decisions[v] ?? 0) > 0 || v === "approve");
  return (
    <div className="chart-grid">
      <StackedBarChart
        title="Route mix and volume"
        times={times}
        bucket={report.bucket}
        stacks={routes.map((r) => ({
          key: r,
          label: label(r),
          colour: COLOURS[r] ?? MEANING.quiet,
          values: report.series.map((p) => p.routes[r] ?? 0),
        }))}
      />
      <StackedBarChart
        title="Decisions by verdict"
        times={times}
        bucket={report.bucket}
        stacks={verdicts.map((v) => ({
          key: v,
          label: label(v),
          colour: COLOURS[v] ?? MEANING.quiet,
          values: report.series.map((p) => p.decisions[v] ?? 0),
        }))}
      />
    </div>
  );
}

/**
 * Time to decide and, when the server reports it, time to claim: p50 and p90 per bucket, one chart each
 * so that each keeps its own scale (claims take seconds where decisions take minutes).
 */
export function TimingCharts({ report }: { report: MetricsReport }) {
  const times = report.series.map((p) => p.at);
  const claim = (p: MetricsPoint) => extras(p).timeToClaim;
  const hasClaim = extras(report.totals).timeToClaim !== undefined;
  const percentiles = (
    of: (p: MetricsPoint) => { p50Seconds: number | null; p90Seconds: number | null } | undefined,
  ): Series[] => [
    {
      key: "p50",
      label: "p50",
      values: report.series.map((p) => of(p)?.p50Seconds ?? null),
      colour: MEANING.neutral,
    },
    {
      key: "p90",
      label: "p90",
      values: report.series.map((p) => of(p)?.p90Seconds ?? null),
      colour: MEANING.caution,
    },
  ];
  return (
    <div className="chart-grid">
      <TimeSeriesChart
        title="Time to decide"
        times={times}
        bucket={report.bucket}
        series={percentiles((p) => p.timeToDecide)}
        format={seconds}
      />
      {hasClaim ? (
        <TimeSeriesChart
          title="Time to claim"
          times={times}
          bucket={report.bucket}
          series={percentiles(claim)}
          format={seconds}
        />
      ) : null}
    </div>
  );
}

/** Reason categories of rejections and edits in the window, most frequent first (when the server counts them). */
export function CorrectionCategories({ report }: { report: MetricsReport }) {
  const categories = extras(report.totals).categories;
  if (categories === undefined) return null;
  const rows = Object.entries(categories).sort(([, a], [, b]) => b - a);
  if (rows.length === 0) return <p className="muted">No rejection or edit gave a reason category.</p>;
  const most = Math.max(1, ...rows.map(([, n]) => n));
  return (
    <table aria-label="Correction categories" className="compact">
      <thead>
        <tr>
          <th scope="col">Category</th>
          <th scope="col">Decisions</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([name, n]) => (
          <tr key={name}>
            <th scope="row">{label(name)}</th>
            <td>
              <span className="depth">
                <svg width="120" height="10" aria-hidden="true">
                  <rect x="0" y="1" height="8" width={(120 * n) / most} className="depth-bar" />
                </svg>
                {n}
              </span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
