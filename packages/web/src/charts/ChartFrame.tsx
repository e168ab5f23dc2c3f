import { type ReactNode, useId, useState } from "react";

/**
 * A titled chart with its text alternative: a button switches between the SVG chart and a table of
 * the same numbers, so every value a chart draws can be read (and tested) as text.
 *
 * The charts are plain SVG components rather than a charting library: the app needs four simple kinds
 * (lines over time, stacked bars, a reliability diagram, a bar with a band), they stay a few hundred
 * lines, add nothing to the bundle, draw with presentation attributes only (the app's CSP forbids inline
 * styles from markup) and leave accessibility in our hands.
 */
export function ChartFrame({
  title,
  summary,
  legend,
  chart,
  table,
}: {
  title: string;
  /** One sentence saying what the chart shows, read out for the SVG. */
  summary: string;
  legend?: ReactNode;
  chart: ReactNode;
  table: ReactNode;
}) {
  const [asTable, setAsTable] = useState(false);
  const id = useId();
  return (
    <figure className="chart" aria-labelledby={id}>
      <figcaption className="chart-head">
        <span id={id} className="chart-title">
          {title}
        </span>
        <button
          type="button"
          className="link"
          aria-pressed={asTable}
          aria-label={`${title}: show as table`}
          onClick={() => setAsTable(!asTable)}
        >
          {asTable ? "Chart" : "Table"}
        </button>
      </figcaption>
      {asTable ? (
        <div className="chart-table">{table}</div>
      ) : (
        <>
          <div role="img" aria-label={`${title}: ${summary}`} className="chart-body">
            {chart}
          </div>
          {legend}
        </>
      )}
    </figure>
  );
}

/** A legend: a coloured mark and a name per series. */
export function Legend({ items }: { items: { label: string; colour: string; dashed?: boolean }[] }) {
  return (
    <ul className="legend">
      {items.map((item) => (
        <li key={item.label}>
          <svg width="18" height="10" aria-hidden="true">
            <line
              x1="1"
              y1="5"
              x2="17"
              y2="5"
              stroke={item.colour}
              strokeWidth="3"
              strokeDasharray={item.dashed ? "4 3" : undefined}
            />
          </svg>
          {item.label}
        </li>
      ))}
    </ul>
  );
}
