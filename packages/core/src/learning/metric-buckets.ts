/**
 * The names of the rollup counters a commit adds to: the hour a moment falls in and the histogram
 * bucket of a duration. Kept apart from the metrics report (and free of imports) because the
 * embedded store's writer thread computes them inside every transaction and loads only this (see
 * `@loopgate/core/commit`).
 */

/**
 * Upper bounds (seconds) of the time-to-decide histogram: 1 min, 5 min, 15 min, 1 h, 4 h, 1 day, 3 days,
 * then everything longer. Review SLAs run from minutes to days; these edges resolve both ends.
 */
export const DECIDE_BUCKET_BOUNDS: readonly number[] = Object.freeze([
  60, 300, 900, 3600, 14_400, 86_400, 259_200,
]);

/** The rollup counter a time to decide of `seconds` falls in: `decide.le.<bound>` or `decide.le.inf`. */
export function decideBucketMetric(seconds: number): string {
  return histogramBucketMetric("decide", seconds);
}

/**
 * The rollup counter of a duration histogram (`decide`, `claim`) that `seconds` falls in:
 * `<prefix>.le.<bound>` or `<prefix>.le.inf`, with the bounds of {@link DECIDE_BUCKET_BOUNDS}.
 */
export function histogramBucketMetric(prefix: string, seconds: number): string {
  const bound = DECIDE_BUCKET_BOUNDS.find((b) => seconds <= b);
  return `${prefix}.le.${bound ?? "inf"}`;
}

/** The start of the hour `time` falls in, as stored in rollups (`2026-11-30T13:00:00.000Z`). */
export function hourBucket(time: string | Date): string {
  const date = new Date(time);
  if (Number.isNaN(date.getTime())) throw new RangeError(`not a timestamp: ${JSON.stringify(time)}`);
  date.setUTCMinutes(0, 0, 0);
  return date.toISOString();
}
