/** Where a counter is kept: its hour and the dimensions it is sliced by. */
export interface RollupDimensions {
  bucket: string;
  actionType: string;
  agentId: string;
  /** '' when none applies (an auto-routed proposal has no queue). */
  queue: string;
  /** '' except on decisions and claims. */
  reviewerId: string;
}

/** One counter to add to: its dimensions, the counter's name and the amount. */
export interface RollupIncrement extends RollupDimensions {
  metric: string;
  value: number;
}

/**
 * The dimensions of an event of `source` (a review, a row) at `bucket`.
 *
 * @example
 * ```ts
 * dimensionsAt(review, hourBucket(decision.at), decision.byId);
 * ```
 */
export function dimensionsAt(
  source: { actionType: string; agentId: string; queue: string },
  bucket: string,
  reviewerId: string,
): RollupDimensions {
  return { bucket, actionType: source.actionType, agentId: source.agentId, queue: source.queue, reviewerId };
}

/**
 * One counter of `dimensions`, written field by field. Not `{ ...dimensions, metric, value }`: in V8
 * an object spread followed by properties the source lacks makes the copies outlive young-generation
 * collections (a plain loop of such copies promoted ~2 MB a scavenge against ~0.1 MB written out),
 * and every commit makes a few counters per change on the writer thread, whose old generation then
 * filled and was collected every ~2 s (docs/benchmarks.md).
 *
 * @example
 * ```ts
 * increment(dimensionsAt(review, bucket, ""), "expiries"); // { bucket, …, metric: "expiries", value: 1 }
 * ```
 */
export function increment(dimensions: RollupDimensions, metric: string, value = 1): RollupIncrement {
  return {
    bucket: dimensions.bucket,
    actionType: dimensions.actionType,
    agentId: dimensions.agentId,
    queue: dimensions.queue,
    reviewerId: dimensions.reviewerId,
    metric,
    value,
  };
}
