import type { ReactNode, Ref } from "react";
import { Shortcut } from "../ui/shortcuts.tsx";

/**
 * The controls both Decide panels are made of (a review's decision, a reconciliation's verdict): a
 * verdict button in the row of choices, the comment box and the confirm row, so both look and answer
 * keys alike (the page's `c` shortcut finds the comment box by its id).
 */

/** What the review page hands either Decide panel: the draft it edits, and how to send it. */
export interface DecidePanelProps<Draft> {
  draft: Draft;
  busy: boolean;
  disabled: boolean;
  onDraft: (draft: Draft) => void;
  onSubmit: () => void;
  /** Bumped when a shortcut picks a verdict, to move focus to what that verdict needs next. */
  focusTick: number;
}

/** One choice in the panel's row of verdicts: a button that acts as a radio, with its key. */
export function VerdictButton({
  verdict,
  label,
  shortcut,
  title,
  checked,
  disabled,
  onPick,
}: {
  verdict: string;
  label: string;
  shortcut: string;
  title?: string;
  checked: boolean;
  disabled: boolean;
  onPick: () => void;
}) {
  return (
    // biome-ignore lint/a11y/useSemanticElements: a row of buttons reads better than radio inputs here
    <button
      type="button"
      role="radio"
      aria-checked={checked}
      title={title}
      className={`verdict verdict-${verdict} ${checked ? "checked" : ""}`}
      disabled={disabled}
      onClick={onPick}
    >
      {label} <Shortcut keys={shortcut} />
    </button>
  );
}

/** The comment box (`c` moves focus to it), labelled by `label`. */
export function CommentField({
  label,
  value,
  disabled,
  onChange,
  ref,
}: {
  label: ReactNode;
  value: string;
  disabled: boolean;
  onChange: (comment: string) => void;
  ref?: Ref<HTMLTextAreaElement>;
}) {
  return (
    <>
      <label htmlFor="decision-comment">
        {label} <Shortcut keys="c" />
      </label>
      <textarea
        id="decision-comment"
        ref={ref}
        rows={2}
        value={value}
        disabled={disabled}
        onChange={(e) => onChange(e.target.value)}
      />
    </>
  );
}

/**
 * The confirm button and, beside it, what the decision still needs (`missing`) or else the keys that
 * confirm it. The button is off while busy, disabled or while something is missing.
 */
export function ConfirmRow({
  label,
  missing,
  busy,
  disabled,
  onConfirm,
  ref,
}: {
  label: string;
  missing: string | null;
  busy: boolean;
  disabled: boolean;
  onConfirm: () => void;
  ref?: Ref<HTMLButtonElement>;
}) {
  return (
    <div className="confirm-row">
      <button
        type="button"
        ref={ref}
        className="primary"
        disabled={disabled || busy || missing !== null}
        onClick={onConfirm}
      >
        {busy ? "Sending…" : label}
      </button>
      <span className="hint">
        {missing ?? (
          <>
            <Shortcut keys="Enter" /> or <Shortcut keys="Ctrl+Enter" /> confirms
          </>
        )}
      </span>
    </div>
  );
}
