import { useState } from "react";
import { api } from "../api/client.ts";
import type { AutonomyChange, AutonomyCriterion, AutonomyState, PersonView } from "../api/types.ts";
import { when } from "../ui/format.ts";
import { label, rate, score } from "./figures.ts";

const CRITERIA = {
  decisions: { name: "Reviewed decisions", format: (v: number) => String(v) },
  overrideRate: { name: "Override rate", format: rate },
  calibrationError: { name: "Calibration error (ECE)", format: score },
} as const;

function Criterion({ criterion }: { criterion: AutonomyCriterion }) {
  const { name, format } = CRITERIA[criterion.name];
  return (
    <tr>
      <th scope="row">{name}</th>
      <td>{criterion.value === null ? "no evidence yet" : format(criterion.value)}</td>
      <td>
        {criterion.comparison === "at_least" ? "≥" : "≤"} {format(criterion.bound)}
      </td>
      <td className={criterion.met ? "ok-text" : "error-text"}>{criterion.met ? "✓ met" : "✗ not met"}</td>
    </tr>
  );
}

function change(c: AutonomyChange): string {
  const by = c.by === null ? "Loopgate (circuit breaker)" : c.by.name;
  const reading =
    c.breaker === null
      ? ""
      : ` — ${label(c.breaker.name)} rate ${rate(c.breaker.rate)} over bound ${rate(c.breaker.bound)}`;
  return `${when(c.at)}: ${c.kind} ${label(c.from)} → ${label(c.to)} by ${by} (${c.reason})${reading}, policy v${c.policyVersion}`;
}

/** One agent × action type: stage, promotion evidence, breakers, the pending promotion and history. */
function AutonomyCard({
  state,
  user,
  onChanged,
}: {
  state: AutonomyState;
  user: PersonView;
  onChanged: () => void;
}) {
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const [comment, setComment] = useState("");
  const name = `${state.agent} · ${state.actionType}`;
  const pending = state.pendingPromotion;

  async function send(path: string, body: unknown, done: string) {
    setMessage(null);
    try {
      await api("POST", path, body);
      setMessage({ error: false, text: done });
      setComment("");
      onChanged();
    } catch (e) {
      setMessage({ error: true, text: (e as Error).message });
    }
  }

  return (
    <article className="panel pair" aria-label={`Autonomy of ${name}`}>
      <h3>{name}</h3>
      <p>
        Stage in force: <strong className="stage">{label(state.stage)}</strong>
        {state.policyStage !== state.stage ? (
          <span className="muted"> (the policy says {label(state.policyStage)})</span>
        ) : null}
        {state.since ? <span className="muted"> since {when(state.since)}</span> : null}
        {state.next ? <span className="muted"> · next: {label(state.next)}</span> : " · top stage"}
      </p>
      <table className="compact" aria-label={`Promotion criteria of ${name}`}>
        <thead>
          <tr>
            <th scope="col">Criterion</th>
            <th scope="col">Measured</th>
            <th scope="col">Bound</th>
            <th scope="col">Met</th>
          </tr>
        </thead>
        <tbody>
          {state.criteria.map((c) => (
            <Criterion key={c.name} criterion={c} />
          ))}
        </tbody>
      </table>
      <table className="compact" aria-label={`Circuit breakers of ${name}`}>
        <thead>
          <tr>
            <th scope="col">Breaker</th>
            <th scope="col">Rate</th>
            <th scope="col">Bound</th>
            <th scope="col">Events</th>
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          {state.breakers.map((b) => (
            <tr key={b.name}>
              <th scope="row">{label(b.name)}</th>
              <td>{rate(b.rate)}</td>
              <td>≤ {rate(b.bound)}</td>
              <td>
                {b.events} of {b.opportunities}
                {b.opportunities < b.minEvents ? (
                  <span className="muted"> (trips from {b.minEvents})</span>
                ) : null}
              </td>
              <td className={b.tripped ? "error-text" : "ok-text"}>{b.tripped ? "tripped" : "closed"}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="meta">
        Breakers over {when(state.window.from)} – {when(state.window.to)}
      </p>
      {message ? (
        <p role={message.error ? "alert" : "status"} className={message.error ? "error" : "ok-text"}>
          {message.text}
        </p>
      ) : null}
      {pending ? (
        <section className="notice" aria-label={`Pending promotion of ${name}`}>
          Promotion to <strong>{label(pending.to)}</strong> asked by {pending.requestedBy.name},{" "}
          {when(pending.requestedBy.at)}
          {pending.comment ? ` — “${pending.comment}”` : ""}: a different owner approves it.
          {user.role === "owner" ? (
            <button
              type="button"
              className="primary"
              onClick={() =>
                void send(
                  `/v1/autonomy/promotions/${encodeURIComponent(pending.id)}/approve`,
                  {},
                  `Promoted ${name} to ${label(pending.to)}.`,
                )
              }
            >
              Approve promotion
            </button>
          ) : null}
        </section>
      ) : user.role === "owner" && state.next !== null ? (
        <form
          className="filters"
          onSubmit={(event) => {
            event.preventDefault();
            void send(
              "/v1/autonomy/promotions",
              {
                agent: state.agent,
                actionType: state.actionType,
                ...(comment.trim() ? { comment: comment.trim() } : {}),
              },
              `Asked to promote ${name} to ${label(state.next ?? "")}: a different owner approves it.`,
            );
          }}
        >
          <label>
            Comment
            <input value={comment} onChange={(e) => setComment(e.target.value)} placeholder="optional" />
          </label>
          <button
            type="submit"
            disabled={!state.eligible}
            aria-describedby={`unmet-${state.agent}-${state.actionType}`}
          >
            Ask to promote to {label(state.next)}
          </button>
          {state.eligible ? null : (
            <span className="warning" id={`unmet-${state.agent}-${state.actionType}`}>
              Not every criterion is met yet: the server would refuse the promotion until they are.
            </span>
          )}
        </form>
      ) : null}
      {state.history.length > 0 ? (
        <details>
          <summary>History ({state.history.length})</summary>
          <ul className="history">
            {state.history.map((c) => (
              <li key={c.id} className={c.kind === "demotion" ? "error-text" : undefined}>
                {change(c)}
              </li>
            ))}
          </ul>
        </details>
      ) : (
        <p className="meta">No promotion or demotion yet.</p>
      )}
    </article>
  );
}

/** Earned autonomy per agent × action type (`GET /v1/autonomy`). */
export function AutonomyPanel({
  items,
  user,
  onChanged,
}: {
  items: AutonomyState[];
  user: PersonView;
  onChanged: () => void;
}) {
  if (items.length === 0) return <p className="muted">No agent has proposed anything yet.</p>;
  return (
    <div className="pair-grid">
      {items.map((state) => (
        <AutonomyCard
          key={`${state.agent}\u0000${state.actionType}`}
          state={state}
          user={user}
          onChanged={onChanged}
        />
      ))}
    </div>
  );
}
