import { useEffect, useRef } from "react";
import type { PolicyVersionView } from "../api/types.ts";
import { when } from "../ui/format.ts";
import type { PolicyDiff } from "./policy-diff.ts";

/**
 * The confirmation before a draft is put in force: the version it will become, what it replaces and
 * whether it was simulated as it stands. A modal `<dialog>`: focus stays inside, Escape cancels.
 */
export function PutInForceDialog({
  inForce,
  baseVersion,
  changes,
  simulated,
  saving,
  onConfirm,
  onCancel,
}: {
  /** The version in force when the dialog opened (read afresh, it may be newer than the draft's base). */
  inForce: PolicyVersionView;
  baseVersion: number;
  changes: PolicyDiff;
  simulated: boolean;
  saving: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (element !== null && !element.open) element.showModal();
    return () => element?.close();
  }, []);
  // The store numbers versions in order; a concurrent load can still take this number first, so the
  // success message shows the version the server actually answered.
  const next = inForce.version + 1;
  return (
    <dialog
      ref={dialog}
      className="put-in-force"
      aria-labelledby="put-in-force-title"
      onCancel={(event) => {
        event.preventDefault();
        if (!saving) onCancel();
      }}
    >
      <h2 id="put-in-force-title">Put the draft in force as version {next}?</h2>
      <p>
        It replaces version {inForce.version}, loaded {when(inForce.createdAt)} by {inForce.createdBy}, for
        every proposal from now on; proposals already routed keep the version that routed them.
      </p>
      <p>
        {changes.added} line{changes.added === 1 ? "" : "s"} added, {changes.removed} removed.
      </p>
      {inForce.version !== baseVersion ? (
        <p className="warning">
          Your draft started from version {baseVersion}; version {inForce.version} was put in force since. Its
          changes are replaced by your draft: compare them before you confirm.
        </p>
      ) : null}
      {simulated ? null : <p className="warning">The draft has not been simulated as it stands.</p>}
      <div className="dialog-actions">
        <button type="button" className="primary" disabled={saving} onClick={onConfirm}>
          {saving ? "Putting in force…" : `Put in force as version ${next}`}
        </button>
        <button type="button" disabled={saving} onClick={onCancel}>
          Keep editing
        </button>
      </div>
    </dialog>
  );
}
