import { ed25519 } from "@noble/curves/ed25519.js";
import { utf8ToBytes } from "@noble/hashes/utils.js";
import { AuditCheckpoint } from "../wire/audit.ts";
import { fromBase64, toBase64 } from "./base64.ts";

/**
 * The text a checkpoint signs. Versioned and prefixed so a Loopgate signature can never be replayed
 * as a signature over some other message format.
 *
 * @example
 * ```ts
 * checkpointMessage(42, "ab…", "2025-01-01T00:00:00.000Z"); // "loopgate-checkpoint:v1:42:ab…:2025-01-01T00:00:00.000Z"
 * ```
 */
export function checkpointMessage(seq: number, hash: string, at: string): string {
  return `loopgate-checkpoint:v1:${seq}:${hash}:${at}`;
}

/**
 * Signs the chain head with an Ed25519 key. The public key travels inside the checkpoint so an
 * export can be checked offline; whoever verifies decides which key ids they trust.
 *
 * @example
 * ```ts
 * const key = generateSigningKey(crypto.getRandomValues(new Uint8Array(32)));
 * const cp = signCheckpoint({ seq: 42, hash: head.hash }, now.toISOString(), { keyId: "k1", secretKey: key.secretKey });
 * verifyCheckpoint(cp); // true
 * ```
 */
export function signCheckpoint(
  head: { seq: number; hash: string },
  at: string,
  key: { keyId: string; secretKey: Uint8Array },
): AuditCheckpoint {
  const message = utf8ToBytes(checkpointMessage(head.seq, head.hash, at));
  return {
    seq: head.seq,
    hash: head.hash,
    at,
    keyId: key.keyId,
    publicKey: toBase64(ed25519.getPublicKey(key.secretKey)),
    signature: toBase64(ed25519.sign(message, key.secretKey)),
  };
}

/** Options of {@link verifyCheckpoint}. */
export interface CheckpointTrust {
  /**
   * Key id → base64 public key of the keys you trust. Without it a checkpoint only proves it was
   * signed by the key it carries, which anyone can make; with it the key must be one of yours.
   */
  trustedKeys?: Readonly<Record<string, string>>;
}

/**
 * Whether a checkpoint is well formed and its signature is valid for its own public key (and, with
 * `trustedKeys`, that key is the trusted key of that id). Never throws: malformed input is `false`.
 *
 * Verification is strict RFC 8032 (not ZIP-215), so one message has one valid signature encoding.
 *
 * @example
 * ```ts
 * verifyCheckpoint(cp, { trustedKeys: { k1: cp.publicKey } });
 * ```
 */
export function verifyCheckpoint(cp: AuditCheckpoint, options: CheckpointTrust = {}): boolean {
  return checkpointProblem(cp, options) === null;
}

/** What is wrong with a checkpoint, in words, or null when it verifies. */
export function checkpointProblem(cp: unknown, options: CheckpointTrust = {}): string | null {
  const parsed = AuditCheckpoint.safeParse(cp);
  if (!parsed.success) return "the checkpoint is malformed";
  const { seq, hash, at, keyId, publicKey, signature } = parsed.data;
  if (options.trustedKeys !== undefined) {
    const trusted = options.trustedKeys[keyId];
    if (trusted === undefined)
      return `the checkpoint is signed with key "${keyId}", which is not a trusted key`;
    if (trusted !== publicKey) return `the checkpoint's public key is not the trusted key "${keyId}"`;
  }
  const publicBytes = fromBase64(publicKey);
  const signatureBytes = fromBase64(signature);
  if (publicBytes?.length !== 32 || signatureBytes?.length !== 64) {
    return "the checkpoint's key or signature is not valid base64 of the right length";
  }
  const message = utf8ToBytes(checkpointMessage(seq, hash, at));
  try {
    if (ed25519.verify(signatureBytes, message, publicBytes, { zip215: false })) return null;
  } catch {
    // A public key that is not a curve point throws; that is just an invalid checkpoint.
  }
  return "the checkpoint's signature is not valid (it was forged or altered)";
}

/**
 * A new Ed25519 key pair from 32 random bytes the caller supplies (core has no randomness source).
 * The secret key is the 32-byte seed; keep it, the public key can always be derived again.
 *
 * @throws RangeError unless `randomBytes` has exactly 32 bytes.
 *
 * @example
 * ```ts
 * const { secretKey, publicKey } = generateSigningKey(crypto.getRandomValues(new Uint8Array(32)));
 * ```
 */
export function generateSigningKey(randomBytes: Uint8Array): {
  secretKey: Uint8Array;
  publicKey: Uint8Array;
} {
  if (randomBytes.length !== 32) {
    throw new RangeError(`an Ed25519 secret key needs 32 random bytes, got ${randomBytes.length}`);
  }
  const secretKey = Uint8Array.from(randomBytes);
  return { secretKey, publicKey: ed25519.getPublicKey(secretKey) };
}
