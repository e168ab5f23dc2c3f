import { useEffect, useRef } from "react";
import type { ReconcileVerdict } from "../api/types.ts";
import { words } from "../ui/format.ts";
import { CommentField, ConfirmRow, type DecidePanelProps, VerdictButton } from "./DecideControls.tsx";
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
}: DecidePanelProps<ReconcileDraft>) {
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (focusTick > 0) confirmRef.current?.focus();
  }, [focusTick]);
  const spec = RECONCILE_VERBS.find((v) => v.verdict === draft.verdict);

  const begun = draft.verdict !== null || draft.comment !== "";
  return (
    <section aria-labelledby="decide-title" className={`panel decide ${begun ? "begun" : ""}`}>
      <h2 id="decide-title">Decide</h2>
      <p className="hint">Did the action happen? Approve, edit and reject do not apply here.</p>
      <div className="verdicts" role="radiogroup" aria-label="What happened">
        {RECONCILE_VERBS.map((v) => (
          <VerdictButton
            key={v.verdict}
            verdict={v.verdict}
            label={v.label}
            shortcut={v.key}
            title={`${words(v.verdict)}: ${v.does}`}
            checked={draft.verdict === v.verdict}
            disabled={disabled}
            onPick={() => onDraft({ ...draft, verdict: v.verdict })}
          />
        ))}
      </div>
      {spec ? (
        <p className="why-line">
          {words(spec.verdict)}: {spec.does}.
        </p>
      ) : null}
      <div className="reason">
        <CommentField
          label="Comment (how you know; optional)"
          value={draft.comment}
          disabled={disabled}
          onChange={(comment) => onDraft({ ...draft, comment })}
        />
      </div>
      <ConfirmRow
        ref={confirmRef}
        label={spec === undefined ? "Confirm" : `Confirm: ${words(spec.verdict)}`}
        missing={spec === undefined ? "Pick what happened" : null}
        busy={busy}
        disabled={disabled}
        onConfirm={onSubmit}
      />
    </section>
  );
}
