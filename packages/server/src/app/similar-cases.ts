import { maskPii, rankSimilarCases, type SimilarCase, SimilarCasesQuery } from "@loopgate/core";
import type { DecisionRow, ProposalRow } from "../store/store.ts";
import type { AppDeps } from "./deps.ts";
import { type Principal, requireRole } from "./principal.ts";
import { loadProposal } from "./review-access.ts";
import { parseInput } from "./zod-issues.ts";

/**
 * Past cases compared per request: the agent's latest proposals of the type that people decided. Enough
 * for the recurring kinds of case to be there, few enough to read and compare in a few milliseconds.
 */
const POOL = 200;

/** The start of a past request shown beside its summary: a reviewer reads it at a glance. */
const REQUEST_CHARS = 280;

/**
 * `GET /v1/proposals/:id/similar`: past proposals of the same agent and action type that people
 * decided, most alike first (by their request and summary, {@link rankSimilarCases}), each with the
 * decision that closed it — the review page's "similar past cases", so a reviewer sees how cases like
 * this one went. People only; text is masked for those without the PII permission.
 *
 * @example
 * ```ts
 * const { items } = await similarCases(deps, principal, proposalId, { limit: "3" });
 * // items[0]: { id, similarity: 0.71, status: "approved_with_edits", decision: { verdict: "edit", by, … } }
 * ```
 */
export async function similarCases(
  deps: AppDeps,
  principal: Principal,
  proposalId: string,
  query: Record<string, string>,
): Promise<{ items: SimilarCase[] }> {
  const person = requireRole(principal, ["reviewer", "owner", "auditor"]);
  const { limit } = parseInput(SimilarCasesQuery, query, "invalid_query", "query");
  const proposal = await loadProposal(deps, proposalId);
  const pool = (await deps.store.decidedProposalsOfPair(proposal.agentId, proposal.actionType, POOL)).filter(
    (row) => row.id !== proposal.id,
  );
  const ranked = rankSimilarCases(
    caseText(proposal),
    pool.map((row) => ({ id: row.id, text: caseText(row) })),
    { limit },
  );
  const byId = new Map(pool.map((row) => [row.id, row]));
  const decisions = await Promise.all(ranked.map((r) => deps.store.decisionsOfProposal(r.id)));
  const shown = <T>(value: T): T => (person.user.pii ? value : (maskPii(value) as T));
  return {
    items: ranked.map((r, i) => {
      const row = byId.get(r.id)!;
      const closing = closingDecision(decisions[i] ?? []);
      const request = textOf(row.doc.request?.text);
      return {
        id: row.id,
        similarity: r.similarity,
        status: row.status,
        summary: shown(row.doc.summary ?? null),
        request: request === null ? null : shown(excerpt(request)),
        createdAt: row.createdAt,
        decision:
          closing === null
            ? null
            : {
                verdict: closing.verdict as NonNullable<SimilarCase["decision"]>["verdict"],
                by: { id: closing.byId, name: closing.byName },
                at: closing.at,
                category: closing.category,
                comment: closing.comment === null ? null : shown(closing.comment),
              },
      };
    }),
  };
}

/** What a case is about: the customer's subject and words, and the agent's summary of what it proposes. */
function caseText(row: ProposalRow): string {
  const { request, summary } = row.doc;
  return [textOf(request?.subject), textOf(request?.text), summary]
    .filter((part) => part !== null)
    .join("\n");
}

function textOf(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

/** The last decision recorded: the one that closed the proposal (earlier ones were approvals of N). */
function closingDecision(decisions: readonly DecisionRow[]): DecisionRow | null {
  return decisions.reduce<DecisionRow | null>(
    (last, d) => (last === null || d.at >= last.at ? d : last),
    null,
  );
}

function excerpt(text: string): string {
  return text.length <= REQUEST_CHARS ? text : `${text.slice(0, REQUEST_CHARS - 1).trimEnd()}…`;
}
