import type { ActionTypeInfo, QueueSummary } from "../api/types.ts";
import type { InboxFilters } from "./use-inbox.ts";

/** Queue, action type, status and agent filters, each a labelled control. */
export function InboxFilterBar({
  filters,
  queues,
  actions,
  onChange,
}: {
  filters: InboxFilters;
  queues: QueueSummary[];
  actions: ActionTypeInfo[];
  onChange: (filters: InboxFilters) => void;
}) {
  const set = (patch: Partial<InboxFilters>) => onChange({ ...filters, ...patch });
  return (
    <form className="filters" aria-label="Filter the inbox" onSubmit={(e) => e.preventDefault()}>
      <label>
        Queue
        <select value={filters.queue} onChange={(e) => set({ queue: e.target.value })}>
          <option value="">All my queues</option>
          {queues.map((q) => (
            <option key={q.queue} value={q.queue}>
              {q.queue} ({q.open})
            </option>
          ))}
        </select>
      </label>
      <label>
        Action type
        <select value={filters.actionType} onChange={(e) => set({ actionType: e.target.value })}>
          <option value="">Any</option>
          {actions.map((a) => (
            <option key={a.type} value={a.type}>
              {a.type}
            </option>
          ))}
        </select>
      </label>
      <label>
        Status
        <select
          value={filters.status}
          onChange={(e) => set({ status: e.target.value as InboxFilters["status"] })}
        >
          <option value="">Waiting (pending and escalated)</option>
          <option value="pending">Pending</option>
          <option value="escalated">Escalated</option>
        </select>
      </label>
      <label>
        Agent
        <input
          value={filters.agent}
          placeholder="any agent"
          onChange={(e) => set({ agent: e.target.value.trim() })}
        />
      </label>
    </form>
  );
}
