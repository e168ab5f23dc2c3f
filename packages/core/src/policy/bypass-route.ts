import { BYPASS_RULES, bypassMessage } from "../signals/bypass.ts";
import type { RouteReason } from "../wire/proposal.ts";
import type { StagedRoute } from "./autonomy-stage.ts";
import type { RouteInput } from "./route-input.ts";

/**
 * Applies bypass resistance after the autonomy stage: every finding becomes a reason naming the earlier
 * proposal, and a flagged proposal (a finding, or `signals.bypass` set) that would run unattended is sent
 * to a person first. Other verdicts stand: `block`, `escalate` and `needs_info` are already stricter.
 */
export function resistBypass(staged: StagedRoute, input: RouteInput): StagedRoute {
  const findings = input.bypass ?? [];
  if (findings.length === 0 && input.signals.bypass !== true) return staged;
  const tightened = staged.verdict === "auto";
  const route = tightened ? "review" : staged.verdict;
  const reasons: RouteReason[] = findings.map((finding) => ({
    rule: BYPASS_RULES[finding.kind],
    route,
    message: bypassMessage(finding),
    proposalId: finding.proposalId,
  }));
  if (reasons.length === 0) {
    reasons.push({
      rule: "bypass",
      route,
      message: "signals.bypass is set: a person must review it before it runs",
    });
  }
  if (!tightened) return { ...staged, reasons: [...staged.reasons, ...reasons] };
  return {
    verdict: "review",
    reviewKind: "review",
    sampled: false,
    reasons: [...staged.reasons, ...reasons],
  };
}
