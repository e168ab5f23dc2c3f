import type { DecisionVerdict } from "@loopgate/core";
import type { Proposal } from "../api/types.ts";
import { exactWhen, words } from "../ui/format.ts";
import { PlainText } from "../ui/safe.tsx";

/** Each verdict as a record of what was done. */
const DONE: Record<DecisionVerdict, string> = {
  approve: "Approved",
  edit: "Approved with edits",
  reject: "Rejected",
  escalate: "Escalated",
  request_info: "Requested info",
  handle_manually: "Handled manually",
};

/**
 * Who decided what on a closed review, in the order recorded: verdict, person, time to the second,
 * reason category and comment, as the API gives them (masked for people without the PII permission).
 */
export function DecisionsSection({ decisions }: { decisions: Proposal["decisions"] }) {
  return (
    <section aria-labelledby="decisions-title" className="panel">
      <h2 id="decisions-title">Decisions</h2>
      {decisions.length === 0 ? (
        <p className="muted">No one decided: the review closed without a decision.</p>
      ) : (
        <ol className="decisions" aria-label="Decisions">
          {decisions.map((d) => (
            <li key={d.id}>
              <strong>{DONE[d.verdict as DecisionVerdict] ?? words(d.verdict)}</strong> by {d.by.name} ·{" "}
              <time dateTime={d.at}>{exactWhen(d.at)}</time>
              {d.category !== null ? ` · ${words(d.category)}` : ""}
              {d.comment !== null ? <PlainText text={d.comment} className="muted" /> : null}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
