import { ChartFrame } from "./ChartFrame.tsx";
import { linear } from "./scale.ts";

/** One bar of a {@link BandChart}. */
export interface BandBar {
  label: string;
  value: number | null;
  /** Where the value falls against the band, as the API judged it. */
  band: "below" | "healthy" | "above" | null;
}

const W = 640;
const ROW = 26;
const PAD = { left: 130, right: 50, top: 8, bottom: 24 };
const COLOURS = { below: "#9a6700", healthy: "#116329", above: "#b3261e" } as const;

/**
 * Horizontal bars with a shaded healthy band, e.g. each reviewer's override rate against 5–20%: below
 * the band suggests rubber-stamping, above it a problem with the agent or the reviewer.
 */
export function BandChart({
  title,
  bars,
  band,
  format,
}: {
  title: string;
  bars: BandBar[];
  band: { from: number; to: number };
  /** How a value is printed, e.g. as a percentage. */
  format: (value: number) => string;
}) {
  const top = Math.max(band.to * 2, ...bars.map((b) => b.value ?? 0));
  const max = Math.min(1, Math.ceil(top * 10) / 10);
  const x = linear(0, max, PAD.left, W - PAD.right);
  const H = PAD.top + PAD.bottom + ROW * Math.max(1, bars.length);
  const axis = [0, band.from, band.to, max];

  const chart = (
    <svg viewBox={`0 0 ${W} ${H}`} className="chart-svg bands" aria-hidden="true">
      <rect
        x={x(band.from)}
        width={x(band.to) - x(band.from)}
        y={PAD.top}
        height={H - PAD.top - PAD.bottom}
        className="band"
      />
      {axis.map((t) => (
        <text key={t} x={x(t)} y={H - 8} textAnchor="middle" className="tick">
          {format(t)}
        </text>
      ))}
      {bars.map((bar, i) => {
        const top = PAD.top + i * ROW + 4;
        return (
          <g key={bar.label}>
            <text x={PAD.left - 8} y={top + 13} textAnchor="end" className="tick label">
              {bar.label}
            </text>
            {bar.value === null ? (
              <text x={PAD.left + 4} y={top + 13} className="tick">
                no decisions
              </text>
            ) : (
              <>
                <rect
                  x={PAD.left}
                  y={top}
                  height={ROW - 10}
                  width={Math.max(1, x(bar.value) - PAD.left)}
                  fill={bar.band ? COLOURS[bar.band] : "#57606a"}
                />
                <text x={x(bar.value) + 5} y={top + 13} className="tick">
                  {format(bar.value)}
                </text>
              </>
            )}
          </g>
        );
      })}
    </svg>
  );

  const table = (
    <table aria-label={title}>
      <thead>
        <tr>
          <th scope="col">Who</th>
          <th scope="col">Value</th>
          <th scope="col">
            Against {format(band.from)}–{format(band.to)}
          </th>
        </tr>
      </thead>
      <tbody>
        {bars.map((bar) => (
          <tr key={bar.label}>
            <th scope="row">{bar.label}</th>
            <td>{bar.value === null ? "—" : format(bar.value)}</td>
            <td>{bar.band ?? "—"}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );

  const outside = bars.filter((b) => b.band !== null && b.band !== "healthy").map((b) => b.label);
  return (
    <ChartFrame
      title={title}
      summary={`healthy band ${format(band.from)} to ${format(band.to)}; ${
        outside.length === 0 ? "everyone inside it" : `outside it: ${outside.join(", ")}`
      }`}
      chart={chart}
      table={table}
    />
  );
}
