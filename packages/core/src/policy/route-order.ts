import type { RouteVerdict } from "../lifecycle/statuses.ts";

/**
 * Route verdicts from most to least restrictive. When several rules match, the first of their routes in
 * this order wins; a stage may move a verdict only towards `auto` for `review` and towards `review` for
 * `auto`, never past `needs_info`.
 */
export const ROUTE_ORDER: readonly RouteVerdict[] = Object.freeze([
  "block",
  "escalate",
  "needs_info",
  "review",
  "auto",
]);

/**
 * The more restrictive of two route verdicts.
 *
 * @example
 * ```ts
 * moreRestrictive("auto", "review"); // "review"
 * moreRestrictive("block", "escalate"); // "block"
 * ```
 */
export function moreRestrictive(a: RouteVerdict, b: RouteVerdict): RouteVerdict {
  return ROUTE_ORDER.indexOf(a) <= ROUTE_ORDER.indexOf(b) ? a : b;
}
