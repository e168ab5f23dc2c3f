import { canonicalString, maskPii, type Proposal } from "@loopgate/core";
import type { DecisionRow, ProposalRow, ReviewRow } from "../store/store.ts";
import { AppError } from "./app-error.ts";
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
  const mask = masksFor(viewer);
  const doc = row.doc;
  const open = reviews.find((r) => r.status === "pending" || r.status === "escalated");
  const last = reviews[reviews.length - 1];
  // Unmasked, the packet's fields are the document's own objects, in the document's order: a new
  // proposal's answer is serialised by splicing them (submission-json.ts).
  const view: Proposal = {
    id: row.id,
    status: row.status,
    agent: row.agentId,
    revision: doc.revision,
    action: doc.action,
    finalPayload: doc.finalPayload,
    request: doc.request as Proposal["request"],
    summary: doc.summary,
    evidence: doc.evidence as Proposal["evidence"],
    toolCalls: doc.toolCalls as Proposal["toolCalls"],
    context: doc.context,
    alternatives: doc.alternatives as Proposal["alternatives"],
    rollbackPlan: doc.rollbackPlan,
    route: doc.route as Proposal["route"],
    signals: doc.signals as Proposal["signals"],
    confidence: doc.confidence as Proposal["confidence"],
    review: open ? reviewSummary(open) : last ? reviewSummary(last) : null,
    reviews: reviews.map(reviewSummary),
    decisions: decisions.map((d) => ({
      id: d.id,
      reviewId: d.reviewId,
      verdict: d.verdict,
      by: { id: d.byId, name: d.byName },
      at: d.at,
      category: d.category,
      comment: d.comment,
      packetHash: d.packetHash,
      payload: d.payload,
    })),
    execution: {
      status: row.executionStatus,
      attempts: doc.execution.attempts,
      result: doc.execution.result,
    },
    info: doc.info,
    ...(doc.linkedTo === undefined ? {} : { linkedTo: doc.linkedTo }),
    packetHash: "",
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
  const shown = mask ? maskedView(view) : view;
  shown.packetHash = packetHash(row.id, doc.revision, shown.finalPayload, mask);
  return shown;
}

/** Whether `viewer` is shown personal data masked: people without the PII permission. */
function masksFor(viewer: Principal | null): boolean {
  return viewer?.kind === "user" && !viewer.user.pii;
}

const masked = <T>(value: T): T => maskPii(value) as T;
const kept = <T>(value: T): T => value;

/**
 * How each field of a proposal view is masked for someone without the PII permission. The type
 * demands an entry for every field of {@link Proposal}, so a field added to the wire shape does not
 * compile until someone decides here who writes it: whatever the agent (or an executor, or a person
 * quoting them) wrote is masked whole; only Loopgate's own ids, statuses, numbers and policy words
 * are kept.
 */
const MASKING: { readonly [K in keyof Proposal]-?: (value: Proposal[K]) => Proposal[K] } = {
  id: kept,
  status: kept,
  agent: kept, // the agent's id, from its API key
  revision: kept,
  action: masked,
  finalPayload: masked,
  request: masked,
  summary: masked,
  evidence: masked,
  toolCalls: masked,
  context: masked,
  alternatives: masked,
  rollbackPlan: masked,
  route: kept, // rule ids and the policy's reasons
  // Loopgate's detectors are flags and numbers; the agent's own signals may be free text.
  signals: (signals) => ({ ...signals, agent: masked(signals.agent) }),
  confidence: kept,
  review: kept,
  reviews: kept,
  // An edited payload, and a comment by someone who saw the personal data, may quote it.
  decisions: (list) => list.map((d) => ({ ...d, comment: masked(d.comment), payload: masked(d.payload) })),
  // The result is what the agent (or the executor) reported.
  execution: (execution) => ({ ...execution, result: masked(execution.result) }),
  info: (list) => list.map((entry) => ({ ...entry, message: masked(entry.message) })),
  linkedTo: kept,
  packetHash: kept,
  blindReview: kept, // the caller's own judgement
  createdAt: kept,
  updatedAt: kept,
};

/**
 * The view with personal data masked field by field per {@link MASKING}. A field the table does not
 * know (only possible past the type checker) is masked whole rather than let through.
 */
function maskedView(view: Proposal): Proposal {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(view)) {
    const rule = (MASKING as Record<string, ((value: unknown) => unknown) | undefined>)[key];
    out[key] = value === undefined ? value : rule === undefined ? maskPii(value) : rule(value);
  }
  return out as Proposal;
}

/**
 * The packet hash `viewer` is shown for the proposal in `row` (the same as {@link proposalView}'s),
 * without building the view: what a decision's `packetHash` is checked against.
 */
export function viewerPacketHash(row: ProposalRow, viewer: Principal | null): string {
  const mask = masksFor(viewer);
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

/**
 * 409 `stale_packet` when `packetHash` (what a decider was shown) is not the hash of the packet they
 * would be shown now: the proposal changed since, and they must decide on what is there now.
 */
export function refuseStalePacket(proposal: ProposalRow, viewer: Principal, packetHash: string): void {
  const current = viewerPacketHash(proposal, viewer);
  if (current === packetHash) return;
  throw new AppError(
    "conflict",
    "stale_packet",
    "The proposal changed since you opened it: reload it and decide on what is there now",
    { packetHash: current },
  );
}
