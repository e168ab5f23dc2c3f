/** Small scale helpers for the app's SVG charts (no charting library: see `ChartFrame`). */

/** A linear map from `[d0, d1]` to `[r0, r1]`. */
export function linear(d0: number, d1: number, r0: number, r1: number): (value: number) => number {
  const span = d1 - d0 || 1;
  return (value) => r0 + ((value - d0) / span) * (r1 - r0);
}

/** About `count` round tick values from 0 to at least `max` (1, 2 or 5 times a power of ten apart). */
export function ticks(max: number, count = 4): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = 0; v <= max + step * 0.999; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** The chart colours: distinguishable, AA on white, and each series also named in the legend and table. */
export const PALETTE = [
  "#0a5bc4",
  "#b3261e",
  "#116329",
  "#9a6700",
  "#8250df",
  "#1b7c83",
  "#bf3989",
  "#57606a",
] as const;

/** Colours with a meaning, shared by the charts that show routes, verdicts and rates. */
export const MEANING = {
  good: "#116329",
  neutral: "#0a5bc4",
  caution: "#9a6700",
  bad: "#b3261e",
  other: "#8250df",
  quiet: "#57606a",
} as const;

/** The colour of series `index`. */
export function colour(index: number): string {
  return PALETTE[index % PALETTE.length] ?? "#57606a";
}

/** A bucket's start as a short label: "14:00" for hours, "30 Nov" for days. */
export function bucketLabel(iso: string, bucket: "hour" | "day"): string {
  const date = new Date(iso);
  return bucket === "hour"
    ? date.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
    : date.toLocaleDateString(undefined, { day: "numeric", month: "short" });
}
