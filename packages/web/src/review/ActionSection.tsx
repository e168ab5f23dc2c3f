import type { ExecutionItem } from "../api/types.ts";
import { PayloadDiff } from "./PayloadDiff.tsx";
import { PayloadForm } from "./PayloadForm.tsx";
import type { JsonSchema } from "./payload-schema.ts";

/**
 * The proposed action's payload. On an ordinary review it is a form to edit, with the edits shown
 * against the proposal. On a reconciliation review it is what was sent (or was to be sent), shown read
 * only and looking it: nothing said here changes what the executor received, so no editing hints. On a
 * closed review it is the action as the agent proposed it, read only too, with what was approved
 * shown against it.
 */
export function ActionSection({
  description,
  piiMasked,
  schema,
  base,
  edited,
  problems,
  onEdit,
  editable,
  reconciliation,
  closed,
}: {
  description: string | null | undefined;
  /** The reviewer sees personal data masked. */
  piiMasked: boolean;
  schema: JsonSchema | null;
  base: Record<string, unknown>;
  edited: Record<string, unknown>;
  problems: Map<string, string[]>;
  onEdit: (next: Record<string, unknown>) => void;
  /** Off on a review that is closed, held by someone else, or of an action that already ran. */
  editable: boolean;
  /** The execution a reconciliation review settles, or null for an ordinary review. */
  reconciliation: ExecutionItem | null;
  /**
   * Set on a closed review: `base` and `edited` are then the payload as proposed, and `approved` what
   * was finally approved (null when nothing was).
   */
  closed: { approved: Record<string, unknown> | null } | null;
}) {
  const readOnly = reconciliation !== null || closed !== null;
  const isEdited = JSON.stringify(edited) !== JSON.stringify(base);
  return (
    <section aria-labelledby="action-title" className="panel">
      <h2 id="action-title">Proposed action</h2>
      {description ? <p className="meta">{description}</p> : null}
      {readOnly ? (
        <p className="hint read-only-note">
          {closed !== null
            ? "The action as the agent proposed it. This review is closed: read only."
            : reconciliation?.kind === "rollback"
              ? "The action as approved; what needs settling is its rollback. Read only."
              : "What was sent (or was to be sent), as approved. Read only."}
          {piiMasked ? " Personal data is masked for you." : ""}
        </p>
      ) : piiMasked ? (
        <p className="hint">Personal data is masked for you; edits send only the fields you change.</p>
      ) : null}
      <fieldset
        className={readOnly ? "payload-fieldset read-only" : "payload-fieldset"}
        disabled={!editable || readOnly}
      >
        <PayloadForm
          schema={schema}
          value={edited}
          problems={problems}
          onChange={onEdit}
          readOnly={readOnly}
        />
      </fieldset>
      {closed !== null && closed.approved !== null ? (
        <>
          <h3>As approved</h3>
          <PayloadDiff
            before={base}
            after={closed.approved}
            label="Approved against proposed"
            unchanged="Approved as proposed, unchanged."
          />
        </>
      ) : closed !== null ? (
        <p className="muted">Nothing was approved.</p>
      ) : readOnly ? null : (
        <>
          <h3>Your edits</h3>
          <PayloadDiff before={base} after={edited} />
          {isEdited ? (
            <button type="button" onClick={() => onEdit(base)}>
              Undo all edits
            </button>
          ) : null}
        </>
      )}
    </section>
  );
}
