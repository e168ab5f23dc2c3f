import { type Confidence, type DecisionVerdict, numericSignals, reviewLabel } from "@loopgate/core";
import type { ProposalDoc, ProposalRow, Write } from "../store/store.ts";

/**
 * The calibration evidence a decision gives (SPEC §5): when the decision closes the review with an
 * outcome about the proposal (approved, edited, rejected, handled manually), one label row for the
 * proposal, written in the decision's own commit — so labels cost no scan of decisions later and a
 * decision never exists without its label. Escalations and requests for information give none, nor
 * does a proposal whose agent sent no `agentConfidence` (there is nothing to calibrate).
 *
 * @param doc - the proposal document as the decision leaves it (its `finalPayload` set on approval)
 */
export function reviewLabelWrites(input: {
  proposal: ProposalRow;
  doc: ProposalDoc;
  verdict: DecisionVerdict;
  /** The review's status after the decision: only a `decided` review gives a label. */
  reviewStatus: string;
  at: string;
}): Write[] {
  const { proposal, doc } = input;
  if (input.reviewStatus !== "decided") return [];
  if (doc.canary !== undefined) return []; // a seeded canary says nothing about the agent

  const confidence = doc.confidence as Partial<Confidence> | null;
  const raw = confidence?.raw;
  if (typeof raw !== "number") return [];
  const outcome = reviewLabel({
    verdict: input.verdict,
    proposedPayload: doc.action.payload,
    finalPayload: doc.finalPayload ?? doc.action.payload,
  });
  if (outcome === null) return [];
  return [
    {
      kind: "putReviewLabel",
      row: {
        proposalId: proposal.id,
        agentId: proposal.agentId,
        actionType: proposal.actionType,
        label: outcome.label,
        editDistance: outcome.editDistance,
        agentConfidence: raw,
        calibratedConfidence: typeof confidence?.calibrated === "number" ? confidence.calibrated : null,
        calibrationId: confidence?.calibration ?? null,
        signals: numericSignals(doc.signals),
        labelledAt: input.at,
      },
    },
  ];
}
