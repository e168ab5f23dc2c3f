import { docJson, entityOf, type SqlValue, toJson, toJsonOrNull } from "./rows.ts";
import type { ProposalPatch, ReviewPatch } from "./store.ts";

/**
 * The `UPDATE … SET` of a proposal or review patch: which columns a patch sets and the values to bind,
 * shared by both engines.
 */

/** How each patchable field maps to a column, in a fixed order so equal key sets share one statement. */
type PatchColumns<P> = { [K in keyof Required<P>]: [column: string, encode: (value: P[K]) => SqlValue] };

const same = (value: unknown): SqlValue => value as SqlValue;

const PROPOSAL_PATCH: PatchColumns<ProposalPatch> = {
  status: ["status", same],
  executionStatus: ["execution_status", same],
  policyVersion: ["policy_version", same],
  infoDueAt: ["info_due_at", same],
  updatedAt: ["updated_at", same],
  doc: ["doc", (doc) => (doc === undefined ? null : docJson(doc))],
};

const REVIEW_PATCH: PatchColumns<ReviewPatch> = {
  status: ["status", same],
  dueAt: ["due_at", same],
  approvers: ["approvers", toJson],
  claimedBy: ["claimed_by", toJsonOrNull],
  claimExpiresAt: ["claim_expires_at", same],
  priority: ["priority", same],
  updatedAt: ["updated_at", same],
  queue: ["queue", same],
  level: ["level", same],
};

/** The columns a patch sets and their values; fields left undefined are not touched. */
export interface PatchSet {
  columns: string[];
  values: SqlValue[];
}

/**
 * A proposal patch's columns, and the entity its document names when it sets one: the entity column
 * follows the document (a revision may change its context), but is written by a statement of its own
 * that changes nothing when the entity is the same (see `SQL.followEntity`) — setting it in the same
 * UPDATE would move its entry in the entity index (a leaf page written) on every decision.
 */
export function proposalPatch(set: ProposalPatch): PatchSet & { entity?: string | null } {
  const patch = patchSet(PROPOSAL_PATCH, set);
  // Written out rather than `{ ...patch, entity }`, which V8 keeps past young collections (metric-increment.ts).
  return set.doc === undefined
    ? patch
    : { columns: patch.columns, values: patch.values, entity: entityOf(set.doc) };
}
export function reviewPatch(set: ReviewPatch): PatchSet {
  const patch = patchSet(REVIEW_PATCH, set);
  // The claim's holder column follows the claim (0015).
  if (set.claimedBy !== undefined) {
    patch.columns.push("claim_holder");
    patch.values.push(set.claimedBy?.id ?? null);
  }
  return patch;
}

function patchSet<P extends object>(spec: PatchColumns<P>, set: P): PatchSet {
  const columns: string[] = [];
  const values: SqlValue[] = [];
  for (const key of Object.keys(spec) as (keyof P)[]) {
    const value = set[key];
    if (value === undefined) continue;
    const [column, encode] = spec[key];
    columns.push(column);
    values.push(encode(value));
  }
  return { columns, values };
}
