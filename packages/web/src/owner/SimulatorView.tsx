import { type FormEvent, useEffect, useState } from "react";
import { ApiError, api } from "../api/client.ts";
import type { ActionList, PolicyVersionView, ReplayReport } from "../api/types.ts";
import { ReplayReportView } from "./ReplayReportView.tsx";
import "./dashboard.css";

/** A problem of the candidate as the API's error envelope carries it (`details.issues`). */
interface Issue {
  path: string;
  message: string;
  line?: number;
  column?: number | null;
}

function issuesOf(error: unknown): Issue[] {
  if (!(error instanceof ApiError)) return [];
  const issues = (error.details as { issues?: unknown } | undefined)?.issues;
  return Array.isArray(issues) ? (issues as Issue[]) : [];
}

/**
 * The policy simulator (SPEC §5 "Replay"): a candidate policy — the active one to start from, edited
 * or uploaded — and optional thresholds, replayed over stored history by `POST /v1/policy/replay`.
 * Shows how routes change per action type, the automation rate before and after, and the estimated
 * error among newly automated proposals from the reviewers' actual decisions. Nothing is loaded.
 */
export function SimulatorView({ actions }: { actions: ActionList | null }) {
  const [text, setText] = useState<string | null>(null);
  const [activeVersion, setActiveVersion] = useState<number | null>(null);
  const [since, setSince] = useState("");
  const [thresholds, setThresholds] = useState<Record<string, string>>({});
  const [report, setReport] = useState<ReplayReport | null>(null);
  const [error, setError] = useState<{ message: string; issues: Issue[] } | null>(null);
  const [running, setRunning] = useState(false);

  useEffect(() => {
    api<PolicyVersionView>("GET", "/v1/policy")
      .then((policy) => {
        setText((current) => current ?? policy.text);
        setActiveVersion(policy.version);
      })
      .catch(() => setText((current) => current ?? ""));
  }, []);

  async function upload(file: File | undefined) {
    if (file) setText(await file.text());
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
        would have changed. Nothing is loaded: put a policy in force with <code>loopgate serve --policy</code>{" "}
        or <code>PUT /v1/policy</code>.
      </p>
      <form className="panel simulator-form" onSubmit={run} aria-label="Candidate">
        <label htmlFor="candidate">
          Candidate policy (YAML)
          {activeVersion !== null ? (
            <span className="muted"> — starts as the active version {activeVersion}</span>
          ) : null}
        </label>
        <textarea
          id="candidate"
          rows={16}
          spellCheck={false}
          className="policy-input"
          value={text ?? ""}
          disabled={text === null}
          onChange={(e) => setText(e.target.value)}
        />
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
        <button type="submit" className="primary" disabled={running || text === null}>
          {running ? "Replaying…" : "Run the replay"}
        </button>
      </form>
      {error ? (
        <div role="alert" className="panel replay-error">
          <p className="error">{error.message}</p>
          {error.issues.length > 0 ? (
            <ul>
              {error.issues.map((issue) => (
                <li key={`${issue.path}:${issue.line ?? ""}:${issue.message}`}>
                  {issue.line !== undefined ? (
                    <strong>
                      line {issue.line}
                      {issue.column ? `:${issue.column}` : ""}
                    </strong>
                  ) : null}{" "}
                  {issue.message.replace(/^line \d+(:\d+)?: /, "")}
                  {issue.path ? <code className="muted"> {issue.path}</code> : null}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {report ? <ReplayReportView report={report} /> : null}
    </main>
  );
}
