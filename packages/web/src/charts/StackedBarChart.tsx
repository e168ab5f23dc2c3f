import { ChartFrame, Legend } from "./ChartFrame.tsx";
import { bucketLabel, colour, linear, ticks } from "./scale.ts";
import { type Bucket, BucketTable, TIME_CHART, YGrid } from "./time-axes.tsx";

/** One layer of a {@link StackedBarChart}: a count per bucket. */
export interface Stack {
  key: string;
  label: string;
  values: number[];
  /** A colour that means something (e.g. red for blocked); by default the palette's next. */
  colour?: string;
}

const { W, H, PAD, MAX_LABELS } = TIME_CHART;

/** Counts over time, one bar per bucket split by kind (the route mix), with a table of the counts. */
export function StackedBarChart({
  title,
  times,
  bucket,
  stacks,
}: {
  title: string;
  times: string[];
  bucket: Bucket;
  stacks: Stack[];
}) {
  const totals = times.map((_, i) => stacks.reduce((n, s) => n + (s.values[i] ?? 0), 0));
  const yTicks = ticks(Math.max(1, ...totals));
  const yMax = yTicks[yTicks.length - 1] ?? 1;
  const y = linear(0, yMax, H - PAD.bottom, PAD.top);
  const slot = (W - PAD.left - PAD.right) / Math.max(1, times.length);
  const barWidth = Math.max(2, slot * 0.7);
  const every = Math.max(1, Math.ceil(times.length / MAX_LABELS));
  const sum = totals.reduce((n, v) => n + v, 0);
  const summary = `${sum} in all: ${stacks
    .map((s) => `${s.label} ${s.values.reduce((n, v) => n + v, 0)}`)
    .join(", ")}`;

  const chart = (
    <svg viewBox={`0 0 ${W} ${H}`} className="chart-svg" aria-hidden="true">
      <YGrid ticks={yTicks} y={y} left={PAD.left} right={W - PAD.right} format={String} />
      {times.map((t, i) => {
        const left = PAD.left + i * slot + (slot - barWidth) / 2;
        let base = 0;
        return (
          <g key={t}>
            {stacks.map((s, index) => {
              const v = s.values[i] ?? 0;
              if (v === 0) return null;
              const rect = (
                <rect
                  key={s.key}
                  x={left}
                  width={barWidth}
                  y={y(base + v)}
                  height={y(base) - y(base + v)}
                  fill={s.colour ?? colour(index)}
                >
                  <title>{`${bucketLabel(t, bucket)}: ${s.label} ${v}`}</title>
                </rect>
              );
              base += v;
              return rect;
            })}
            {i % every === 0 ? (
              <text x={left + barWidth / 2} y={H - 8} textAnchor="middle" className="tick">
                {bucketLabel(t, bucket)}
              </text>
            ) : null}
          </g>
        );
      })}
    </svg>
  );

  const table = (
    <BucketTable
      title={title}
      bucket={bucket}
      times={times}
      columns={[
        ...stacks.map((s) => ({ key: s.key, label: s.label, cell: (i: number) => s.values[i] ?? 0 })),
        { key: "total", label: "Total", cell: (i: number) => totals[i] },
      ]}
    />
  );

  return (
    <ChartFrame
      title={title}
      summary={summary}
      chart={chart}
      table={table}
      legend={<Legend items={stacks.map((s, i) => ({ label: s.label, colour: s.colour ?? colour(i) }))} />}
    />
  );
}
