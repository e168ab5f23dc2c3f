import type { VerdictAfterExecution } from "@loopgate/core";
import { useEffect, useRef } from "react";
import type { DecisionResult, Proposal, Verdict } from "../api/types.ts";
import { words } from "../ui/format.ts";
import { CommentField, ConfirmRow, type DecidePanelProps, VerdictButton } from "./DecideControls.tsx";

/** One verdict button: its key and what it needs from the reviewer. */
export interface VerdictSpec {
  verdict: Verdict;
  key: string;
  label: string;
  needs: "nothing" | "category" | "comment";
}

/** Each verdict with its key and what it needs from the reviewer. */
export const VERDICTS: readonly VerdictSpec[] = [
  { verdict: "approve", key: "a", label: "Approve", needs: "nothing" },
  { verdict: "reject", key: "r", label: "Reject", needs: "category" },
  { verdict: "escalate", key: "x", label: "Escalate", needs: "comment" },
  { verdict: "request_info", key: "i", label: "Request info", needs: "comment" },
  { verdict: "handle_manually", key: "m", label: "Handle manually", needs: "nothing" },
];

/**
 * The verdicts a review of an action that already ran accepts: core's `VERDICTS_AFTER_EXECUTION`,
 * which the server enforces (`verdict_not_after_execution`). The app bundles nothing of core, so the
 * list is mirrored here as a record over core's type: a verdict added there or taken away fails the
 * typecheck until it is added or taken away here too.
 */
const AFTER_EXECUTION: Record<VerdictAfterExecution, true> = { approve: true, reject: true };

/** Approve and reject read differently once the action has run: keep it, or undo it. */
const AFTER_EXECUTION_LABELS: Partial<Record<Verdict, string>> = {
  approve: "Approve: keep it",
  reject: "Reject: roll it back",
};

/**
 * Whether the proposal's action already ran and its open review comes after (the `post_review` stage,
 * or the sampled share of auto-routed proposals): such a proposal is `auto_approved` and stays so,
 * since there is no approval left to give (the server's `decideAfterExecution`).
 */
export function reviewedAfterExecution(proposal: Pick<Proposal, "status"> | null): boolean {
  return proposal?.status === "auto_approved";
}

/** Built once, so a render gets the same objects each time (the panel's focus effect depends on them). */
const VERDICTS_AFTER_EXECUTION: readonly VerdictSpec[] = VERDICTS.filter(
  (v) => v.verdict in AFTER_EXECUTION,
).map((v) => ({ ...v, label: AFTER_EXECUTION_LABELS[v.verdict] ?? v.label }));

/** The verdicts the server accepts on this proposal's review, with their labels, in button order. */
export function verdictsFor(proposal: Pick<Proposal, "status"> | null): readonly VerdictSpec[] {
  return reviewedAfterExecution(proposal) ? VERDICTS_AFTER_EXECUTION : VERDICTS;
}

/**
 * One line on what a decision did, for the notice after it is recorded. After execution the proposal
 * stays `auto_approved` whatever the verdict, so the line says what happens to the action instead.
 */
export function decidedText(
  verdict: Verdict,
  result: DecisionResult,
  proposal: Pick<Proposal, "status" | "execution">,
): string {
  if (!reviewedAfterExecution(proposal)) {
    return `${words(verdict === "edit" ? "approved with edits" : verdict)} — proposal now ${words(result.proposalStatus)}`;
  }
  if (verdict !== "reject") return "approved — the action that already ran stays as it is";
  return proposal.execution.status === "not_started"
    ? "rejected — the action had not been sent yet, so it is cancelled"
    : "rejected — Loopgate is rolling back the action that already ran";
}

export interface DecisionDraft {
  verdict: Verdict | null;
  category: string;
  comment: string;
}

/**
 * Decide: pick a verdict (button or key), add a reason category and a comment where it helps, then
 * confirm (Enter on the confirm button, or Ctrl+Enter anywhere). With edits, approving sends
 * "approve with edits".
 */
export function DecisionPanel({
  draft,
  proposal,
  categories,
  edited,
  editProblems,
  busy,
  disabled,
  onDraft,
  onSubmit,
  focusTick,
}: DecidePanelProps<DecisionDraft> & {
  /** The packet decided on: a proposal whose action already ran is offered only approve and reject. */
  proposal: Pick<Proposal, "status">;
  categories: string[];
  edited: boolean;
  editProblems: number;
}) {
  const confirmRef = useRef<HTMLButtonElement>(null);
  const categoryRef = useRef<HTMLSelectElement>(null);
  const commentRef = useRef<HTMLTextAreaElement>(null);
  const afterExecution = reviewedAfterExecution(proposal);
  const offered = verdictsFor(proposal);
  const spec = offered.find((v) => v.verdict === (draft.verdict === "edit" ? "approve" : draft.verdict));

  useEffect(() => {
    if (focusTick === 0 || spec === undefined) return;
    if (spec.needs === "category") categoryRef.current?.focus();
    else if (spec.needs === "comment") commentRef.current?.focus();
    else confirmRef.current?.focus();
  }, [focusTick, spec]);

  const effective: Verdict | null = draft.verdict === "approve" && edited ? "edit" : draft.verdict;
  const missing =
    effective === null || spec === undefined
      ? "Pick a decision"
      : afterExecution && edited
        ? "The action already ran as proposed, so edits cannot apply: undo them, or reject to roll it back"
        : effective === "reject" && draft.category === ""
          ? "Pick a reason category for the rejection"
          : (effective === "request_info" || effective === "escalate") && draft.comment.trim() === ""
            ? effective === "request_info"
              ? "Say what information the agent should add"
              : "Say why this needs someone more senior"
            : effective === "edit" && editProblems > 0
              ? "Fix the edited fields marked in red first"
              : null;

  // Begun (a verdict picked, a reason given): a phone's decide bar opens out to show the reason fields.
  const begun = draft.verdict !== null || draft.category !== "" || draft.comment !== "";
  return (
    <section aria-labelledby="decide-title" className={`panel decide ${begun ? "begun" : ""}`}>
      <h2 id="decide-title">Decide</h2>
      {afterExecution ? (
        <p className="hint after-execution-hint">
          The action already ran: escalate, request info and handle manually no longer apply.
        </p>
      ) : null}
      <div className="verdicts" role="radiogroup" aria-label="Decision">
        {offered.map((v) => (
          <VerdictButton
            key={v.verdict}
            verdict={v.verdict}
            label={v.verdict === "approve" && edited && !afterExecution ? "Approve with edits" : v.label}
            shortcut={v.key}
            checked={draft.verdict === v.verdict || (v.verdict === "approve" && draft.verdict === "edit")}
            disabled={disabled}
            onPick={() => onDraft({ ...draft, verdict: v.verdict })}
          />
        ))}
      </div>
      <div className="reason">
        <label htmlFor="decision-category">Reason category</label>
        <select
          id="decision-category"
          ref={categoryRef}
          value={draft.category}
          disabled={disabled}
          onChange={(e) => onDraft({ ...draft, category: e.target.value })}
        >
          <option value="">{effective === "reject" ? "Choose a category…" : "(none)"}</option>
          {categories.map((c) => (
            <option key={c} value={c}>
              {words(c)}
            </option>
          ))}
        </select>
        <CommentField
          ref={commentRef}
          label={<>Comment {effective === "request_info" ? "(the question for the agent)" : ""}</>}
          value={draft.comment}
          disabled={disabled}
          onChange={(comment) => onDraft({ ...draft, comment })}
        />
      </div>
      <ConfirmRow
        ref={confirmRef}
        label={
          effective === null
            ? "Confirm"
            : afterExecution && effective === "reject"
              ? "Confirm: reject and roll back"
              : `Confirm: ${words(effective === "edit" ? "approve with edits" : effective)}`
        }
        missing={missing}
        busy={busy}
        disabled={disabled}
        onConfirm={onSubmit}
      />
    </section>
  );
}
