import type { AutonomyChange } from "../api/types.ts";
import { when } from "../ui/format.ts";
import { label, rate } from "./figures.ts";

/**
 * The latest promotions and circuit-breaker demotions across agents and action types
 * (`GET /v1/autonomy/changes`), newest first: who or what changed the stage, and the reading that
 * tripped a breaker.
 */
export function AutonomyHistory({ items }: { items: AutonomyChange[] }) {
  if (items.length === 0) {
    return <p className="muted">No promotion or demotion yet: every stage is the policy's.</p>;
  }
  return (
    <table aria-label="Promotions and demotions">
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Agent · action type</th>
          <th scope="col">Change</th>
          <th scope="col">By</th>
          <th scope="col">Why</th>
          <th scope="col">Policy</th>
        </tr>
      </thead>
      <tbody>
        {items.map((c) => (
          <tr key={c.id}>
            <td>{when(c.at)}</td>
            <th scope="row">
              {c.agent} · {c.actionType}
            </th>
            <td className={c.kind === "demotion" ? "error-text" : "ok-text"}>
              {c.kind} {label(c.from)} → {label(c.to)}
            </td>
            <td>{c.by === null ? "Loopgate (circuit breaker)" : c.by.name}</td>
            <td>
              {c.reason}
              {c.breaker === null ? null : (
                <span className="muted">
                  {" "}
                  — {label(c.breaker.name)} rate {rate(c.breaker.rate)} ({c.breaker.events} of{" "}
                  {c.breaker.opportunities}) over bound {rate(c.breaker.bound)}
                </span>
              )}
            </td>
            <td>v{c.policyVersion}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
