import { setImmediate } from "node:timers/promises";
import type { DecisionVerdict, ReplayRecord, Route, Signals } from "@loopgate/core";
import type { HistoryRow } from "../store/history-sql.ts";
import type { Store } from "../store/store.ts";

/**
 * Proposals read per store query by replay and feedback export: large enough that a million proposals
 * take a thousand queries, small enough that only a few megabytes are held at a time.
 */
export const HISTORY_PAGE_SIZE = 1000;

/**
 * A stored proposal as replay reads it: the input, signals and confidence exactly as recorded when it
 * was routed, the route it got, where it ended and every decision on it (SPEC §5).
 */
export function replayRecord(row: HistoryRow): ReplayRecord {
  const { proposal, reviews, decisions } = row;
  const doc = proposal.doc;
  const decided = new Set(reviews.filter((r) => r.status === "decided").map((r) => r.id));
  const confidence = (doc.confidence ?? {}) as { calibrated?: unknown; raw?: unknown };
  return {
    proposalId: proposal.id,
    agent: { id: proposal.agentId, name: doc.agentName ?? proposal.agentId },
    createdAt: proposal.createdAt,
    input: {
      action: doc.action,
      request: doc.request,
      summary: doc.summary,
      evidence: doc.evidence,
      toolCalls: doc.toolCalls,
      context: doc.context,
    },
    signals: doc.signals as Signals,
    confidence: { calibrated: numberOrNull(confidence.calibrated), raw: numberOrNull(confidence.raw) },
    recordedVerdict: (doc.route as Route).verdict,
    status: proposal.status,
    finalPayload: doc.finalPayload,
    decisions: decisions.map((d) => ({
      id: d.id,
      reviewId: d.reviewId,
      reviewDecided: decided.has(d.reviewId),
      verdict: d.verdict as DecisionVerdict,
      payload: d.payload,
      byId: d.byId,
      at: d.at,
      category: d.category,
      comment: d.comment,
    })),
  };
}

/**
 * Walks the stored history from `since` (every proposal when null) page by page, oldest first, calling
 * `visit` for each record and `onProgress` after each page with how many were read of how many.
 */
export async function walkHistory(
  store: Store,
  since: string | null,
  visit: (record: ReplayRecord) => void | Promise<void>,
  onProgress?: (done: number, total: number) => void,
): Promise<number> {
  const total = onProgress === undefined ? 0 : await store.historySize(since);
  let done = 0;
  let cursor: string | undefined;
  do {
    const page = await store.historyPage(since, HISTORY_PAGE_SIZE, cursor);
    for (const row of page.items) await visit(replayRecord(row));
    done += page.items.length;
    // A server may add proposals meanwhile: the total is a floor, never shown below what was read.
    onProgress?.(done, Math.max(total, done));
    cursor = page.nextCursor ?? undefined;
    // The embedded store reads synchronously: let a server answer other requests between pages.
    await setImmediate();
  } while (cursor !== undefined);
  return done;
}

const numberOrNull = (value: unknown): number | null =>
  typeof value === "number" && Number.isFinite(value) ? value : null;
