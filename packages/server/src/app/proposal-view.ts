import { canonicalString, maskPii, type Proposal } from "@loopgate/core";
import type { DecisionRow, ProposalRow, ReviewRow } from "../store/store.ts";
import { hashCanonicalNative, hashPayloadNative } from "./native-hash.ts";
import type { Principal } from "./principal.ts";

/**
 * Builds the API's view of a proposal from its rows. People without the PII permission get every
 * agent-supplied text and payload with personal data masked — the API masks, not the browser — and
 * the packet hash is computed over exactly what the caller is shown.
 */
export function proposalView(
  row: ProposalRow,
  reviews: readonly ReviewRow[],
  decisions: readonly DecisionRow[],
  viewer: Principal | null,
): Proposal {
  const mask = viewer?.kind === "user" && !viewer.user.pii;
  const m = mask ? masked : unmasked;
  const doc = row.doc;
  const reviewViews = reviews.map(reviewSummary);
  const open = reviews.find((r) => r.status === "pending" || r.status === "escalated");
  const last = reviews[reviews.length - 1];
  const packet = {
    action: m(doc.action),
    finalPayload: m(doc.finalPayload),
    request: m(doc.request),
    summary: m(doc.summary),
    evidence: m(doc.evidence),
    toolCalls: m(doc.toolCalls),
    context: m(doc.context),
    alternatives: m(doc.alternatives),
  };
  return {
    id: row.id,
    status: row.status,
    agent: row.agentId,
    revision: doc.revision,
    action: packet.action as Proposal["action"],
    finalPayload: packet.finalPayload,
    request: packet.request as Proposal["request"],
    summary: packet.summary,
    evidence: packet.evidence as Proposal["evidence"],
    toolCalls: packet.toolCalls as Proposal["toolCalls"],
    context: packet.context,
    alternatives: packet.alternatives as Proposal["alternatives"],
    rollbackPlan: doc.rollbackPlan,
    route: doc.route as Proposal["route"],
    signals: doc.signals as Proposal["signals"],
    confidence: doc.confidence as Proposal["confidence"],
    review: open ? reviewSummary(open) : last ? reviewSummary(last) : null,
    reviews: reviewViews,
    decisions: decisions.map((d) => ({
      id: d.id,
      reviewId: d.reviewId,
      verdict: d.verdict,
      by: { id: d.byId, name: d.byName },
      at: d.at,
      category: d.category,
      comment: d.comment,
      packetHash: d.packetHash,
      payload: m(d.payload),
    })),
    execution: {
      status: row.executionStatus,
      attempts: doc.execution.attempts,
      result: doc.execution.result,
    },
    info: doc.info,
    ...(doc.linkedTo === undefined ? {} : { linkedTo: doc.linkedTo }),
    packetHash: packetHash(row.id, doc.revision, packet.finalPayload as Record<string, unknown> | null, mask),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

const masked = <T>(value: T): T => maskPii(value) as T;
const unmasked = <T>(value: T): T => value;

/**
 * The packet hash `viewer` is shown for the proposal in `row` (the same as {@link proposalView}'s),
 * without building the view: what a decision's `packetHash` is checked against.
 */
export function viewerPacketHash(row: ProposalRow, viewer: Principal | null): string {
  const mask = viewer?.kind === "user" && !viewer.user.pii;
  const finalPayload = mask
    ? (maskPii(row.doc.finalPayload) as typeof row.doc.finalPayload)
    : row.doc.finalPayload;
  return packetHash(row.id, row.doc.revision, finalPayload, mask);
}

/**
 * The hash of the packet a reviewer sees. Within one revision everything shown is fixed except the
 * edited payload, so the packet is identified by the proposal, its revision, the current edit and
 * whether personal data was masked — far cheaper than hashing the whole packet on every read.
 */
export function packetHash(
  proposalId: string,
  revision: number,
  finalPayload: Record<string, unknown> | null,
  masked: boolean,
): string {
  if (finalPayload !== null || !Number.isSafeInteger(revision)) {
    return hashPayloadNative({ proposalId, revision, finalPayload, masked });
  }
  // Without an edit the canonical JSON is this literal (keys in code-unit order): no walk, no sort.
  return hashCanonicalNative(
    `{"finalPayload":null,"masked":${masked},"proposalId":${canonicalString(proposalId)},"revision":${revision}}`,
  );
}

function reviewSummary(r: ReviewRow): Proposal["reviews"][number] {
  return {
    id: r.id,
    queue: r.queue,
    status: r.status,
    level: r.level,
    dueAt: r.dueAt,
    approvalsRequired: r.approvalsRequired,
    approvalsGiven: r.approvers.length,
  };
}
