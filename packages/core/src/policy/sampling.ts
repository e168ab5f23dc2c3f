import { sha256 } from "@noble/hashes/sha2.js";
import { utf8ToBytes } from "@noble/hashes/utils.js";

/**
 * The fraction in [0, 1) that a proposal id hashes to: the first 8 bytes of SHA-256(id), read big-endian,
 * keeping the top 53 bits so the division is exact.
 */
export function sampleFraction(proposalId: string): number {
  const digest = sha256(utf8ToBytes(proposalId));
  const view = new DataView(digest.buffer, digest.byteOffset, 8);
  // 32 bits from the first word and 21 from the second: 53 bits, exactly what a double holds.
  return (view.getUint32(0) * 2 ** 21 + (view.getUint32(4) >>> 11)) / 2 ** 53;
}

/**
 * Whether a proposal falls in the sampled share `rate` (0..1). Deterministic per proposal id, so routing
 * the same proposal again gives the same answer, and roughly `rate` of all ids are sampled.
 *
 * @example
 * ```ts
 * isSampled("prop_123", 0.05) === isSampled("prop_123", 0.05); // always true
 * isSampled("prop_123", 0); // false
 * isSampled("prop_123", 1); // true
 * ```
 */
export function isSampled(proposalId: string, rate: number): boolean {
  if (!(rate > 0)) return false;
  if (rate >= 1) return true;
  return sampleFraction(proposalId) < rate;
}
