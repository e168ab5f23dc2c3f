import { reviewLabel } from "../learning/review-label.ts";
import { maskPii } from "../signals/pii.ts";
import type { FeedbackLine } from "../wire/replay.ts";
import { payloadDiff } from "./payload-diff.ts";
import { decisionsInOrder, type RecordedDecision, type ReplayRecord } from "./replay-record.ts";

export interface FeedbackOptions {
  /** Keep personal data as stored; by default every payload and comment is masked with `maskPii`. */
  unmasked?: boolean;
}

/**
 * The feedback lines of one proposal (SPEC §5 "Feedback export"): one per decided review, from the
 * decision that closed it, with the proposed and final payloads, their diff, the verdict, category,
 * comment and the label learning uses. Reviews still open are left out. Nothing here feeds anything
 * back into an agent; the lines are for evals and training sets people build deliberately.
 *
 * When N-of-M approvals end with a plain approval of an earlier reviewer's edit, the line's verdict is
 * `edit`, with that edit's category and comment unless the closing approval gave its own.
 *
 * The proposed payload is the proposal's latest revision (an earlier one answered by `request_info`
 * is not kept). A refusal has no final payload and an empty diff.
 *
 * @example
 * ```ts
 * feedbackLines(record); // [{ verdict: "edit", diff: [{ op: "replace", path: "/amount", value: 40 }], label: 0.5, … }]
 * ```
 */
export function feedbackLines(record: ReplayRecord, options: FeedbackOptions = {}): FeedbackLine[] {
  const closing = new Map<string, RecordedDecision>();
  const lastEdit = new Map<string, RecordedDecision>();
  for (const decision of decisionsInOrder(record.decisions)) {
    if (decision.verdict === "edit") lastEdit.set(decision.reviewId, decision);
    if (decision.reviewDecided) closing.set(decision.reviewId, decision);
  }
  const proposed = record.input.action.payload;
  const lines: FeedbackLine[] = [];
  for (const closed of closing.values()) {
    // With N-of-M approvals the closing decision may be a plain approval of an earlier reviewer's edit:
    // the review's verdict is then that edit, with its reason unless the closer gave one.
    const edit = closed.verdict === "approve" ? lastEdit.get(closed.reviewId) : undefined;
    const decision: RecordedDecision =
      edit === undefined
        ? closed
        : {
            ...closed,
            verdict: "edit",
            payload: edit.payload,
            category: closed.category ?? edit.category,
            comment: closed.comment ?? edit.comment,
          };
    const approving = decision.verdict === "approve" || decision.verdict === "edit";
    const final = approving ? (record.finalPayload ?? decision.payload ?? proposed) : null;
    const learned = reviewLabel({
      verdict: decision.verdict,
      proposedPayload: proposed,
      finalPayload: final,
    });
    const line: FeedbackLine = {
      proposalId: record.proposalId,
      reviewId: decision.reviewId,
      agent: record.agent.id,
      actionType: record.input.action.type,
      proposedPayload: proposed,
      finalPayload: final,
      diff: final === null ? [] : payloadDiff(proposed, final),
      verdict: decision.verdict,
      category: decision.category,
      comment: decision.comment,
      label: learned?.label ?? null,
      editDistance: learned?.editDistance ?? null,
      decidedAt: decision.at,
      reviewerId: decision.byId,
    };
    lines.push(options.unmasked === true ? line : masked(line));
  }
  return lines.sort((a, b) => (a.decidedAt < b.decidedAt ? -1 : a.decidedAt > b.decidedAt ? 1 : 0));
}

function masked(line: FeedbackLine): FeedbackLine {
  return {
    ...line,
    proposedPayload: maskPii(line.proposedPayload) as FeedbackLine["proposedPayload"],
    finalPayload: maskPii(line.finalPayload) as FeedbackLine["finalPayload"],
    diff: maskPii(line.diff) as FeedbackLine["diff"],
    comment: maskPii(line.comment) as string | null,
  };
}
