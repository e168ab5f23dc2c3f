/**
 * Isotonic regression by pool-adjacent-violators: the non-decreasing step function closest (in squared
 * error) to the labels. Used on top of the logistic map when held-out error says the logistic curve's
 * shape is wrong; being monotone, it keeps calibrated confidence rising with the agent's confidence.
 */

/** A fitted isotonic curve: knots at the blocks' mean scores, linear in between, flat outside. */
export interface IsotonicCurve {
  /** Strictly increasing knot positions (the mean score of each pooled block). */
  x: number[];
  /** Non-decreasing fitted values at the knots. */
  y: number[];
}

/**
 * Fits the curve to `(score, label)` pairs. Equal scores are pooled first so they get one value.
 *
 * @example
 * ```ts
 * const curve = fitIsotonic([0.1, 0.2, 0.3, 0.4], [0, 1, 0, 1]);
 * curve.y; // [0, 0.5, 1]
 * ```
 */
export function fitIsotonic(scores: readonly number[], labels: readonly number[]): IsotonicCurve {
  if (scores.length !== labels.length) throw new RangeError("need one label per score");
  const order = scores.map((_, i) => i).sort((a, b) => scores[a]! - scores[b]! || a - b);
  // Blocks as parallel arrays: total weight, weighted score sum, weighted label sum.
  const weight: number[] = [];
  const scoreSum: number[] = [];
  const labelSum: number[] = [];
  let k = 0;
  while (k < order.length) {
    // All examples with this score enter as one point, so ties can never be split between blocks.
    const score = scores[order[k]!]!;
    let count = 0;
    let labelTotal = 0;
    for (; k < order.length && scores[order[k]!] === score; k++) {
      count += 1;
      labelTotal += labels[order[k]!]!;
    }
    weight.push(count);
    scoreSum.push(score * count);
    labelSum.push(labelTotal);
    // Pool while the newest block's mean label is below its predecessor's.
    while (weight.length > 1) {
      const b = weight.length - 1;
      if (labelSum[b - 1]! / weight[b - 1]! <= labelSum[b]! / weight[b]!) break;
      weight[b - 1]! += weight[b]!;
      scoreSum[b - 1]! += scoreSum[b]!;
      labelSum[b - 1]! += labelSum[b]!;
      weight.pop();
      scoreSum.pop();
      labelSum.pop();
    }
  }
  return {
    x: weight.map((w, b) => scoreSum[b]! / w),
    y: weight.map((w, b) => labelSum[b]! / w),
  };
}

/** The curve's value at `score` (linear between knots, the end value outside them). */
export function isotonicValue(curve: IsotonicCurve, score: number): number {
  const { x, y } = curve;
  if (x.length === 0) return score;
  if (score <= x[0]!) return y[0]!;
  if (score >= x[x.length - 1]!) return y[y.length - 1]!;
  let lo = 0;
  let hi = x.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x[mid]! <= score) lo = mid;
    else hi = mid;
  }
  const t = (score - x[lo]!) / (x[hi]! - x[lo]!);
  return y[lo]! + t * (y[hi]! - y[lo]!);
}
