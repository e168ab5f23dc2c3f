import { type FormEvent, useEffect, useState } from "react";
import { api, query } from "../api/client.ts";
import type { AuditChainStatus, AuditEntry, ListPage } from "../api/types.ts";
import { navigate } from "../app/router.ts";
import { when } from "../ui/format.ts";
import { JsonText } from "../ui/safe.tsx";

/** A proposal's audit trail, with the stored chain's verification status. Owners and auditors. */
export function AuditView({ proposalId }: { proposalId: string | null }) {
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [chain, setChain] = useState<AuditChainStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [input, setInput] = useState(proposalId ?? "");

  useEffect(() => {
    setEntries(null);
    setError(null);
    api<AuditChainStatus>("GET", "/v1/audit/verification")
      .then(setChain)
      .catch((e: Error) => setError(e.message));
    const path = `/v1/audit${query({ proposalId, limit: 200 })}`;
    api<ListPage<AuditEntry>>("GET", path)
      .then((page) => setEntries(proposalId ? page.items : page.items.slice(-50).reverse()))
      .catch((e: Error) => setError(e.message));
  }, [proposalId]);

  function submit(event: FormEvent) {
    event.preventDefault();
    navigate({ name: "audit", proposalId: input.trim() || null });
  }

  return (
    <main className="owner" aria-labelledby="audit-title">
      <h1 id="audit-title">Audit trail</h1>
      <section className="panel" aria-label="Chain verification">
        {chain === null ? (
          <p className="muted">Verifying the chain…</p>
        ) : chain.ok ? (
          <p className="ok-text" role="status">
            Chain verified: {chain.count} entries, every hash recomputed and every link followed
            {chain.head ? ` up to entry #${chain.head.seq}` : ""} ({when(chain.checkedAt)}).
          </p>
        ) : (
          <p className="error" role="alert">
            The chain does NOT verify{chain.problem?.seq ? ` at entry #${chain.problem.seq}` : ""}:{" "}
            {chain.problem?.reason}. Export it with <code>loopgate audit export</code> and keep the copy.
          </p>
        )}
      </section>
      <form onSubmit={submit} className="filters">
        <label>
          Proposal id
          <input value={input} onChange={(e) => setInput(e.target.value)} placeholder="all recent entries" />
        </label>
        <button type="submit">Show</button>
      </form>
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
      {entries !== null && entries.length === 0 ? (
        <p className="muted">No audit entries{proposalId ? " for this proposal: check the id" : ""}.</p>
      ) : null}
      {entries !== null && entries.length > 0 ? (
        <table className="audit" aria-label="Audit entries">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">What</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr key={entry.seq}>
                <td>{entry.seq}</td>
                <td>{when(entry.at)}</td>
                <td>
                  {entry.actor.name} <span className="muted">({entry.actor.kind})</span>
                </td>
                <td>
                  <code>{entry.type}</code>
                </td>
                <td>
                  <details>
                    <summary>data · hash {entry.hash.slice(0, 12)}…</summary>
                    <JsonText value={entry.data} label={`entry ${entry.seq} data`} />
                  </details>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </main>
  );
}
