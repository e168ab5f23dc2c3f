import { ChartFrame, Legend } from "./ChartFrame.tsx";
import { bucketLabel, colour, linear, ticks } from "./scale.ts";
import { type Bucket, BucketTable, TIME_CHART, YGrid } from "./time-axes.tsx";

/** One line of a {@link TimeSeriesChart}: a value per bucket, null where there is nothing to show. */
export interface Series {
  key: string;
  label: string;
  values: (number | null)[];
  /** A colour that means something (e.g. green for approvals); by default the palette's next. */
  colour?: string;
}

const { W, H, PAD, MAX_LABELS } = TIME_CHART;

/**
 * Lines over time (rates, durations), with the numbers as a table for the text alternative. Gaps where
 * a bucket has no value (a rate with nothing to divide by).
 */
export function TimeSeriesChart({
  title,
  times,
  bucket,
  series,
  format,
  max,
}: {
  title: string;
  times: string[];
  bucket: Bucket;
  series: Series[];
  format: (value: number) => string;
  /** The top of the value axis; by default the largest value. */
  max?: number;
}) {
  const top = max ?? Math.max(0, ...series.flatMap((s) => s.values.filter((v): v is number => v !== null)));
  const yTicks = ticks(top || 1);
  const yMax = yTicks[yTicks.length - 1] ?? 1;
  const x = linear(0, Math.max(1, times.length - 1), PAD.left, W - PAD.right);
  const y = linear(0, yMax, H - PAD.bottom, PAD.top);
  const every = Math.max(1, Math.ceil(times.length / MAX_LABELS));
  const shown = series.map((s) => ({ ...s, last: [...s.values].reverse().find((v) => v !== null) ?? null }));
  const summary = shown
    .map((s) => `${s.label} ${s.last === null ? "no data" : `latest ${format(s.last)}`}`)
    .join("; ");

  const chart = (
    <svg viewBox={`0 0 ${W} ${H}`} className="chart-svg" aria-hidden="true">
      <YGrid ticks={yTicks} y={y} left={PAD.left} right={W - PAD.right} format={format} />
      {times.map((t, i) =>
        i % every === 0 ? (
          <text key={t} x={x(i)} y={H - 8} textAnchor="middle" className="tick">
            {bucketLabel(t, bucket)}
          </text>
        ) : null,
      )}
      {series.map((s, index) => (
        <g key={s.key} stroke={s.colour ?? colour(index)} fill={s.colour ?? colour(index)}>
          <path d={linePath(s.values, x, y)} fill="none" strokeWidth="2" />
          {s.values.map((v, i) =>
            v === null ? null : (
              <circle key={times[i]} cx={x(i)} cy={y(v)} r="2.5">
                <title>{`${s.label}, ${bucketLabel(times[i] ?? "", bucket)}: ${format(v)}`}</title>
              </circle>
            ),
          )}
        </g>
      ))}
    </svg>
  );

  const table = (
    <BucketTable
      title={title}
      bucket={bucket}
      times={times}
      columns={series.map((s) => ({
        key: s.key,
        label: s.label,
        cell: (i: number) => {
          const v = s.values[i];
          return v === null || v === undefined ? "—" : format(v);
        },
      }))}
    />
  );

  return (
    <ChartFrame
      title={title}
      summary={summary}
      chart={chart}
      table={table}
      legend={<Legend items={series.map((s, i) => ({ label: s.label, colour: s.colour ?? colour(i) }))} />}
    />
  );
}

/** An SVG path through the non-null values, broken at nulls. */
function linePath(values: (number | null)[], x: (i: number) => number, y: (v: number) => number): string {
  let d = "";
  let pen = false;
  values.forEach((v, i) => {
    if (v === null) {
      pen = false;
      return;
    }
    d += `${pen ? "L" : "M"}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
    pen = true;
  });
  return d;
}
