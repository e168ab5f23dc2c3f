import type { ExecutionItem } from "../api/types.ts";
import { when, words } from "../ui/format.ts";
import { PlainText } from "../ui/safe.tsx";
import { executionSubject, RECONCILE_VERBS, unsettled } from "./reconciliation.ts";

/**
 * Said first on a reconciliation review: which execution (or rollback) needs a person, how its
 * attempts went, and what each verb does. The packet below is the proposal as it was approved.
 */
export function ReconciliationSection({
  execution,
  actionType,
}: {
  execution: ExecutionItem;
  actionType: string;
}) {
  const subject = <code>{executionSubject(execution, actionType)}</code>;
  const attempts = `${execution.attempts} ${execution.attempts === 1 ? "attempt" : "attempts"}`;
  const title =
    execution.status === "unknown"
      ? "Reconcile: outcome unknown"
      : execution.status === "dead_lettered"
        ? "Reconcile: delivery given up"
        : "Reconciled";
  return (
    <section aria-labelledby="reconcile-title" className="panel notice already-executed reconciliation">
      <h2 id="reconcile-title">{title}</h2>
      <p className="why-line">
        {execution.status === "unknown" ? (
          <>
            Loopgate sent {subject} to its executor and got no clear answer: it may or may not have happened.
            The executor is not idempotent, so Loopgate does not send it again on its own.
          </>
        ) : execution.status === "dead_lettered" ? (
          <>
            Loopgate gave up delivering {subject} after {attempts}: the executor refused it or could not be
            reached. Nothing more is sent unless you ask for it.
          </>
        ) : (
          <>
            Settled: {subject} is now <span className="execution-state">{words(execution.status)}</span>.
          </>
        )}
      </p>
      <dl className="reconcile-facts">
        <div>
          <dt>Execution</dt>
          <dd className="execution-state">{words(execution.status)}</dd>
        </div>
        <div>
          <dt>Attempts</dt>
          <dd>{execution.attempts}</dd>
        </div>
        <div className="fact-wide">
          <dt>Last error</dt>
          <dd>
            <PlainText text={execution.lastError} />
          </dd>
        </div>
        <div>
          <dt>Last change</dt>
          <dd>{when(execution.updatedAt)}</dd>
        </div>
        <div>
          <dt>Webhook-id</dt>
          <dd>
            <code>{execution.id}</code>
          </dd>
        </div>
      </dl>
      {unsettled(execution) ? (
        <>
          <p className="hint">
            Check with the executor (look the action up by its webhook-id), then say what happened:
          </p>
          <ul className="reconcile-verbs">
            {RECONCILE_VERBS.map((v) => (
              <li key={v.verdict}>
                <strong>{v.label}</strong> ({words(v.verdict)}) {v.does}.
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
