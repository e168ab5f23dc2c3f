import { setImmediate } from "node:timers/promises";
import {
  type CompiledPolicy,
  type DecisionVerdict,
  type PolicyReplay,
  type ReplayRecord,
  type ReplayRoute,
  ruleVariables,
  type Signals,
} from "@loopgate/core";
import type { HistoryPosition, ReplayDocPart, ReplayRange, ReplayRow } from "../store/history-sql.ts";
import type { Store } from "../store/store.ts";

/** Proposals read per query: a few megabytes at a time at most. */
export const REPLAY_PAGE_SIZE = 2000;

/** The part of the Store replay reads through (a worker thread gives it its own connection). */
export type ReplayReader = Pick<Store, "replayRows" | "historyDecisions">;

/**
 * The document parts replay reads for a candidate: the action and signals always (routing reads the
 * type, and bypass resistance `signals.bypass`), and of the rest only what some rule's `when` names.
 * A part no rule reads cannot change a verdict, so it is neither copied out of the store nor parsed;
 * replay binds it empty. A rule that does not parse (never in a loaded policy) reads everything.
 */
export function replayParts(policy: CompiledPolicy): ReplayDocPart[] {
  const named = new Set<string>();
  for (const rule of policy.rules) {
    const variables = ruleVariables(rule.when);
    if (variables === null)
      return ["action", "request", "summary", "evidence", "toolCalls", "context", "signals", "agentName"];
    for (const name of variables) named.add(name);
  }
  const parts: ReplayDocPart[] = ["action", "signals"];
  for (const part of ["request", "summary", "evidence", "toolCalls", "context"] as const)
    if (named.has(part)) parts.push(part);
  if (named.has("agent")) parts.push("agentName");
  return parts;
}

/**
 * A stored proposal as replay reads it (SPEC §5): the input, signals and confidence exactly as
 * recorded when it was routed, and the route it got. Decisions come later, and only for the records
 * whose label counts (see {@link replayRange}).
 */
export function replayRecordOf(row: ReplayRow): ReplayRecord {
  const doc = row.doc;
  const confidence = (doc.confidence ?? {}) as { calibrated?: unknown; raw?: unknown };
  return {
    proposalId: row.id,
    agent: { id: row.agentId, name: typeof doc.agentName === "string" ? doc.agentName : row.agentId },
    createdAt: row.createdAt,
    input: {
      action: doc.action as ReplayRecord["input"]["action"],
      request: doc.request ?? null,
      summary: typeof doc.summary === "string" ? doc.summary : null,
      evidence: (doc.evidence ?? []) as unknown[],
      toolCalls: (doc.toolCalls ?? []) as unknown[],
      context: (doc.context ?? {}) as Record<string, unknown>,
    },
    signals: (doc.signals ?? {}) as Signals,
    confidence: { calibrated: numberOrNull(confidence.calibrated), raw: numberOrNull(confidence.raw) },
    recordedVerdict: doc.verdict as ReplayRoute,
    status: row.status,
    finalPayload: null,
    decisions: [],
  };
}

/**
 * Replays one stretch of the history into `replay`, a page at a time, oldest first: each page is
 * routed, then the decisions of the records newly automated under the candidate are read in one
 * query (their labels are the evidence), and everything is counted. Returns how many were replayed.
 */
export async function replayRange(
  reader: ReplayReader,
  replay: PolicyReplay,
  parts: readonly ReplayDocPart[],
  range: ReplayRange,
  onPage?: (replayed: number) => void,
): Promise<number> {
  let after: HistoryPosition | null = range.after;
  let done = 0;
  for (;;) {
    const rows = await reader.replayRows({ ...range, after }, parts, REPLAY_PAGE_SIZE);
    if (rows.length === 0) break;
    const records = rows.map(replayRecordOf);
    const routes = records.map((record) => replay.route(record));
    const labelled = records.filter((r, i) => r.recordedVerdict !== "auto" && routes[i] === "auto");
    if (labelled.length > 0) {
      const decided = await reader.historyDecisions(labelled.map((r) => r.proposalId));
      for (const record of labelled) {
        const found = decided.get(record.proposalId);
        if (found === undefined) continue;
        record.finalPayload = found.finalPayload;
        record.decisions = found.decisions.map((d) => ({
          id: d.id,
          reviewId: d.reviewId,
          reviewDecided: d.reviewDecided,
          verdict: d.verdict as DecisionVerdict,
          payload: d.payload,
          byId: d.byId,
          at: d.at,
          category: d.category,
          comment: d.comment,
        }));
      }
    }
    for (let i = 0; i < records.length; i++) replay.count(records[i]!, routes[i]!);
    done += rows.length;
    onPage?.(done);
    const last = rows[rows.length - 1]!;
    after = { createdAt: last.createdAt, id: last.id };
    if (rows.length < REPLAY_PAGE_SIZE) break;
    // The embedded store reads synchronously: let a server answer other requests between pages.
    await setImmediate();
  }
  return done;
}

const numberOrNull = (value: unknown): number | null =>
  typeof value === "number" && Number.isFinite(value) ? value : null;
