import { ed25519 } from "@noble/curves/ed25519.js";
import { utf8ToBytes } from "@noble/hashes/utils.js";
import type { Grant } from "../wire/execution.ts";
import { fromBase64 } from "./base64.ts";
import { hashPayload } from "./hash.ts";

/**
 * The text a grant's signature covers. Prefixed and versioned so a grant signature can never pass as
 * an audit checkpoint signature (or the other way round), although both use the same key.
 */
export function grantMessage(grant: Omit<Grant, "signature">): string {
  return [
    "loopgate-grant:v1",
    grant.id,
    grant.proposalId,
    grant.actionType,
    grant.payloadHash,
    grant.issuedAt,
    grant.expiresAt,
    grant.keyId,
  ].join("\n");
}

/** Why a grant was refused. */
export type GrantRefusal = "malformed" | "bad_signature" | "payload_mismatch" | "expired" | "wrong_key";

export type GrantVerification =
  | { ok: true; grant: Grant }
  | { ok: false; reason: GrantRefusal; message: string };

/**
 * Checks a grant offline: well formed, signed by `publicKey` (base64 of the 32-byte Ed25519 key, or
 * the bytes), not expired at `now` (core has no clock: the caller gives it), and bound to exactly
 * `payload` (SHA-256 of its canonical JSON). Whether the grant was already used is only known to
 * Loopgate, which refuses a second report.
 *
 * It reads the grant's shape by hand, as the `Grant` wire schema accepts it (a test holds the two to the
 * same answers), so that the SDK's check, built on this one, loads no schema library into an agent.
 *
 * @example
 * ```ts
 * const check = verifyGrant(grant, request.payload, process.env.LOOPGATE_GRANT_KEY!, { now: new Date() });
 * if (!check.ok) return new Response(check.message, { status: 403 });
 * ```
 */
export function verifyGrant(
  grant: unknown,
  payload: unknown,
  publicKey: string | Uint8Array,
  options: { now: Date; keyId?: string },
): GrantVerification {
  const g = readGrant(grant);
  if (g === null) return refuse("malformed", "the grant is not a Loopgate grant");
  if (options.keyId !== undefined && g.keyId !== options.keyId) {
    return refuse("wrong_key", `the grant is signed with key "${g.keyId}", not "${options.keyId}"`);
  }
  const keyBytes = typeof publicKey === "string" ? fromBase64(publicKey) : publicKey;
  const signature = fromBase64(g.signature);
  if (keyBytes?.length !== 32) return refuse("wrong_key", "the public key is not 32 bytes of base64");
  if (signature?.length !== 64) return refuse("bad_signature", "the signature is not 64 bytes of base64");
  let valid = false;
  try {
    valid = ed25519.verify(signature, utf8ToBytes(grantMessage(g)), keyBytes, { zip215: false });
  } catch {
    valid = false;
  }
  if (!valid)
    return refuse("bad_signature", "the signature does not match this key (forged, altered or another key)");
  if (hashPayload(payload) !== g.payloadHash) {
    return refuse("payload_mismatch", "the payload is not the one that was approved");
  }
  if (Date.parse(g.expiresAt) <= options.now.getTime())
    return refuse("expired", `the grant expired at ${g.expiresAt}`);
  return { ok: true, grant: g };
}

const ACTION_TYPE = /^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)*$/;
const PAYLOAD_HASH = /^sha256:[0-9a-f]{64}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** The grant's fields as the `Grant` wire schema accepts them (other members dropped), or null. */
function readGrant(value: unknown): Grant | null {
  if (typeof value !== "object" || value === null) return null;
  const { id, proposalId, actionType, payloadHash, issuedAt, expiresAt, keyId, signature } = value as Record<
    keyof Grant,
    unknown
  >;
  const wellFormed =
    isText(id, 200) &&
    isText(proposalId, 200) &&
    isText(actionType, 100) &&
    ACTION_TYPE.test(actionType) &&
    isText(payloadHash, 71) &&
    PAYLOAD_HASH.test(payloadHash) &&
    isTimestamp(issuedAt) &&
    isTimestamp(expiresAt) &&
    isText(keyId, 100) &&
    isText(signature, 200);
  return wellFormed
    ? { id, proposalId, actionType, payloadHash, issuedAt, expiresAt, keyId, signature }
    : null;
}

function isText(value: unknown, maxLength: number): value is string {
  return typeof value === "string" && value.length >= 1 && value.length <= maxLength;
}

function isTimestamp(value: unknown): value is string {
  return typeof value === "string" && TIMESTAMP.test(value) && Number.isFinite(Date.parse(value));
}

function refuse(reason: GrantRefusal, message: string): GrantVerification {
  return { ok: false, reason, message };
}
