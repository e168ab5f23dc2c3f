import { type FormEvent, useEffect, useMemo, useRef, useState } from "react";
import { api } from "../api/client.ts";
import type { ActionList, PolicyVersionView, ReplayReport } from "../api/types.ts";
import { navigate } from "../app/router.ts";
import { PolicyProblems } from "./PolicyProblems.tsx";
import { PolicyTextArea, type PolicyTextAreaHandle } from "./PolicyTextArea.tsx";
import { forgetDraft, saveDraft } from "./policy-draft.ts";
import { issuesOf, type PolicyIssue, problemLines } from "./policy-issues.ts";
import { ReplayReportView } from "./ReplayReportView.tsx";
import "./dashboard.css";

/**
 * The policy simulator (SPEC §5 "Replay"): a candidate policy — the active one to start from, edited
 * or uploaded — and optional thresholds, replayed over stored history by `POST /v1/policy/replay`.
 * Shows how routes change per action type, the automation rate before and after, and the estimated
 * error among newly automated proposals from the reviewers' actual decisions. Nothing is loaded here:
 * owners carry a candidate to the policy editor to put it in force.
 */
export function SimulatorView({ actions, owner }: { actions: ActionList | null; owner: boolean }) {
  const [text, setText] = useState<string | null>(null);
  const [active, setActive] = useState<PolicyVersionView | null>(null);
  const [since, setSince] = useState("");
  const [thresholds, setThresholds] = useState<Record<string, string>>({});
  const [report, setReport] = useState<ReplayReport | null>(null);
  const [error, setError] = useState<{ message: string; issues: PolicyIssue[] } | null>(null);
  const [running, setRunning] = useState(false);
  const candidate = useRef<PolicyTextAreaHandle>(null);
  const marked = useMemo(() => problemLines(error?.issues ?? []), [error]);

  useEffect(() => {
    api<PolicyVersionView>("GET", "/v1/policy")
      .then((policy) => {
        setText((current) => current ?? policy.text);
        setActive(policy);
      })
      .catch(() => setText((current) => current ?? ""));
  }, []);

  async function upload(file: File | undefined) {
    if (file) setText(await file.text());
  }

  /** Hands the candidate to the policy editor as the owner's draft (it replaces an unsaved one there). */
  function editInPolicyEditor() {
    if (active === null || text === null) return;
    if (text === active.text) forgetDraft();
    else saveDraft({ text, baseVersion: active.version }, active);
    navigate({ name: "policy" });
  }

  async function run(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setRunning(true);
    const chosen = Object.entries(thresholds)
      .filter(([, v]) => v.trim() !== "")
      .map(([type, v]) => [type, Number(v)] as const);
    try {
      const answer = await api<ReplayReport>("POST", "/v1/policy/replay", {
        ...(text?.trim() ? { policy: text } : {}),
        ...(since.trim() ? { since: since.trim() } : {}),
        ...(chosen.length > 0 ? { thresholds: Object.fromEntries(chosen) } : {}),
      });
      setReport(answer);
    } catch (e) {
      setReport(null);
      setError({ message: (e as Error).message, issues: issuesOf(e) });
    } finally {
      setRunning(false);
    }
  }

  return (
    <main className="owner simulator" aria-labelledby="simulator-title">
      <h1 id="simulator-title">Policy simulator</h1>
      <p className="hint">
        Replays stored proposals, with the signals as recorded, under a candidate policy and reports what
        would have changed. Nothing is loaded here: owners put a policy in force from the{" "}
        <a
          href="/policy"
          onClick={(event) => {
            if (event.metaKey || event.ctrlKey || event.shiftKey) return;
            event.preventDefault();
            navigate({ name: "policy" });
          }}
        >
          Policy
        </a>{" "}
        page's editor.
      </p>
      <form className="panel simulator-form" onSubmit={run} aria-label="Candidate">
        <label htmlFor="candidate">
          Candidate policy (YAML)
          {active !== null ? (
            <span className="muted"> — starts as the active version {active.version}</span>
          ) : null}
        </label>
        {text === null ? (
          <p className="muted">Loading the active policy…</p>
        ) : (
          <PolicyTextArea
            ref={candidate}
            id="candidate"
            value={text}
            onChange={setText}
            problemLines={marked}
          />
        )}
        <div className="filters">
          <label>
            Load from a file
            <input
              type="file"
              accept=".yaml,.yml,text/yaml,text/plain"
              onChange={(e) => void upload(e.target.files?.[0])}
            />
          </label>
          <label>
            Since
            <input
              value={since}
              size={30}
              onChange={(e) => setSince(e.target.value)}
              placeholder="all history; or 30d, or 2026-11-01"
            />
          </label>
        </div>
        {actions && actions.items.length > 0 ? (
          <fieldset className="filters">
            <legend>
              Candidate auto thresholds (optional, on calibrated confidence; above 1 means never)
            </legend>
            {actions.items.map((a) => (
              <label key={a.type}>
                {a.type}
                <input
                  type="number"
                  min="0"
                  max="2"
                  step="0.01"
                  value={thresholds[a.type] ?? ""}
                  onChange={(e) => setThresholds({ ...thresholds, [a.type]: e.target.value })}
                />
              </label>
            ))}
          </fieldset>
        ) : null}
        <div className="simulator-actions">
          <button type="submit" className="primary" disabled={running || text === null}>
            {running ? "Replaying…" : "Run the replay"}
          </button>
          {owner ? (
            <button type="button" disabled={text === null || active === null} onClick={editInPolicyEditor}>
              Edit in the policy editor
            </button>
          ) : null}
        </div>
      </form>
      {error ? (
        <div role="alert" className="panel replay-error">
          <p className="error">{error.message}</p>
          <PolicyProblems
            issues={error.issues}
            onGoTo={(line, column) => candidate.current?.moveTo(line, column)}
          />
        </div>
      ) : null}
      {report ? <ReplayReportView report={report} /> : null}
    </main>
  );
}
