import type { DecisionVerdict } from "../lifecycle/statuses.ts";
import type { OverrideBand, ReviewerVigilance } from "../wire/vigilance.ts";

/**
 * Reviewer vigilance (SPEC §5): rubber-stamping measured from what each reviewer did, not assumed away.
 * Pure: the store hands in one fact per decision, the caller owns the window and the clock.
 */

/** The healthy override band: a share of decisions other than approve-unchanged between 5% and 20%. */
export const HEALTHY_OVERRIDE_BAND = Object.freeze({ low: 0.05, high: 0.2 });

/** One decision as vigilance sees it, with what the reviewer was seen doing before it. */
export interface DecisionFact {
  reviewer: { id: string; name: string };
  reviewId: string;
  proposalId: string;
  verdict: DecisionVerdict;
  at: string;
  /** When this reviewer first opened the packet of this review; null when never seen reading it. */
  firstOpenedAt: string | null;
  /** When this reviewer first had the evidence shown; null when never. */
  evidenceOpenedAt: string | null;
  /** Characters of summary, payload, evidence and request the packet showed. */
  packetChars: number;
  /** Whether the proposal carried any evidence to open. */
  hasEvidence: boolean;
  /** The canary's name when the proposal was a seeded known-bad one; null for a real proposal. */
  canary: string | null;
  /** The reviewer's first judgement on a blind review, when one was recorded. */
  judgement: DecisionVerdict | null;
}

/** Whether a verdict approves the proposed action unchanged (anything else is an override). */
export const approvesUnchanged = (verdict: DecisionVerdict): boolean => verdict === "approve";

/** The band an override rate falls in. */
export function overrideBand(rate: number, band = HEALTHY_OVERRIDE_BAND): OverrideBand {
  if (rate < band.low) return "below";
  if (rate > band.high) return "above";
  return "healthy";
}

/** The median of `values`, or null for none (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] as number;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] as number) + upper) / 2;
}

/**
 * The longest run of approvals unchanged, and the run that ends with the latest decision, in the
 * order given (oldest first).
 */
export function approvalStreaks(verdicts: readonly DecisionVerdict[]): { longest: number; current: number } {
  let longest = 0;
  let current = 0;
  for (const verdict of verdicts) {
    current = approvesUnchanged(verdict) ? current + 1 : 0;
    longest = Math.max(longest, current);
  }
  return { longest, current };
}

/** Time from first opening the packet to deciding, in ms; null when the opening was never seen. */
export function dwellMs(fact: Pick<DecisionFact, "firstOpenedAt" | "at">): number | null {
  if (fact.firstOpenedAt === null) return null;
  return Math.max(0, Date.parse(fact.at) - Date.parse(fact.firstOpenedAt));
}

/**
 * Each reviewer's vigilance from their decisions in a window. Canaries are kept apart: they count
 * only towards the catch rate, so seeding them never moves a reviewer's override rate or streaks.
 * Reviewers are ordered by name; a reviewer appears once they decided anything in the window.
 */
export function reviewerVigilance(facts: readonly DecisionFact[]): ReviewerVigilance[] {
  const byReviewer = new Map<string, DecisionFact[]>();
  for (const fact of facts) {
    const list = byReviewer.get(fact.reviewer.id);
    if (list === undefined) byReviewer.set(fact.reviewer.id, [fact]);
    else list.push(fact);
  }
  const items: ReviewerVigilance[] = [];
  for (const list of byReviewer.values()) {
    list.sort((a, b) => a.at.localeCompare(b.at) || a.reviewId.localeCompare(b.reviewId));
    items.push(oneReviewer(list));
  }
  return items.sort(
    (a, b) => a.reviewer.name.localeCompare(b.reviewer.name) || a.reviewer.id.localeCompare(b.reviewer.id),
  );
}

function oneReviewer(facts: readonly DecisionFact[]): ReviewerVigilance {
  const reviewer = (facts[facts.length - 1] as DecisionFact).reviewer;
  const real = facts.filter((f) => f.canary === null);
  const canaries = facts.filter((f) => f.canary !== null);

  const dwells: number[] = [];
  const perKChar: number[] = [];
  const packetChars: number[] = [];
  for (const fact of real) {
    const ms = dwellMs(fact);
    if (ms === null) continue;
    dwells.push(ms);
    packetChars.push(fact.packetChars);
    if (fact.packetChars > 0) perKChar.push(ms / (fact.packetChars / 1000));
  }
  const approvals = real.filter((f) => approvesUnchanged(f.verdict));
  const overrides = real.length - approvals.length;
  const overrideRate = real.length === 0 ? 0 : overrides / real.length;
  const caught = canaries.filter((f) => !approvesUnchanged(f.verdict)).length;
  const judged = real.filter((f) => f.judgement !== null);
  const changedMind = judged.filter((f) => f.judgement !== f.verdict).length;

  return {
    reviewer: { id: reviewer.id, name: reviewer.name },
    decisions: real.length,
    dwell: {
      measured: dwells.length,
      p50Ms: median(dwells),
      p50MsPerKChar: round(median(perKChar)),
      p50PacketChars: median(packetChars),
    },
    approvals: approvals.length,
    approvalsWithoutEvidence: approvals.filter((f) => f.hasEvidence && f.evidenceOpenedAt === null).length,
    streak: approvalStreaks(real.map((f) => f.verdict)),
    overrideRate,
    band: overrideBand(overrideRate),
    canaries: {
      seen: canaries.length,
      caught,
      catchRate: canaries.length === 0 ? null : caught / canaries.length,
    },
    blind: {
      judged: judged.length,
      changedMind,
      changedMindRate: judged.length === 0 ? null : changedMind / judged.length,
    },
  };
}

function round(value: number | null): number | null {
  return value === null ? null : Math.round(value * 10) / 10;
}

/**
 * The length of a packet as a reviewer reads it: characters of the summary, the proposed payload, the
 * evidence and the original request (JSON text for the structured parts).
 */
export function packetLength(packet: {
  summary: string | null;
  payload: unknown;
  evidence: readonly unknown[];
  request: unknown;
}): number {
  const json = (value: unknown) => (value === null || value === undefined ? 0 : JSON.stringify(value).length);
  return (
    (packet.summary?.length ?? 0) +
    json(packet.payload) +
    (packet.evidence.length === 0 ? 0 : json(packet.evidence)) +
    json(packet.request)
  );
}
