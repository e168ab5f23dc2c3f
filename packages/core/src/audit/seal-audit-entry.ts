import type { AuditDraft, AuditEntry } from "../wire/audit.ts";
import type { Actor } from "../wire/common.ts";
import { canonicalJson, canonicalString } from "./canonical-json.ts";
import { sha256Hex } from "./hash.ts";

/**
 * The hash an entry must carry: SHA-256 over the canonical JSON of every field but `hash` itself.
 * The verifier recomputes exactly this, so the two can never drift apart.
 */
export function auditEntryHash(entry: Omit<AuditEntry, "hash">): string {
  return sha256Hex(
    canonicalJson({
      seq: entry.seq,
      at: entry.at,
      actor: actorOf(entry.actor),
      type: entry.type,
      proposalId: entry.proposalId,
      data: entry.data,
      prevHash: entry.prevHash,
    }),
  );
}

/**
 * Gives a draft its place in the chain: its sequence number, the previous entry's hash, and its own
 * hash over both and its content. The store calls this inside the transaction that makes the change,
 * with the head it read there.
 *
 * The actor is copied down to `{ kind, id, name }` and, for a person who acted through a known
 * credential, `via: { kind, id }`, so extra fields on the caller's object can neither reach the hash
 * nor be stored outside it.
 *
 * `hash` is `sha256Hex` unless the caller has a faster SHA-256 that gives the same digests (the server
 * passes Node's native one); the verifier always recomputes with `sha256Hex`.
 *
 * @throws TypeError when `seq` is not a positive integer, `prevHash` is not 64 hex digits, or the
 * data holds a value JSON cannot carry (a non-finite number, a bigint, a cycle).
 *
 * @example
 * ```ts
 * const first = sealAuditEntry(
 *   { at: "2025-01-01T00:00:00.000Z", actor: { kind: "system", id: "loopgate", name: "Loopgate" },
 *     type: "policy.loaded", proposalId: null, data: { version: 1 } },
 *   1,
 *   GENESIS_HASH,
 * );
 * const second = sealAuditEntry(nextDraft, 2, first.hash);
 * ```
 */
export function sealAuditEntry(
  draft: AuditDraft,
  seq: number,
  prevHash: string,
  hash: (text: string) => string = sha256Hex,
): AuditEntry {
  return sealAuditDraft(draft, seq, prevHash, hash).entry;
}

/** An entry {@link sealAuditDraft} sealed, with its data's canonical JSON. */
export interface SealedAuditDraft {
  entry: AuditEntry;
  /**
   * `canonicalJson(entry.data)`, serialised once for the hash; a store can keep it as the data column
   * rather than serialise the data again. Undefined when the entry has no data.
   */
  dataText: string | undefined;
}

/**
 * {@link sealAuditEntry}, also returning the canonical JSON text of the entry's data.
 *
 * @example
 * ```ts
 * const { entry, dataText } = sealAuditDraft(draft, head.seq + 1, head.hash);
 * insertRow({ ...entry, data: dataText });
 * ```
 */
export function sealAuditDraft(
  draft: AuditDraft,
  seq: number,
  prevHash: string,
  hash: (text: string) => string = sha256Hex,
): SealedAuditDraft {
  if (!Number.isSafeInteger(seq) || seq < 1)
    throw new TypeError(`seq must be a positive integer, got ${seq}`);
  if (!HEX_64.test(prevHash)) throw new TypeError("prevHash must be 64 lower-case hex digits");
  const placed = placeAuditDraft(draft, seq, prevHash);
  const dataText = placed.data === undefined ? undefined : canonicalJson(placed.data);
  return { entry: withHash(placed, hash(auditEntryText(placed, dataText))), dataText };
}

/**
 * The text an entry's hash covers — `canonicalJson` of every field but `hash` — written field by
 * field in canonical order around `dataText`, the data's canonical JSON. The envelope is the same on
 * every entry, so this skips sorting its keys and walking its values: about half the cost of sealing
 * an entry. Falls back to `canonicalJson` when a field is not of its declared type (it then decides
 * what the text is, or throws).
 *
 * @example
 * ```ts
 * const entry = placeAuditDraft(draft, 8, previous.hash);
 * auditEntryText(entry, canonicalJson(entry.data)) === canonicalJson(entry); // true
 * ```
 */
export function auditEntryText(entry: Omit<AuditEntry, "hash">, dataText: string | undefined): string {
  const { actor, proposalId } = entry;
  const { via } = actor;
  if (
    typeof actor.id !== "string" ||
    typeof actor.kind !== "string" ||
    typeof actor.name !== "string" ||
    (via !== undefined && (typeof via.id !== "string" || typeof via.kind !== "string")) ||
    typeof entry.at !== "string" ||
    typeof entry.type !== "string" ||
    typeof entry.prevHash !== "string" ||
    !Number.isFinite(entry.seq) ||
    (proposalId !== null && typeof proposalId !== "string")
  ) {
    return canonicalJson(entry);
  }
  const data = dataText === undefined ? "" : `"data":${dataText},`;
  const proposal = proposalId === null ? "null" : canonicalString(proposalId);
  const viaText =
    via === undefined ? "" : `,"via":{"id":${canonicalString(via.id)},"kind":${canonicalString(via.kind)}}`;
  return (
    `{"actor":{"id":${canonicalString(actor.id)},"kind":${canonicalString(actor.kind)},"name":${canonicalString(actor.name)}${viaText}},` +
    `"at":${canonicalString(entry.at)},${data}"prevHash":${canonicalString(entry.prevHash)},` +
    `"proposalId":${proposal},"seq":${entry.seq},"type":${canonicalString(entry.type)}}`
  );
}

/**
 * A draft at its place in the chain: every field of the entry but its hash, with the actor copied down
 * to `{ kind, id, name, via? }` — what {@link sealAuditEntry} hashes. A store that sealed the entry elsewhere
 * (another thread) rebuilds the entry from the draft and the hash it was given with
 * {@link chainedAuditEntry}.
 *
 * @example
 * ```ts
 * const placed = placeAuditDraft(draft, 8, previous.hash);
 * auditEntryText(placed, canonicalJson(placed.data)); // what its hash covers
 * ```
 */
export function placeAuditDraft(draft: AuditDraft, seq: number, prevHash: string): Omit<AuditEntry, "hash"> {
  return {
    seq,
    at: draft.at,
    actor: actorOf(draft.actor),
    type: draft.type,
    proposalId: draft.proposalId,
    data: draft.data,
    prevHash,
  };
}

/**
 * A draft at its place in the chain with the hash it was sealed with: the entry {@link sealAuditDraft}
 * made, for a store that sealed it elsewhere (another thread) and was sent back only the hashes.
 *
 * @example
 * ```ts
 * const entry = chainedAuditEntry(draft, 8, previous.hash, sealedHash);
 * ```
 */
export function chainedAuditEntry(
  draft: AuditDraft,
  seq: number,
  prevHash: string,
  hash: string,
): AuditEntry {
  return withHash(placeAuditDraft(draft, seq, prevHash), hash);
}

/**
 * The entry with its hash, written field by field. Not `{ ...placed, hash }`: in V8 an object spread
 * followed by a property the source lacks makes the copies outlive young-generation collections
 * (measured in a plain loop: ~2 MB promoted a scavenge against ~0.1 MB), and a store seals every
 * entry of every commit.
 */
function withHash(placed: Omit<AuditEntry, "hash">, hash: string): AuditEntry {
  return {
    seq: placed.seq,
    at: placed.at,
    actor: placed.actor,
    type: placed.type,
    proposalId: placed.proposalId,
    data: placed.data,
    prevHash: placed.prevHash,
    hash,
  };
}

/**
 * The actor as an entry holds it, written field by field: `via` only when the actor has one (an absent
 * key and an undefined one would otherwise hash alike but store differently).
 */
function actorOf(actor: Actor): Actor {
  const { via } = actor;
  return via === undefined
    ? { kind: actor.kind, id: actor.id, name: actor.name }
    : { kind: actor.kind, id: actor.id, name: actor.name, via: { kind: via.kind, id: via.id } };
}

/** A SHA-256 hex digest as `sha256Hex` writes it. */
export const HEX_64 = /^[0-9a-f]{64}$/;
