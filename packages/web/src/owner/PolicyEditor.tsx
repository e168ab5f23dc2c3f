import { useEffect, useMemo, useRef, useState } from "react";
import { api } from "../api/client.ts";
import type { PolicyVersionView, ReplayReport } from "../api/types.ts";
import { PolicyChanges } from "./PolicyChanges.tsx";
import { PolicyProblems } from "./PolicyProblems.tsx";
import { PolicyTextArea, type PolicyTextAreaHandle } from "./PolicyTextArea.tsx";
import { PutInForceDialog } from "./PutInForceDialog.tsx";
import { policyDiff } from "./policy-diff.ts";
import { forgetDraft, type PolicyDraft, saveDraft, savedDraft } from "./policy-draft.ts";
import { issuesOf, type PolicyIssue, problemLines } from "./policy-issues.ts";
import { ReplayReportView } from "./ReplayReportView.tsx";
import "./dashboard.css";

/** What the last simulation or save said went wrong; `issues` carry lines in the draft. */
interface Failure {
  message: string;
  issues: PolicyIssue[];
}

/** The draft to start from: the one kept in this tab if it differs from the version in force. */
function initialDraft(active: PolicyVersionView): { draft: PolicyDraft; restored: boolean } {
  const kept = savedDraft();
  if (kept !== null && kept.text !== active.text) return { draft: kept, restored: true };
  return { draft: { text: active.text, baseVersion: active.version }, restored: false };
}

/**
 * The owner's policy editor (SPEC §8): edit the version in force as a draft, simulate it over stored
 * history, compare it line by line, and put it in force with `PUT /v1/policy` after a confirmation.
 * The draft is kept in the tab until it is in force or discarded, so no failure loses it.
 */
export function PolicyEditor({
  active,
  onVersion,
}: {
  active: PolicyVersionView;
  /**
   * Called with a version in force newer than `active`: the one this editor put in force, or one found
   * when reading afresh before the confirmation, so the page shows (and compares with) the current one.
   */
  onVersion: (version: PolicyVersionView, putHere: boolean) => void;
}) {
  const [start] = useState(() => initialDraft(active));
  const [draft, setDraft] = useState<PolicyDraft>(start.draft);
  const [restored, setRestored] = useState(start.restored);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [report, setReport] = useState<{ report: ReplayReport; text: string } | null>(null);
  const [busy, setBusy] = useState<"simulating" | "checking" | "saving" | null>(null);
  const [confirm, setConfirm] = useState<PolicyVersionView | null>(null);
  const [discarding, setDiscarding] = useState(false);
  const editor = useRef<PolicyTextAreaHandle>(null);
  const reportRef = useRef<HTMLDivElement>(null);
  const failureRef = useRef<HTMLDivElement>(null);

  const changes = useMemo(() => policyDiff(active.text, draft.text), [active.text, draft.text]);
  const changed = draft.text !== active.text;
  const simulated = report !== null && report.text === draft.text;

  useEffect(() => saveDraft(draft, active), [draft, active]);

  // What went wrong, and a fresh simulation, are brought to the reader: the page may be scrolled far
  // down a long policy. (After the render that shows them, so their place is known.)
  useEffect(() => {
    if (failure !== null) failureRef.current?.scrollIntoView({ block: "start" });
  }, [failure]);
  useEffect(() => {
    if (report !== null) reportRef.current?.focus();
  }, [report]);

  function edit(text: string) {
    setDraft((current) => ({ ...current, text }));
    setDone(null);
  }

  async function simulate() {
    setBusy("simulating");
    setFailure(null);
    setDone(null);
    const text = draft.text;
    try {
      const answer = await api<ReplayReport>("POST", "/v1/policy/replay", { policy: text });
      setReport({ report: answer, text });
    } catch (e) {
      setReport(null);
      setFailure({ message: (e as Error).message, issues: issuesOf(e) });
    } finally {
      setBusy(null);
    }
  }

  /** Reads the version in force afresh, so the confirmation names the version the draft will become. */
  async function askToPutInForce() {
    setBusy("checking");
    setFailure(null);
    try {
      const current = await api<PolicyVersionView>("GET", "/v1/policy");
      if (current.version > active.version) onVersion(current, false);
      setConfirm(current);
    } catch (e) {
      setFailure({ message: (e as Error).message, issues: [] });
    } finally {
      setBusy(null);
    }
  }

  async function putInForce() {
    setBusy("saving");
    try {
      const version = await api<PolicyVersionView>("PUT", "/v1/policy", { text: draft.text });
      forgetDraft();
      setConfirm(null);
      setFailure(null);
      setRestored(false);
      setDraft({ text: version.text, baseVersion: version.version });
      setReport(null);
      setDone(`Version ${version.version} is in force.`);
      onVersion(version, true);
    } catch (e) {
      // The draft stays as it is (and in the tab's storage): only the reason is shown.
      setConfirm(null);
      setFailure({ message: `Not put in force: ${(e as Error).message}`, issues: issuesOf(e) });
    } finally {
      setBusy(null);
    }
  }

  function discard() {
    forgetDraft();
    setDraft({ text: active.text, baseVersion: active.version });
    setDiscarding(false);
    setRestored(false);
    setFailure(null);
    setReport(null);
  }

  const marked = useMemo(() => problemLines(failure?.issues ?? []), [failure]);
  return (
    <section className="policy-editor" aria-label="Policy editor">
      <div className="policy-toolbar">
        {/* Announced once when a version is put in force; edits only change the visible count. */}
        <span className="visually-hidden" role="status">
          {done ?? ""}
        </span>
        <span className="draft-state">
          {changed
            ? `Draft: ${changes.added} line${changes.added === 1 ? "" : "s"} added, ${changes.removed} removed`
            : (done ?? `No changes to version ${active.version}`)}
        </span>
        <button type="button" disabled={busy !== null || draft.text.trim() === ""} onClick={simulate}>
          {busy === "simulating" ? "Simulating…" : "Simulate against history"}
        </button>
        <button
          type="button"
          className="primary"
          disabled={busy !== null || !changed || draft.text.trim() === ""}
          onClick={askToPutInForce}
        >
          Put in force…
        </button>
        {changed && !discarding ? (
          <button type="button" onClick={() => setDiscarding(true)}>
            Discard the draft…
          </button>
        ) : null}
        {changed && discarding ? (
          <span className="discard-confirm">
            Discard your changes?{" "}
            <button type="button" className="danger" onClick={discard}>
              Discard
            </button>{" "}
            <button type="button" onClick={() => setDiscarding(false)}>
              Keep them
            </button>
          </span>
        ) : null}
      </div>

      {restored ? (
        <p className="notice">
          Your unsaved draft is restored (it started from version {draft.baseVersion}
          {draft.baseVersion !== active.version ? `; version ${active.version} is in force now` : ""}).
        </p>
      ) : null}
      <div role="alert" ref={failureRef} className={failure ? "panel policy-failure" : undefined}>
        {failure ? (
          <>
            <p className="error">{failure.message}</p>
            <PolicyProblems
              issues={failure.issues}
              onGoTo={(line, column) => editor.current?.moveTo(line, column)}
            />
          </>
        ) : null}
      </div>

      <details className="panel policy-diff">
        <summary>
          Changes against version {active.version}
          {changed ? ` (+${changes.added} −${changes.removed})` : " (none)"}
        </summary>
        <PolicyChanges changes={changes} version={active.version} />
      </details>

      <label htmlFor="policy-draft">Policy (YAML)</label>
      <PolicyTextArea
        ref={editor}
        id="policy-draft"
        value={draft.text}
        onChange={edit}
        problemLines={marked}
      />

      {report ? (
        <div ref={reportRef} tabIndex={-1} className="policy-simulation">
          {simulated ? null : (
            <p className="warning">The draft changed since this simulation: simulate it again.</p>
          )}
          <ReplayReportView report={report.report} />
        </div>
      ) : null}

      {confirm ? (
        <PutInForceDialog
          inForce={confirm}
          baseVersion={draft.baseVersion}
          changes={policyDiff(confirm.text, draft.text)}
          simulated={simulated}
          saving={busy === "saving"}
          onConfirm={putInForce}
          onCancel={() => setConfirm(null)}
        />
      ) : null}
    </section>
  );
}
