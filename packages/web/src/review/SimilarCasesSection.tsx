import { useEffect, useState } from "react";
import { api } from "../api/client.ts";
import type { SimilarCase } from "../api/types.ts";
import { age, percent, words } from "../ui/format.ts";
import { PlainText } from "../ui/safe.tsx";
import { AuditTrailLink } from "./RiskSections.tsx";

/**
 * Similar past cases: the agent's earlier proposals of this action type that people decided, most alike
 * first, with how each was decided and why — so a reviewer sees how cases like this one went before.
 * Loaded after the packet, so it never delays the decision.
 */
export function SimilarCasesSection({ proposalId, canAudit }: { proposalId: string; canAudit: boolean }) {
  const [items, setItems] = useState<SimilarCase[] | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    setItems(null);
    setFailed(false);
    api<{ items: SimilarCase[] }>("GET", `/v1/proposals/${encodeURIComponent(proposalId)}/similar?limit=3`)
      .then((page) => live && setItems(page.items))
      .catch(() => live && setFailed(true));
    return () => {
      live = false;
    };
  }, [proposalId]);

  return (
    <section aria-labelledby="similar-title" className="panel">
      <h2 id="similar-title">Similar past cases</h2>
      {failed ? <p className="muted">Similar cases could not be loaded.</p> : null}
      {items === null && !failed ? <p className="muted">Looking for similar cases…</p> : null}
      {items !== null && items.length === 0 ? (
        <p className="muted">No case people decided for this agent and action type is much like this one.</p>
      ) : null}
      <ul className="history similar-cases">
        {(items ?? []).map((item) => (
          <li key={item.id} aria-label={`Similar case ${item.id}`}>
            <span className={`status status-${item.status}`}>{words(item.status)}</span>{" "}
            <span className="muted">
              {percent(item.similarity)} alike · {age(item.createdAt)} ago
            </span>
            {canAudit ? <AuditTrailLink proposalId={item.id} /> : null}
            <PlainText text={item.summary} />
            {item.request ? <PlainText text={item.request} className="muted" /> : null}
            {item.decision ? (
              <p className="meta">
                {words(item.decision.verdict)} by {item.decision.by.name}
                {item.decision.category ? ` · ${words(item.decision.category)}` : ""}
                {item.decision.comment ? <PlainText text={`“${item.decision.comment}”`} /> : null}
              </p>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
