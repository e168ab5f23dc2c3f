import type { Proposal } from "../api/types.ts";
import { percent, when } from "../ui/format.ts";
import { JsonText, PlainText, SafeLink } from "../ui/safe.tsx";

/** The customer's (or other requester's) original request, as the agent received it. */
export function RequestSection({ request }: { request: Proposal["request"] }) {
  return (
    <section aria-labelledby="request-title" className="panel">
      <h2 id="request-title">Original request</h2>
      {request === null ? (
        <p className="muted">The agent sent no original request.</p>
      ) : (
        <>
          <p className="meta">
            {[request.channel, request.from, request.subject].filter(Boolean).join(" · ")}
            {request.receivedAt ? ` · ${when(request.receivedAt)}` : ""}
          </p>
          <PlainText text={request.text} className="request-text" />
        </>
      )}
    </section>
  );
}

/** What the agent relied on: sources, snippets and retrieval scores. */
export function EvidenceSection({
  evidence,
  newFrom = null,
  approving = true,
}: {
  evidence: Proposal["evidence"];
  /** Items from this index on came with the agent's latest answer to a request for information. */
  newFrom?: number | null;
  /** Whether the reviewer is asked to approve: on a reconciliation review nothing is left to approve. */
  approving?: boolean;
}) {
  return (
    <section aria-labelledby="evidence-title" className="panel">
      <h2 id="evidence-title">Evidence ({evidence.length})</h2>
      {evidence.length === 0 ? (
        <p className="warning">
          No evidence: the agent cited nothing.
          {approving ? " Check the claim yourself before approving." : ""}
        </p>
      ) : (
        <ol className="evidence">
          {evidence.map((item, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: evidence has no required id
            <li key={index}>
              <div className="evidence-head">
                <strong>{evidenceHeading(item)}</strong>
                {newFrom !== null && index >= newFrom ? (
                  <span className="badge new-evidence">new with the answer</span>
                ) : null}
                {evidenceMeta(item) === "" ? null : <span className="meta">{evidenceMeta(item)}</span>}
                {item.score !== undefined ? (
                  <span className="score" title="retrieval score">
                    score {percent(item.score)}
                  </span>
                ) : null}
              </div>
              {item.url ? <SafeLink href={item.url} /> : null}
              <PlainText text={item.snippet} className="snippet" />
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

type EvidenceItem = { title?: string | undefined; id?: string | undefined; source: string };

/** An evidence item's heading: its title, else its id, else its source. */
function evidenceHeading(item: EvidenceItem): string {
  return item.title ?? item.id ?? item.source;
}

/** Source and id beside the heading, each only when the heading is not already it ("orders orders"). */
function evidenceMeta(item: EvidenceItem): string {
  const heading = evidenceHeading(item);
  return [item.source, item.id]
    .filter((part): part is string => part !== undefined && part !== "" && part !== heading)
    .join(" · ");
}

/** Tool calls the agent already made while preparing the proposal. */
export function ToolCallsSection({ toolCalls }: { toolCalls: Proposal["toolCalls"] }) {
  return (
    <section aria-labelledby="tools-title" className="panel">
      <h2 id="tools-title">Tool calls ({toolCalls.length})</h2>
      {toolCalls.length === 0 ? <p className="muted">None made.</p> : null}
      {toolCalls.map((call, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: calls have no id; order is what matters
        <details key={index} className="tool-call">
          <summary>
            <code>{call.name}</code>
            {call.error ? <span className="error-text"> failed: {call.error}</span> : null}
          </summary>
          <h3>Input</h3>
          <JsonText value={call.input} label={`${call.name} input`} />
          <h3>Output</h3>
          <JsonText value={call.output} label={`${call.name} output`} />
        </details>
      ))}
    </section>
  );
}

/** Other courses of action the agent considered. */
export function AlternativesSection({ alternatives }: { alternatives: Proposal["alternatives"] }) {
  return (
    <section aria-labelledby="alternatives-title" className="panel">
      <h2 id="alternatives-title">Alternatives the agent offered</h2>
      {alternatives.length === 0 ? <p className="muted">None.</p> : null}
      <ul>
        {alternatives.map((alt, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: alternatives have no id
          <li key={index}>
            <PlainText text={alt.summary} />
            {alt.action ? <JsonText value={alt.action} label="alternative action" /> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
