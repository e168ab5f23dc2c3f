/**
 * Bypass resistance (SPEC §11): recognising a proposal that nearly repeats one a person or rule refused,
 * or that splits a refused amount into smaller ones. These functions are pure; the server finds the
 * candidates with indexed store reads and feeds the findings into routing (`RouteInput.bypass`), where a
 * flagged proposal is never routed `auto`.
 */

/** Why a proposal was linked to an earlier one. */
export type BypassFinding =
  | {
      kind: "repeat";
      /** The refused proposal it nearly repeats. */
      proposalId: string;
      /** The lowest token similarity among its text fields (1 when it has none). */
      similarity: number;
    }
  | {
      kind: "split";
      /** The refused or escalated proposal whose amount the recent ones add up to. */
      proposalId: string;
      refusedAmount: number;
      /** This proposal's amount plus the others for the same entity since the refused one. */
      total: number;
      entity: string;
    };

/** The rule ids bypass findings appear under in `route.reasons`. */
export const BYPASS_RULES = Object.freeze({
  repeat: "bypass.repeat-of-rejected",
  split: "bypass.split-amount",
});

/** A leaf of a payload by its path (`items[0].sku`): a string, number, boolean or null. */
type Leaf = string | number | boolean | null;

/**
 * Whether `candidate` nearly repeats `refused`: the same fields (paths), every string field at least
 * `similarity` alike by word tokens, every number within `tolerance` of the other (relative), booleans
 * and nulls equal. Returns the lowest string similarity when it does, else null.
 *
 * @example
 * ```ts
 * nearRepeat({ amount: 42, note: "refund the duplicate charge please" },
 *            { amount: 42.5, note: "refund the duplicate charge, please" }, 0.9, 0.05); // 1
 * nearRepeat({ amount: 42, customerId: "c_1" }, { amount: 42, customerId: "c_2" }, 0.9, 0.05); // null
 * ```
 */
export function nearRepeat(
  candidate: Record<string, unknown>,
  refused: Record<string, unknown>,
  similarity: number,
  tolerance: number,
): number | null {
  const a = leaves(candidate);
  const b = leaves(refused);
  if (a.size !== b.size) return null;
  let lowest = 1;
  for (const [path, left] of a) {
    if (!b.has(path)) return null;
    const right = b.get(path) as Leaf;
    if (typeof left === "string" && typeof right === "string") {
      const score = tokenSimilarity(left, right);
      if (score < similarity) return null;
      lowest = Math.min(lowest, score);
    } else if (typeof left === "number" && typeof right === "number") {
      if (!withinTolerance(left, right, tolerance)) return null;
    } else if (left !== right) {
      return null;
    }
  }
  return lowest;
}

/**
 * How alike two texts are by their words: the shared word count over the combined count (a multiset
 * Jaccard index), case-insensitive, ignoring punctuation. 1 for equal texts, 0 for nothing shared.
 *
 * @example
 * ```ts
 * tokenSimilarity("Refund 42 EUR", "refund 42 eur!"); // 1
 * ```
 */
export function tokenSimilarity(left: string, right: string): number {
  const a = tokenCounts(left);
  const b = tokenCounts(right);
  let shared = 0;
  let combined = 0;
  for (const [token, count] of a) {
    const other = b.get(token) ?? 0;
    shared += Math.min(count, other);
    combined += Math.max(count, other);
  }
  for (const [token, count] of b) if (!a.has(token)) combined += count;
  return combined === 0 ? 1 : shared / combined;
}

/** A recent proposal for the same entity and action type, as split detection weighs it. */
export interface AmountCandidate {
  proposalId: string;
  amount: number;
  createdAt: string;
  /** Rejected, blocked or routed to escalation: an amount someone or something refused to let through. */
  refused: boolean;
  /** Still counts towards a total: pending, approved or executed (not rejected, cancelled or expired). */
  counts: boolean;
}

/**
 * Finds a split: the newest refused amount (earlier than `amount` alone can reach) that this proposal's
 * amount plus the counting proposals after it, for the same entity, reach (within `tolerance`).
 *
 * @example
 * ```ts
 * // 300 was refused; 100 and 100 followed; a third 100 completes the split.
 * detectSplit(100, "customer:c_1", candidates, 0.05); // { kind: "split", refusedAmount: 300, total: 300, … }
 * ```
 */
export function detectSplit(
  amount: number,
  entity: string,
  candidates: readonly AmountCandidate[],
  tolerance: number,
): BypassFinding | null {
  const ordered = [...candidates].sort((x, y) => (x.createdAt < y.createdAt ? 1 : -1));
  for (const reference of ordered) {
    if (!reference.refused || reference.amount <= amount) continue;
    let total = amount;
    for (const other of ordered) {
      if (other.createdAt > reference.createdAt && other.counts && !other.refused) total += other.amount;
    }
    if (total >= reference.amount * (1 - tolerance)) {
      return {
        kind: "split",
        proposalId: reference.proposalId,
        refusedAmount: reference.amount,
        total,
        entity,
      };
    }
  }
  return null;
}

/** A human-readable reason for a finding, as routing records it. */
export function bypassMessage(finding: BypassFinding): string {
  if (finding.kind === "repeat") {
    return `nearly repeats proposal ${finding.proposalId}, which was refused (similarity ${finding.similarity.toFixed(2)}): a person must review it`;
  }
  return `with earlier proposals for ${finding.entity} adds up to ${finding.total}, splitting the refused or escalated amount ${finding.refusedAmount} of proposal ${finding.proposalId}: a person must review it`;
}

function withinTolerance(left: number, right: number, tolerance: number): boolean {
  if (left === right) return true;
  const scale = Math.max(Math.abs(left), Math.abs(right));
  return Math.abs(left - right) <= tolerance * scale;
}

function tokenCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const token of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    counts.set(token, (counts.get(token) ?? 0) + 1);
  }
  return counts;
}

function leaves(value: unknown, path = "", into = new Map<string, Leaf>()): Map<string, Leaf> {
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) leaves(item, `${path}[${index}]`, into);
  } else if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) leaves(item, path === "" ? key : `${path}.${key}`, into);
  } else if (value !== undefined) {
    into.set(path, value as Leaf);
  }
  return into;
}
