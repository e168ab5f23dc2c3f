import { issueMessage, type PolicyIssue } from "./policy-issues.ts";

/**
 * A policy's problems with their line and column. With `onGoTo`, each position is a button that moves
 * the editor's cursor there. Messages are shown as text: they may quote the policy.
 */
export function PolicyProblems({
  issues,
  onGoTo,
}: {
  issues: readonly PolicyIssue[];
  onGoTo?: (line: number, column: number) => void;
}) {
  if (issues.length === 0) return null;
  return (
    <ul className="policy-problems">
      {issues.map((issue) => {
        const { line } = issue;
        const place =
          line === undefined ? null : `line ${line}${issue.column ? `, column ${issue.column}` : ""}`;
        return (
          <li key={`${issue.path}:${line ?? ""}:${issue.column ?? ""}:${issue.message}`}>
            {place === null ? null : onGoTo && line !== undefined ? (
              <button type="button" className="link" onClick={() => onGoTo(line, issue.column ?? 1)}>
                {place}
              </button>
            ) : (
              <strong>{place}</strong>
            )}{" "}
            {issueMessage(issue)}
            {issue.path ? <code className="muted"> {issue.path}</code> : null}
          </li>
        );
      })}
    </ul>
  );
}
