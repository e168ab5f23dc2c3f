import type { ReliabilityBin } from "../api/types.ts";
import { ChartFrame, Legend } from "./ChartFrame.tsx";
import { linear } from "./scale.ts";

const S = 280;
const PAD = { left: 40, right: 18, top: 10, bottom: 34 };
const RAW = "#b3261e";
const CALIBRATED = "#0a5bc4";
const AXIS = [0, 0.25, 0.5, 0.75, 1];

const pct = (v: number) => `${Math.round(v * 100)}%`;

/**
 * The reliability diagram (SPEC §5): per confidence bin, the mean predicted probability against the
 * share actually approved unchanged, for the agent's raw confidence and after calibration. A perfectly
 * calibrated agent sits on the diagonal.
 */
export function ReliabilityDiagram({
  title,
  raw,
  calibrated,
}: {
  title: string;
  raw: ReliabilityBin[];
  calibrated: ReliabilityBin[];
}) {
  const x = linear(0, 1, PAD.left, S - PAD.right);
  const y = linear(0, 1, S - PAD.bottom, PAD.top);
  const filled = (bins: ReliabilityBin[]) =>
    bins.filter(
      (b): b is ReliabilityBin & { meanConfidence: number; observed: number } =>
        b.n > 0 && b.meanConfidence !== null && b.observed !== null,
    );
  const rawPoints = filled(raw);
  const calibratedPoints = filled(calibrated);
  const path = (points: { meanConfidence: number; observed: number }[]) =>
    points.map((p, i) => `${i === 0 ? "M" : "L"}${x(p.meanConfidence)},${y(p.observed)}`).join("");
  const gap = (points: typeof rawPoints) =>
    points.length === 0
      ? "no data"
      : `largest gap ${pct(Math.max(...points.map((p) => Math.abs(p.meanConfidence - p.observed))))}`;

  const chart = (
    <svg viewBox={`0 0 ${S} ${S}`} className="chart-svg reliability" aria-hidden="true">
      {AXIS.map((t) => (
        <g key={t}>
          <line x1={x(0)} x2={x(1)} y1={y(t)} y2={y(t)} className="grid" />
          <text x={PAD.left - 5} y={y(t) + 4} textAnchor="end" className="tick">
            {pct(t)}
          </text>
          <text x={x(t)} y={S - PAD.bottom + 14} textAnchor="middle" className="tick">
            {pct(t)}
          </text>
        </g>
      ))}
      <text x={(x(0) + x(1)) / 2} y={S - 4} textAnchor="middle" className="tick">
        predicted confidence
      </text>
      <line x1={x(0)} y1={y(0)} x2={x(1)} y2={y(1)} className="diagonal" />
      <path d={path(rawPoints)} fill="none" stroke={RAW} strokeWidth="2" strokeDasharray="5 4" />
      <path d={path(calibratedPoints)} fill="none" stroke={CALIBRATED} strokeWidth="2" />
      {rawPoints.map((p) => (
        <circle key={`r${p.from}`} cx={x(p.meanConfidence)} cy={y(p.observed)} r="3" fill={RAW}>
          <title>{`raw ${pct(p.meanConfidence)} → approved ${pct(p.observed)} (${p.n})`}</title>
        </circle>
      ))}
      {calibratedPoints.map((p) => (
        <circle key={`c${p.from}`} cx={x(p.meanConfidence)} cy={y(p.observed)} r="3" fill={CALIBRATED}>
          <title>{`calibrated ${pct(p.meanConfidence)} → approved ${pct(p.observed)} (${p.n})`}</title>
        </circle>
      ))}
    </svg>
  );

  const rows = raw.map((bin, i) => ({ raw: bin, calibrated: calibrated[i] }));
  const cell = (v: number | null | undefined) => (v === null || v === undefined ? "—" : pct(v));
  const table = (
    <table aria-label={title}>
      <thead>
        <tr>
          <th scope="col">Bin</th>
          <th scope="col">Raw: n</th>
          <th scope="col">Raw: predicted</th>
          <th scope="col">Raw: approved</th>
          <th scope="col">Calibrated: n</th>
          <th scope="col">Calibrated: predicted</th>
          <th scope="col">Calibrated: approved</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.raw.from}>
            <th scope="row">
              {pct(row.raw.from)}–{pct(row.raw.to)}
            </th>
            <td>{row.raw.n}</td>
            <td>{cell(row.raw.meanConfidence)}</td>
            <td>{cell(row.raw.observed)}</td>
            <td>{row.calibrated?.n ?? "—"}</td>
            <td>{cell(row.calibrated?.meanConfidence)}</td>
            <td>{cell(row.calibrated?.observed)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );

  return (
    <ChartFrame
      title={title}
      summary={`observed approval against predicted confidence; raw: ${gap(rawPoints)}; calibrated: ${gap(calibratedPoints)}`}
      chart={chart}
      table={table}
      legend={
        <Legend
          items={[
            { label: "raw confidence", colour: RAW, dashed: true },
            { label: "calibrated", colour: CALIBRATED },
            { label: "perfect calibration", colour: "#8c959f", dashed: true },
          ]}
        />
      }
    />
  );
}
