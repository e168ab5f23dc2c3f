import type { BlindReviewState, CompiledPolicy, Proposal } from "@loopgate/core";
import type { ReviewRow } from "../store/store.ts";
import type { ReviewActivityRow } from "../store/vigilance-rows.ts";
import type { AppDeps } from "./deps.ts";

/**
 * Blind review (`queues.<name>.blindReview: true`, SPEC §5): a reviewer does not see the agent's
 * recommendation — its confidence and the route reasons that speak of confidence or thresholds — until
 * they have recorded a first judgement of their own. The API withholds; the browser only follows.
 */

/** The fields withheld until the first judgement. */
export const WITHHELD_FIELDS: readonly string[] = Object.freeze([
  "confidence",
  "signals.agentConfidence",
  "route.reasons (those about confidence or thresholds)",
]);

const RECOMMENDATION = /\b(confidence|agentConfidence|thresholds)\b/;
const WITHHELD_REASON = "Withheld until you record your first judgement (blind review)";

/** Whether the review's queue reviews blind, by the policy version that routed the review. */
export async function isBlindReview(deps: AppDeps, review: Pick<ReviewRow, "queue" | "policyVersion">) {
  const policy = await deps.policies.version(review.policyVersion);
  return blindQueue(policy, review.queue);
}

function blindQueue(policy: CompiledPolicy, queue: string): boolean {
  return policy.document.queues[queue]?.blindReview === true;
}

/**
 * The proposal as a person sees it on a blind review: without the recommendation until they judged,
 * with the whole of it after, and in both cases a `blindReview` block saying where they stand.
 */
export async function blindView(
  deps: AppDeps,
  view: Proposal,
  review: ReviewRow,
  activity: ReviewActivityRow | null,
): Promise<Proposal> {
  const policy = await deps.policies.version(review.policyVersion);
  if (!blindQueue(policy, review.queue)) return view;
  const judgement = activity?.judgement ?? null;
  const state: BlindReviewState = {
    reviewId: review.id,
    judgementRequired: judgement === null,
    withheld: judgement === null ? [...WITHHELD_FIELDS] : [],
    judgement,
  };
  if (judgement !== null) return { ...view, blindReview: state };
  const revealing = new Set(
    policy.rules.filter((rule) => RECOMMENDATION.test(rule.when)).map((rule) => rule.id),
  );
  return {
    ...view,
    confidence: { calibrated: null, raw: null, calibration: null },
    signals: { ...view.signals, agentConfidence: null },
    route: {
      ...view.route,
      reasons: view.route.reasons.map((reason) =>
        revealing.has(reason.rule) || /confiden|threshold/i.test(reason.message)
          ? { rule: "withheld", route: view.route.verdict, message: WITHHELD_REASON }
          : reason,
      ),
    },
    blindReview: state,
  };
}
