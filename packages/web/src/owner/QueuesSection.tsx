import type { QueueSummary } from "../api/types.ts";
import { age, dueText } from "../ui/format.ts";

/**
 * Queue depth and age now (`GET /v1/reviews/summary`): open reviews per queue against its capacity
 * (past it, the policy's `overload` section applies), how long the oldest has waited and the next due
 * time, with a bar for the depth. The table is the chart.
 */
export function QueuesSection({ queues, selected }: { queues: QueueSummary[]; selected: string }) {
  if (queues.length === 0) return <p className="muted">No queue has open reviews.</p>;
  const deepest = Math.max(1, ...queues.map((q) => q.open));
  return (
    <table aria-label="Queue depth and age" className="queue-depth">
      <thead>
        <tr>
          <th scope="col">Queue</th>
          <th scope="col">Open reviews</th>
          <th scope="col">Capacity</th>
          <th scope="col">Oldest waiting</th>
          <th scope="col">Next due</th>
        </tr>
      </thead>
      <tbody>
        {queues.map((q) => (
          <tr key={q.queue} className={q.queue === selected ? "selected" : undefined}>
            <th scope="row">{q.queue}</th>
            <td>
              <span className="depth">
                <svg width="120" height="10" aria-hidden="true">
                  <rect
                    x="0"
                    y="1"
                    height="8"
                    width={(120 * q.open) / deepest}
                    className={q.overloaded ? "depth-bar over" : "depth-bar"}
                  />
                </svg>
                {q.open}
              </span>
            </td>
            <td>
              {q.capacity === null || q.capacity === undefined ? "no limit" : q.capacity}
              {q.overloaded ? <strong className="error-text"> · overloaded</strong> : null}
            </td>
            <td>{age(q.oldestAt)}</td>
            <td className={Date.parse(q.nextDueAt) < Date.now() ? "overdue" : undefined}>
              {dueText(q.nextDueAt)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
