import type { ReplayActionReport, ReplayReport, ReplayRoute } from "../api/types.ts";
import { when } from "../ui/format.ts";
import { label, rate } from "./figures.ts";

const ORDER: ReplayRoute[] = ["auto", "review", "escalate", "needs_info", "block", "held"];
const byOrder = (a: ReplayRoute, b: ReplayRoute) => ORDER.indexOf(a) - ORDER.indexOf(b);

/** The from → to matrix of one action type's route changes; the diagonal (unchanged) is counted apart. */
function RouteMatrix({ report, name }: { report: ReplayActionReport; name: string }) {
  if (report.routeChanges.length === 0) {
    return <p className="muted">No route changes: all {report.proposals} proposals route as recorded.</p>;
  }
  const froms = [...new Set(report.routeChanges.map((c) => c.from))].sort(byOrder);
  const tos = [...new Set(report.routeChanges.map((c) => c.to))].sort(byOrder);
  const cell = (from: ReplayRoute, to: ReplayRoute) =>
    report.routeChanges.find((c) => c.from === from && c.to === to)?.count ?? 0;
  return (
    <table className="compact route-matrix" aria-label={`Route changes of ${name}`}>
      <thead>
        <tr>
          <th scope="col">recorded ↓ · candidate →</th>
          {tos.map((to) => (
            <th scope="col" key={to}>
              {label(to)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {froms.map((from) => (
          <tr key={from}>
            <th scope="row">{label(from)}</th>
            {tos.map((to) => {
              const n = cell(from, to);
              return (
                <td key={to} className={n === 0 ? "muted" : to === "auto" ? "moved auto" : "moved"}>
                  {from === to ? "—" : n}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Automation before/after and the estimated error among newly automated proposals, as figures. */
function Figures({ report }: { report: ReplayActionReport }) {
  const n = report.newlyAutomated;
  const figures: [string, string][] = [
    ["Proposals replayed", String(report.proposals)],
    ["Unchanged", String(report.unchanged)],
    ["Automation rate", `${rate(report.automationRate.before)} → ${rate(report.automationRate.after)}`],
    ["Newly automated", String(n.count)],
    [
      "Estimated error among them",
      n.estimatedErrorRate === null
        ? "unknown (none reviewed)"
        : `${rate(n.estimatedErrorRate)} (≤ ${rate(n.errorUpperBound)} at 95%)`,
    ],
    ["Evidence", `${n.reviewed} reviewed, ${n.unknownOutcome} never decided`],
    ["No longer automated", String(report.noLongerAutomated)],
  ];
  return (
    <dl className="stats">
      {figures.map(([name, value]) => (
        <div key={name}>
          <dt>{name}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The replay report: totals, then per action type the figures and the route-change matrix. */
export function ReplayReportView({ report }: { report: ReplayReport }) {
  return (
    <section aria-labelledby="replay-result" className="replay-result">
      <h2 id="replay-result">Replay of {report.proposals} stored proposals</h2>
      <p className="meta">
        {report.policyVersion === null
          ? `Candidate policy ${report.policyHash.slice(0, 12)}… (not loaded)`
          : `Policy version ${report.policyVersion}`}
        {report.since ? ` · since ${when(report.since)}` : " · all history"}
        {Object.keys(report.thresholds).length > 0
          ? ` · thresholds ${Object.entries(report.thresholds)
              .map(([type, t]) => `${type} ${t}`)
              .join(", ")}`
          : ""}
      </p>
      <article className="panel" aria-label="All action types">
        <h3>All action types</h3>
        <Figures report={report.totals} />
        <RouteMatrix report={report.totals} name="all action types" />
      </article>
      <div className="pair-grid">
        {report.actionTypes.map((item) => (
          <article key={item.actionType} className="panel pair" aria-label={item.actionType}>
            <h3>
              {item.actionType}
              {item.declared ? null : <span className="warning"> · not declared: blocked</span>}
            </h3>
            <Figures report={item} />
            <RouteMatrix report={item} name={item.actionType} />
          </article>
        ))}
      </div>
    </section>
  );
}
