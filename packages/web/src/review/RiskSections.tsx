import type { ActionTypeInfo, Proposal, ProposalHistoryItem } from "../api/types.ts";
import { navigate } from "../app/router.ts";
import { age, percent, words } from "../ui/format.ts";
import { PlainText } from "../ui/safe.tsx";

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

/** Calibrated confidence next to the agent's raw number, and every signal. */
export function SignalsSection({ proposal }: { proposal: Proposal }) {
  const { signals, confidence } = proposal;
  const pii = Object.entries(signals.pii)
    .filter(([kind, found]) => kind !== "any" && found)
    .map(([kind]) => kind);
  const rows: [string, string][] = [
    [
      "Calibrated confidence",
      confidence.calibrated === null ? "— (no calibration yet)" : percent(confidence.calibrated),
    ],
    ["Agent's raw confidence", percent(confidence.raw ?? signals.agentConfidence)],
    ["Grounding in evidence", percent(signals.grounding)],
    ["Personal data", pii.length === 0 ? "none found" : pii.join(", ")],
    ["Sensitive topics", signals.topics.length === 0 ? "none" : signals.topics.join(", ")],
    ["Amount", signals.amount === null ? "—" : String(signals.amount)],
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

/** What approving sets in motion: executor, reversibility, rollback plan. */
export function IfApprovedSection({
  proposal,
  action,
}: {
  proposal: Proposal;
  action: ActionTypeInfo | undefined;
}) {
  const reversible =
    action === undefined
      ? "unknown"
      : action.reversible === "compensate"
        ? "by a compensating action"
        : action.reversible
          ? "yes"
          : "no";
  return (
    <section aria-labelledby="approved-title" className="panel">
      <h2 id="approved-title">If approved</h2>
      <dl className="signals">
        <div>
          <dt>Executed by</dt>
          <dd>
            {action === undefined
              ? "unknown action type"
              : action.executeVia === "agent"
                ? "the agent, with a single-use grant"
                : `Loopgate (${action.executeVia})`}
          </dd>
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
        {action && action.approvals > 1 ? (
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
            <span className={`status status-${item.status}`}>{words(item.status)}</span> {item.actionType} ·{" "}
            {age(item.createdAt)} ago
            {canAudit ? (
              <button
                type="button"
                className="link"
                onClick={() => navigate({ name: "audit", proposalId: item.id })}
              >
                audit
              </button>
            ) : null}
            <PlainText text={item.summary} className="muted" />
          </li>
        ))}
      </ul>
    </section>
  );
}
