import { useEffect, useRef } from "react";
import type { ReconcileVerdict } from "../api/types.ts";
import { words } from "../ui/format.ts";
import { Shortcut } from "../ui/shortcuts.tsx";
import { RECONCILE_VERBS } from "./reconciliation.ts";

export interface ReconcileDraft {
  verdict: ReconcileVerdict | null;
  comment: string;
}

export const EMPTY_RECONCILE_DRAFT: ReconcileDraft = { verdict: null, comment: "" };

/**
 * Decide a reconciliation review: pick what happened (button or key), add a comment on how you know,
 * then confirm (Enter on the confirm button, or Ctrl+Enter anywhere). The server takes no reason
 * category here (`ReconcileInput` is the verdict and an optional comment).
 */
export function ReconcilePanel({
  draft,
  busy,
  disabled,
  onDraft,
  onSubmit,
  focusTick,
}: {
  draft: ReconcileDraft;
  busy: boolean;
  disabled: boolean;
  onDraft: (draft: ReconcileDraft) => void;
  onSubmit: () => void;
  /** Bumped when a shortcut picks a verb, to move focus to the confirm button. */
  focusTick: number;
}) {
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (focusTick > 0) confirmRef.current?.focus();
  }, [focusTick]);
  const spec = RECONCILE_VERBS.find((v) => v.verdict === draft.verdict);

  return (
    <section aria-labelledby="decide-title" className="panel decide">
      <h2 id="decide-title">Decide</h2>
      <p className="hint">Did the action happen? Approve, edit and reject do not apply here.</p>
      <div className="verdicts" role="radiogroup" aria-label="What happened">
        {RECONCILE_VERBS.map((v) => {
          const checked = draft.verdict === v.verdict;
          return (
            // biome-ignore lint/a11y/useSemanticElements: a row of buttons reads better than radio inputs here
            <button
              type="button"
              key={v.verdict}
              role="radio"
              aria-checked={checked}
              title={`${words(v.verdict)}: ${v.does}`}
              className={`verdict verdict-${v.verdict} ${checked ? "checked" : ""}`}
              disabled={disabled}
              onClick={() => onDraft({ ...draft, verdict: v.verdict })}
            >
              {v.label} <Shortcut keys={v.key} />
            </button>
          );
        })}
      </div>
      {spec ? (
        <p className="why-line">
          {words(spec.verdict)}: {spec.does}.
        </p>
      ) : null}
      <div className="reason">
        <label htmlFor="decision-comment">
          Comment (how you know; optional) <Shortcut keys="c" />
        </label>
        <textarea
          id="decision-comment"
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
          disabled={disabled || busy || spec === undefined}
          onClick={onSubmit}
        >
          {busy ? "Sending…" : spec === undefined ? "Confirm" : `Confirm: ${words(spec.verdict)}`}
        </button>
        <span className="hint">
          {spec === undefined ? (
            "Pick what happened"
          ) : (
            <>
              <Shortcut keys="Enter" /> or <Shortcut keys="Ctrl+Enter" /> confirms
            </>
          )}
        </span>
      </div>
    </section>
  );
}
