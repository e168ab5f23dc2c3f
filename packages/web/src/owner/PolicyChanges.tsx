import type { ChangedLine, PolicyDiff } from "./policy-diff.ts";

const SIGN: Record<ChangedLine["kind"], string> = { same: " ", removed: "−", added: "+" };
const SPOKEN: Record<ChangedLine["kind"], string> = { same: "", removed: "removed", added: "added" };

/** The draft against the version in force, line by line, as runs of changes with a little context. */
export function PolicyChanges({ changes, version }: { changes: PolicyDiff; version: number }) {
  if (changes.hunks.length === 0) {
    return <p className="muted">No changes: the draft is version {version} as it is in force.</p>;
  }
  return (
    <table className="policy-changes" aria-label={`Changes against version ${version}`}>
      <thead>
        <tr>
          <th scope="col">v{version}</th>
          <th scope="col">draft</th>
          <th scope="col">
            <span className="visually-hidden">change</span>
          </th>
          <th scope="col">line</th>
        </tr>
      </thead>
      {changes.hunks.map((hunk) => {
        const first = hunk.lines[0];
        return (
          <tbody key={`${first?.before ?? ""}:${first?.after ?? ""}`}>
            {hunk.lines.map((line) => (
              <tr key={`${line.before ?? ""}:${line.after ?? ""}`} className={line.kind}>
                <td className="number">{line.before ?? ""}</td>
                <td className="number">{line.after ?? ""}</td>
                <td className="sign">
                  <span aria-hidden="true">{SIGN[line.kind]}</span>
                  <span className="visually-hidden">{SPOKEN[line.kind]}</span>
                </td>
                <td className="text">
                  {line.kind === "added" ? (
                    <ins>{line.text}</ins>
                  ) : line.kind === "removed" ? (
                    <del>{line.text}</del>
                  ) : (
                    line.text
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        );
      })}
    </table>
  );
}
