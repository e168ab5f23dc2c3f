import {
  approvesUnchanged,
  type DecisionFact,
  HEALTHY_OVERRIDE_BAND,
  reviewerVigilance,
  VigilanceQuery,
  type VigilanceReport,
} from "@loopgate/core";
import type { VigilanceFactRow } from "../store/vigilance-rows.ts";
import { invalidInput } from "./app-error.ts";
import type { AppDeps } from "./deps.ts";
import { type Principal, requireRole } from "./principal.ts";
import { parseInput } from "./zod-issues.ts";

const DAY_MS = 86_400_000;
/** The default window: the last 30 days. */
const DEFAULT_WINDOW_MS = 30 * DAY_MS;

/**
 * `GET /v1/vigilance` (SPEC §5): per reviewer over a window, dwell time against packet length,
 * approvals without the evidence opened, approval streaks, the override rate against the healthy band,
 * the canary catch rate and, on blind reviews, how often the first judgement changed. Owners and
 * auditors only: this is also where canaries are revealed.
 */
export async function readVigilance(
  deps: AppDeps,
  principal: Principal,
  query: Record<string, string>,
): Promise<VigilanceReport> {
  requireRole(principal, ["owner", "auditor"]);
  const parsed = parseInput(VigilanceQuery, query, "invalid_query", "query");
  const to = parsed.to === undefined ? deps.now() : new Date(parsed.to);
  const from = parsed.from === undefined ? new Date(to.getTime() - DEFAULT_WINDOW_MS) : new Date(parsed.from);
  if (from.getTime() >= to.getTime()) {
    throw invalidInput("invalid_query", [{ path: "query.from", message: "must be before `to`" }]);
  }
  const reviewer = parsed.reviewer;
  const reviewerId =
    reviewer === undefined
      ? undefined
      : ((await deps.store.user(reviewer))?.id ?? (await deps.store.userByName(reviewer))?.id ?? reviewer);
  const rows = await deps.store.vigilanceFacts(from.toISOString(), to.toISOString(), reviewerId);
  const facts = rows.map(decisionFact);
  return {
    items: reviewerVigilance(facts),
    window: { from: from.toISOString(), to: to.toISOString() },
    band: { ...HEALTHY_OVERRIDE_BAND },
    canaries: facts
      .filter((fact) => fact.canary !== null)
      .map((fact) => ({
        proposalId: fact.proposalId,
        name: fact.canary as string,
        reviewer: fact.reviewer,
        verdict: fact.verdict,
        caught: !approvesUnchanged(fact.verdict),
        at: fact.at,
      })),
  };
}

/** A stored decision with its activity as the pure vigilance maths reads it. */
export function decisionFact(row: VigilanceFactRow): DecisionFact {
  // Only what happened before the decision counts: evidence shown afterwards proves nothing about it.
  const before = (time: string | null) => (time !== null && time <= row.at ? time : null);
  return {
    reviewer: { id: row.byId, name: row.byName },
    reviewId: row.reviewId,
    proposalId: row.proposalId,
    verdict: row.verdict,
    at: row.at,
    firstOpenedAt: before(row.firstOpenedAt),
    evidenceOpenedAt: before(row.evidenceOpenedAt),
    packetChars: row.packetChars ?? 0,
    hasEvidence: (row.evidenceItems ?? 0) > 0,
    canary: row.canary,
    judgement: row.judgement?.verdict ?? null,
  };
}
