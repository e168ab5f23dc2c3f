import { useEffect, useRef } from "react";
import type { Verdict } from "../api/types.ts";
import { words } from "../ui/format.ts";
import { Shortcut } from "../ui/shortcuts.tsx";

/** Each verdict with its key and what it needs from the reviewer. */
export const VERDICTS: {
  verdict: Verdict;
  key: string;
  label: string;
  needs: "nothing" | "category" | "comment";
}[] = [
  { verdict: "approve", key: "a", label: "Approve", needs: "nothing" },
  { verdict: "reject", key: "r", label: "Reject", needs: "category" },
  { verdict: "escalate", key: "x", label: "Escalate", needs: "comment" },
  { verdict: "request_info", key: "i", label: "Request info", needs: "comment" },
  { verdict: "handle_manually", key: "m", label: "Handle manually", needs: "nothing" },
];

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
  categories,
  edited,
  editProblems,
  busy,
  disabled,
  onDraft,
  onSubmit,
  focusTick,
}: {
  draft: DecisionDraft;
  categories: string[];
  edited: boolean;
  editProblems: number;
  busy: boolean;
  disabled: boolean;
  onDraft: (draft: DecisionDraft) => void;
  onSubmit: () => void;
  /** Bumped when a shortcut picks a verdict, to move focus to what that verdict needs next. */
  focusTick: number;
}) {
  const confirmRef = useRef<HTMLButtonElement>(null);
  const categoryRef = useRef<HTMLSelectElement>(null);
  const commentRef = useRef<HTMLTextAreaElement>(null);
  const spec = VERDICTS.find((v) => v.verdict === (draft.verdict === "edit" ? "approve" : draft.verdict));

  useEffect(() => {
    if (focusTick === 0 || spec === undefined) return;
    if (spec.needs === "category") categoryRef.current?.focus();
    else if (spec.needs === "comment") commentRef.current?.focus();
    else confirmRef.current?.focus();
  }, [focusTick, spec]);

  const effective: Verdict | null = draft.verdict === "approve" && edited ? "edit" : draft.verdict;
  const missing =
    effective === null
      ? "Pick a decision"
      : effective === "reject" && draft.category === ""
        ? "Pick a reason category for the rejection"
        : (effective === "request_info" || effective === "escalate") && draft.comment.trim() === ""
          ? effective === "request_info"
            ? "Say what information the agent should add"
            : "Say why this needs someone more senior"
          : effective === "edit" && editProblems > 0
            ? "Fix the edited fields marked in red first"
            : null;

  return (
    <section aria-labelledby="decide-title" className="panel decide">
      <h2 id="decide-title">Decide</h2>
      <div className="verdicts" role="radiogroup" aria-label="Decision">
        {VERDICTS.map((v) => {
          const label = v.verdict === "approve" && edited ? "Approve with edits" : v.label;
          const checked =
            draft.verdict === v.verdict || (v.verdict === "approve" && draft.verdict === "edit");
          return (
            // biome-ignore lint/a11y/useSemanticElements: a row of buttons reads better than radio inputs here
            <button
              type="button"
              key={v.verdict}
              role="radio"
              aria-checked={checked}
              className={`verdict verdict-${v.verdict} ${checked ? "checked" : ""}`}
              disabled={disabled}
              onClick={() => onDraft({ ...draft, verdict: v.verdict })}
            >
              {label} <Shortcut keys={v.key} />
            </button>
          );
        })}
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
        <label htmlFor="decision-comment">
          Comment {effective === "request_info" ? "(the question for the agent)" : ""} <Shortcut keys="c" />
        </label>
        <textarea
          id="decision-comment"
          ref={commentRef}
          rows={2}
          value={draft.comment}
          disabled={disabled}
          onChange={(e) => onDraft({ ...draft, comment: e.target.value })}
        />
      </div>
      <div className="confirm-row">
        <button
          type="button"
          ref={confirmRef}
          className="primary"
          disabled={disabled || busy || missing !== null}
          onClick={onSubmit}
        >
          {busy
            ? "Sending…"
            : effective
              ? `Confirm: ${words(effective === "edit" ? "approve with edits" : effective)}`
              : "Confirm"}
        </button>
        <span className="hint">
          {missing ?? (
            <>
              <Shortcut keys="Enter" /> or <Shortcut keys="Ctrl+Enter" /> confirms
            </>
          )}
        </span>
      </div>
    </section>
  );
}
