import { canonicalJson } from "@loopgate/core";
import { sha256HexNative } from "../store/native-sha256.ts";

export { sha256HexNative };

/**
 * Core's `hashPayload`, computed with Node's native SHA-256 (see {@link sha256HexNative}). The output
 * is identical, so an auditor can recompute any hash with core alone.
 */
export function hashPayloadNative(value: unknown): string {
  return hashCanonicalNative(canonicalJson(value));
}

/**
 * {@link hashPayloadNative} for a value whose canonical JSON is already written (`canonicalJson`'s
 * output, or text known to equal it): `sha256:` and the hex digest.
 *
 * @example
 * ```ts
 * hashCanonicalNative('{"a":1}') === hashPayloadNative({ a: 1 }); // true
 * ```
 */
export function hashCanonicalNative(canonical: string): string {
  return `sha256:${sha256HexNative(canonical)}`;
}
