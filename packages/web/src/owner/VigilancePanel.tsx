import type { VigilanceReport } from "../api/types.ts";
import { BandChart } from "../charts/BandChart.tsx";
import { when } from "../ui/format.ts";
import { label, rate, seconds } from "./figures.ts";

const ms = (value: number | null) => (value === null ? "—" : seconds(value / 1000));

/**
 * Reviewer vigilance (`GET /v1/vigilance`, SPEC §5): each reviewer's override rate against the healthy
 * band, dwell against packet length, approvals without opening the evidence, approval streaks, canary
 * catch rates and, for blind reviews, how often the first judgement changed.
 */
export function VigilancePanel({ report }: { report: VigilanceReport }) {
  if (report.items.length === 0) {
    return <p className="muted">No reviewer decided anything in this window.</p>;
  }
  return (
    <>
      <BandChart
        title="Override rate per reviewer"
        band={{ from: report.band.low, to: report.band.high }}
        format={rate}
        bars={report.items.map((r) => ({
          label: r.reviewer.name,
          value: r.decisions === 0 ? null : r.overrideRate,
          band: r.decisions === 0 ? null : r.band,
        }))}
      />
      <table aria-label="Reviewer vigilance">
        <thead>
          <tr>
            <th scope="col">Reviewer</th>
            <th scope="col">Decisions</th>
            <th scope="col">Override rate</th>
            <th scope="col">Dwell (p50)</th>
            <th scope="col">Dwell per 1,000 chars</th>
            <th scope="col">Approvals without evidence</th>
            <th scope="col">Approval streak (longest / now)</th>
            <th scope="col">Canaries caught</th>
            <th scope="col">Changed mind (blind)</th>
          </tr>
        </thead>
        <tbody>
          {report.items.map((r) => (
            <tr key={r.reviewer.id}>
              <th scope="row">{r.reviewer.name}</th>
              <td>{r.decisions}</td>
              <td className={r.band === "healthy" ? undefined : "warning"}>
                {rate(r.overrideRate)} <span className="muted">({r.band})</span>
              </td>
              <td>
                {ms(r.dwell.p50Ms)}
                <span className="muted"> ({r.dwell.measured} measured)</span>
              </td>
              <td>{ms(r.dwell.p50MsPerKChar)}</td>
              <td className={r.approvalsWithoutEvidence > 0 ? "warning" : undefined}>
                {r.approvalsWithoutEvidence} of {r.approvals}
              </td>
              <td>
                {r.streak.longest} / {r.streak.current}
              </td>
              <td>
                {r.canaries.seen === 0
                  ? "none seen"
                  : `${r.canaries.caught} of ${r.canaries.seen} (${rate(r.canaries.catchRate)})`}
              </td>
              <td>{r.blind.judged === 0 ? "—" : `${r.blind.changedMind} of ${r.blind.judged}`}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {report.canaries.length > 0 ? (
        <details>
          <summary>Canaries decided in the window ({report.canaries.length})</summary>
          <table aria-label="Canaries decided">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Canary</th>
                <th scope="col">Reviewer</th>
                <th scope="col">Verdict</th>
                <th scope="col">Caught</th>
              </tr>
            </thead>
            <tbody>
              {report.canaries.map((c) => (
                <tr key={c.proposalId}>
                  <td>{when(c.at)}</td>
                  <td>{c.name}</td>
                  <td>{c.reviewer.name}</td>
                  <td>{label(c.verdict)}</td>
                  <td className={c.caught ? "ok-text" : "error-text"}>{c.caught ? "caught" : "missed"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ) : null}
    </>
  );
}
