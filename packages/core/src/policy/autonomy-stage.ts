import type { RouteVerdict } from "../lifecycle/statuses.ts";
import type { RouteReason } from "../wire/proposal.ts";
import type { ActionTypeSettings } from "./compiled-policy.ts";
import { isSampled } from "./sampling.ts";

/** What kind of human review a route opens: before execution, after it, or in the shadow of `observe`. */
export type ReviewKind = "review" | "post_review" | "shadow";

/** A route after the action type's autonomy stage and sampling have been applied. */
export interface StagedRoute {
  verdict: RouteVerdict;
  /** The review the route opens, or null when none (block, needs_info, unsampled auto). */
  reviewKind: ReviewKind | null;
  sampled: boolean;
  /** Reasons added by the stage or sampling, after the rules' own. */
  reasons: RouteReason[];
}

/**
 * Applies an action type's autonomy stage and sampling to the rules' verdict (SPEC §4, §5). A stage never
 * relaxes `block`, `escalate` or `needs_info`:
 *
 * - `observe`: nothing executes. `auto` and `review` become a shadow `review`; `escalate` stays, as a
 *   shadow review in the escalation queue; `block` and `needs_info` stay as they are.
 * - `review_all`: `auto` becomes `review`.
 * - `threshold`: the rules' verdict stands.
 * - `post_review` (reversible types only): `review` becomes `auto`, reviewed after it runs. On an
 *   irreversible type (which `loadPolicy` refuses) it is ignored, i.e. reviews stay before execution.
 * - `sample_only`: `review` becomes `auto`, except the sampled share, which stays `review`.
 *
 * Then, in `threshold`, `post_review` and `sample_only`, the sampled share of `auto` verdicts keeps running
 * unattended and also gets a review afterwards (`sampled: true`, review kind `post_review`).
 *
 * @example
 * ```ts
 * applyStage("review", { ...settings, autonomy: "post_review", reversible: true }, "prop_1");
 * // { verdict: "auto", reviewKind: "post_review", sampled: false, reasons: [{ rule: "stage:post_review", … }] }
 * ```
 */
export function applyStage(
  verdict: RouteVerdict,
  settings: ActionTypeSettings,
  proposalId: string,
): StagedRoute {
  const stage = settings.autonomy;
  const rule = `stage:${stage}`;
  switch (stage) {
    case "observe":
      if (verdict === "block" || verdict === "needs_info") return unchanged(verdict);
      return {
        verdict: verdict === "escalate" ? "escalate" : "review",
        reviewKind: "shadow",
        sampled: false,
        reasons: [
          {
            rule,
            route: verdict === "escalate" ? "escalate" : "review",
            message:
              "observe: nothing executes; people do the work and record what they would do (shadow review)",
          },
        ],
      };
    case "review_all":
      if (verdict !== "auto") return unchanged(verdict);
      return {
        verdict: "review",
        reviewKind: "review",
        sampled: false,
        reasons: [
          { rule, route: "review", message: "review_all: every proposal of this type is reviewed first" },
        ],
      };
    case "threshold":
      return verdict === "auto" ? sampleAuto(settings, proposalId) : unchanged(verdict);
    case "post_review":
      if (settings.reversible === false) {
        const ignored: RouteReason = {
          rule,
          route: verdict,
          message: "post_review ignored: the action type is not reversible, so reviews happen before it runs",
        };
        const staged = verdict === "auto" ? sampleAuto(settings, proposalId) : unchanged(verdict);
        return { ...staged, reasons: [ignored, ...staged.reasons] };
      }
      if (verdict === "auto") return sampleAuto(settings, proposalId);
      if (verdict !== "review") return unchanged(verdict);
      return {
        verdict: "auto",
        reviewKind: "post_review",
        sampled: false,
        reasons: [
          {
            rule,
            route: "auto",
            message: "post_review: runs now and is reviewed afterwards; a rejection rolls it back",
          },
        ],
      };
    case "sample_only":
      if (verdict === "auto") return sampleAuto(settings, proposalId);
      if (verdict !== "review") return unchanged(verdict);
      if (isSampled(proposalId, settings.sampling)) {
        return {
          verdict: "review",
          reviewKind: "review",
          sampled: true,
          reasons: [
            {
              rule: "sampling",
              route: "review",
              message: `sampled (${percent(settings.sampling)}): reviewed before it runs`,
            },
          ],
        };
      }
      return {
        verdict: "auto",
        reviewKind: null,
        sampled: false,
        reasons: [
          { rule, route: "auto", message: "sample_only: runs without review; only a sample is reviewed" },
        ],
      };
    default:
      return assertNever(stage);
  }
}

function unchanged(verdict: RouteVerdict): StagedRoute {
  const reviewKind = verdict === "review" || verdict === "escalate" ? "review" : null;
  return { verdict, reviewKind, sampled: false, reasons: [] };
}

/** An `auto` verdict: unattended, unless sampled for a review after it runs. */
function sampleAuto(settings: ActionTypeSettings, proposalId: string): StagedRoute {
  if (!isSampled(proposalId, settings.sampling))
    return { verdict: "auto", reviewKind: null, sampled: false, reasons: [] };
  return {
    verdict: "auto",
    reviewKind: "post_review",
    sampled: true,
    reasons: [
      {
        rule: "sampling",
        route: "auto",
        message: `sampled (${percent(settings.sampling)}): runs now and a person reviews it afterwards`,
      },
    ],
  };
}

function percent(share: number): string {
  return `${Math.round(share * 10_000) / 100}%`;
}

function assertNever(value: never): never {
  throw new Error(`unexpected autonomy stage: ${String(value)}`);
}
