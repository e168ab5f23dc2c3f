import type { ReactNode } from "react";
import { bucketLabel } from "./scale.ts";

/** The size of a bucket in the charts over time. */
export type Bucket = "hour" | "day";

/** The frame of the charts over time: the SVG's view box, its margins, how many bucket labels fit. */
export const TIME_CHART = {
  W: 640,
  H: 220,
  PAD: { left: 44, right: 24, top: 10, bottom: 26 },
  MAX_LABELS: 8,
} as const;

/** Horizontal grid lines with their values on the left: the value axis of the charts over time. */
export function YGrid({
  ticks,
  y,
  left,
  right,
  format,
}: {
  ticks: number[];
  y: (value: number) => number;
  left: number;
  right: number;
  format: (value: number) => string;
}) {
  return (
    <>
      {ticks.map((t) => (
        <g key={t}>
          <line x1={left} x2={right} y1={y(t)} y2={y(t)} className="grid" />
          <text x={left - 6} y={y(t) + 4} textAnchor="end" className="tick">
            {format(t)}
          </text>
        </g>
      ))}
    </>
  );
}

/** One column of a {@link BucketTable}: its heading and the cell of bucket `i`. */
export interface BucketColumn {
  key: string;
  label: string;
  cell: (i: number) => ReactNode;
}

/** The text alternative of a chart over time: a row per bucket, a column per series. */
export function BucketTable({
  title,
  bucket,
  times,
  columns,
}: {
  title: string;
  bucket: Bucket;
  times: string[];
  columns: BucketColumn[];
}) {
  return (
    <table aria-label={title}>
      <thead>
        <tr>
          <th scope="col">{bucket === "hour" ? "Hour" : "Day"}</th>
          {columns.map((c) => (
            <th scope="col" key={c.key}>
              {c.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {times.map((t, i) => (
          <tr key={t}>
            <th scope="row">{bucketLabel(t, bucket)}</th>
            {columns.map((c) => (
              <td key={c.key}>{c.cell(i)}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
