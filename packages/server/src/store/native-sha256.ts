import * as crypto from "node:crypto";

/**
 * SHA-256 of the UTF-8 bytes of `text` as 64 lower-case hex digits: core's `sha256Hex`, computed
 * natively. Core stays pure with a JavaScript SHA-256; the server hashes several values per proposal
 * (and seals every audit entry), where the native one is several times faster. The output is
 * identical (test/http/native-hash.test.ts holds them together), so an auditor recomputes any hash
 * with core alone.
 *
 * The one-shot `crypto.hash` (Node ≥ 20.12) skips the Hash object `createHash` builds, which for the
 * short texts hashed here costs more than the hashing itself; older Nodes use `createHash`.
 */
export const sha256HexNative: (text: string) => string = (() => {
  const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: "hex") => string }).hash;
  return oneShot === undefined
    ? (text: string) => crypto.createHash("sha256").update(text, "utf8").digest("hex")
    : (text: string) => oneShot("sha256", text, "hex");
})();
