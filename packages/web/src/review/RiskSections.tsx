import type { ActionTypeInfo, Proposal, ProposalHistoryItem } from "../api/types.ts";
import { navigate } from "../app/router.ts";
import { age, percent, when, words } from "../ui/format.ts";
import { PlainText } from "../ui/safe.tsx";
import { reviewedAfterExecution } from "./DecisionPanel.tsx";

/** Every matching rule, and one line on why the proposal is in front of this reviewer. */
export function WhyHereSection({ proposal }: { proposal: Proposal }) {
  const { route } = proposal;
  const deciding = route.reasons.find((r) => r.route === route.verdict) ?? route.reasons[0];
  return (
    <section aria-labelledby="why-title" className="panel">
      <h2 id="why-title">Why this is here</h2>
      <p className="why-line">
        Routed to <strong>{words(route.verdict)}</strong>
        {deciding ? (
          <>
            {" "}
            by {deciding.rule === "default" ? "the policy default" : <code>{deciding.rule}</code>}:{" "}
            {deciding.message}
          </>
        ) : null}
        {route.sampled ? " (sampled for review)" : ""} · stage {words(route.stage)} · policy v
        {route.policyVersion}
      </p>
      <ul className="rules">
        {route.reasons.map((reason) => (
          <li key={`${reason.rule}-${reason.route}`}>
            <code>{reason.rule}</code> → {words(reason.route)}: {reason.message}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** An amount with the payload's currency when it names one ("389 EUR"), as a person reads it. */
function amountText(amount: number, payload: Record<string, unknown>): string {
  const currency = payload.currency;
  return typeof currency === "string" && /^[A-Z]{3}$/.test(currency)
    ? amount.toLocaleString(undefined, { style: "currency", currency })
    : amount.toLocaleString();
}

/** Calibrated confidence next to the agent's raw number, and every signal. */
export function SignalsSection({ proposal }: { proposal: Proposal }) {
  const { signals, confidence } = proposal;
  const pii = Object.entries(signals.pii)
    .filter(([kind, found]) => kind !== "any" && found)
    .map(([kind]) => kind);
  const rows: [string, string][] = [
    [
      "Calibrated confidence",
      confidence.calibrated === null
        ? "— (no calibration yet)"
        : confidence.calibration === null
          ? `${percent(confidence.calibrated)} (no calibration map yet: the agent's own number)`
          : percent(confidence.calibrated),
    ],
    ["Agent's raw confidence", percent(confidence.raw ?? signals.agentConfidence)],
    ["Grounding in evidence", percent(signals.grounding)],
    ["Personal data", pii.length === 0 ? "none found" : pii.join(", ")],
    ["Sensitive topics", signals.topics.length === 0 ? "none" : signals.topics.join(", ")],
    ["Amount", signals.amount === null ? "—" : amountText(signals.amount, proposal.action.payload)],
    ["Novelty", percent(signals.novelty)],
    ["Sentiment of request", signals.sentiment === null ? "—" : signals.sentiment.toFixed(2)],
    ["Agent's override rate", percent(signals.history.overrideRate)],
    ...Object.entries(signals.agent).map(([k, v]): [string, string] => [`agent: ${k}`, String(v)]),
  ];
  return (
    <section aria-labelledby="signals-title" className="panel">
      <h2 id="signals-title">Signals</h2>
      <dl className="signals">
        {rows.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

/**
 * The action's execution in a few words for people: where it stands and since when (from the
 * execution rows the API lists with the proposal, when it does).
 */
export function executionText(execution: Proposal["execution"]): string {
  const rows = execution.executions ?? [];
  const main = rows.find((row) => row.kind === "execute");
  const rollback = rows.find((row) => row.kind === "rollback");
  const at = (row: (typeof rows)[number] | undefined) => (row === undefined ? "" : ` ${when(row.updatedAt)}`);
  const status = execution.status;
  switch (status) {
    case "not_started":
      return main?.status === "granted"
        ? "handed to the agent to run; it has not reported yet"
        : "queued to run, not sent yet";
    case "executing":
      return `running now (attempt ${Math.max(1, execution.attempts)})`;
    case "executed":
      return rollback === undefined
        ? `executed${at(main)}`
        : `executed${at(main)}; rollback ${words(rollback.status)}${at(rollback)}`;
    case "failed":
      return `failed${at(main)}: nothing ran, so there is nothing to roll back`;
    case "unknown":
      return `outcome unknown${at(main)}: a reconciliation review settles what happened`;
    case "dead_lettered":
      return `gave up after ${execution.attempts} attempts${at(main)}: a reconciliation review settles it`;
    case "cancelled":
      return `cancelled before it ran${at(main)}`;
    case "rolled_back":
      return `executed${at(main)}, then rolled back${at(rollback)}`;
    default: {
      const unknownStatus: never = status;
      return String(unknownStatus);
    }
  }
}

/**
 * Said first on a packet whose action already ran (the `post_review` stage, or a sampled auto-approval):
 * its status reads "auto approved" and stays so whatever the decision, so this says what ran and how
 * it stands. Nothing for a review that comes before execution.
 */
export function AlreadyExecutedNotice({ proposal }: { proposal: Proposal }) {
  if (!reviewedAfterExecution(proposal)) return null;
  const title = afterExecutionTitle(proposal.execution);
  return (
    <p className="notice already-executed" role="note" aria-label={title}>
      <strong>{title}:</strong> this action{" "}
      {title === "Already executed" ? "ran before review" : "does not wait for review"} (
      {proposal.route.sampled
        ? "sampled for a review afterwards"
        : `autonomy stage ${words(proposal.route.stage)}`}
      ). Execution: <span className="execution-state">{executionText(proposal.execution)}</span>. Approve
      keeps it; reject rolls it back.
    </p>
  );
}

/** "Already executed" once the action ran (or is running); before that, what it is instead. */
function afterExecutionTitle(execution: Proposal["execution"]): string {
  return ["executing", "executed", "rolled_back"].includes(execution.status)
    ? "Already executed"
    : "Approved automatically, reviewed afterwards";
}

/**
 * What approving sets in motion: executor, reversibility, rollback plan. For an action that already
 * ran, what the two verdicts left do to it instead, and its execution so far.
 */
export function IfApprovedSection({
  proposal,
  action,
}: {
  proposal: Proposal;
  action: ActionTypeInfo | undefined;
}) {
  const afterExecution = reviewedAfterExecution(proposal);
  const reversible =
    action === undefined
      ? "unknown"
      : action.reversible === "compensate"
        ? "by a compensating action"
        : action.reversible
          ? "yes"
          : "no";
  const executor =
    action === undefined
      ? "unknown action type"
      : action.executeVia === "agent"
        ? "the agent, with a single-use grant"
        : `Loopgate (${action.executeVia})`;
  return (
    <section aria-labelledby="approved-title" className="panel">
      <h2 id="approved-title">{afterExecution ? afterExecutionTitle(proposal.execution) : "If approved"}</h2>
      {afterExecution ? (
        <p className="why-line">
          Approve keeps it as it ran; reject rolls it back
          {proposal.rollbackPlan ? " (rollback plan below)" : " (the agent gave no rollback plan)"}.
        </p>
      ) : null}
      <dl className="signals">
        {afterExecution ? (
          <div>
            <dt>Execution</dt>
            <dd className="execution-state">{executionText(proposal.execution)}</dd>
          </div>
        ) : null}
        <div>
          <dt>Executed by</dt>
          <dd>{executor}</dd>
        </div>
        <div>
          <dt>Reversible</dt>
          <dd className={reversible === "no" ? "warning-text" : ""}>{reversible}</dd>
        </div>
        <div>
          <dt>Rollback plan</dt>
          <dd>
            <PlainText text={proposal.rollbackPlan} />
          </dd>
        </div>
        {action && action.approvals > 1 && !afterExecution ? (
          <div>
            <dt>Approvals</dt>
            <dd>
              {proposal.review?.approvalsGiven ?? 0} of {action.approvals} given
            </dd>
          </div>
        ) : null}
      </dl>
    </section>
  );
}

/** The entity's recent proposals and how they ended. */
export function HistorySection({
  entity,
  items,
  currentId,
  canAudit,
}: {
  entity: string | null;
  items: ProposalHistoryItem[] | null;
  currentId: string;
  canAudit: boolean;
}) {
  const others = (items ?? []).filter((item) => item.id !== currentId);
  return (
    <section aria-labelledby="history-title" className="panel">
      <h2 id="history-title">
        History
        {entity ? (
          <>
            {" "}
            of <code>{entity}</code>
          </>
        ) : null}
      </h2>
      {entity === null ? (
        <p className="muted">The agent named no entity (context.entity), so there is no history to show.</p>
      ) : null}
      {entity !== null && items !== null && others.length === 0 ? (
        <p className="muted">No earlier proposals.</p>
      ) : null}
      <ul className="history">
        {others.map((item) => (
          <li key={item.id}>
            <span className={`status status-${item.status}`}>{words(item.status)}</span>
            {EXECUTION_WORTH_SAYING.has(item.executionStatus) ? (
              <span className={`status status-${item.executionStatus}`}>{words(item.executionStatus)}</span>
            ) : null}{" "}
            {item.actionType} · {age(item.createdAt)} ago
            {canAudit ? <AuditTrailLink proposalId={item.id} /> : null}
            <PlainText text={item.summary} className="muted" />
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * Execution outcomes a history line names next to the proposal's status, because the status alone
 * hides them: an auto-approved action rejected after it ran stays `auto_approved` but was rolled back.
 */
const EXECUTION_WORTH_SAYING: ReadonlySet<ProposalHistoryItem["executionStatus"]> = new Set([
  "failed",
  "unknown",
  "dead_lettered",
  "cancelled",
  "rolled_back",
]);

/** "audit": opens a past proposal's audit trail (owners and auditors). */
export function AuditTrailLink({ proposalId }: { proposalId: string }) {
  return (
    <button type="button" className="link" onClick={() => navigate({ name: "audit", proposalId })}>
      audit
    </button>
  );
}
