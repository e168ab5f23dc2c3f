import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import { canonicalJson } from "./canonical-json.ts";

/** The `prevHash` of the first entry of a chain: 64 zeros. */
export const GENESIS_HASH: string = "0".repeat(64);

/**
 * SHA-256 of the UTF-8 bytes of `text`, as 64 lower-case hex digits.
 *
 * @example
 * ```ts
 * sha256Hex("abc"); // "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
 * ```
 */
export function sha256Hex(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)));
}

/**
 * The hash an audit entry records in place of a payload or personal data (SPEC §10): the value itself
 * stays in the proposal row, so erasing it later leaves the chain verifiable, while the entry still
 * proves which value was there.
 *
 * @example
 * ```ts
 * hashPayload({ to: "anna@example.com", body: "Hi" }); // "sha256:…" (64 hex digits)
 * ```
 */
export function hashPayload(value: unknown): string {
  return `sha256:${sha256Hex(canonicalJson(value))}`;
}
