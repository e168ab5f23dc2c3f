import { createHash } from "node:crypto";
import { canonicalJson } from "@loopgate/core";

/**
 * Core's `hashPayload` and `sha256Hex`, computed with Node's native SHA-256. Core stays pure and uses
 * a JavaScript SHA-256; on the propose path, which hashes several values per request, the native one
 * is several times faster. The output is identical (a test holds them together), so an auditor can
 * recompute any hash with core alone.
 */
export function hashPayloadNative(value: unknown): string {
  return `sha256:${sha256HexNative(canonicalJson(value))}`;
}

export function sha256HexNative(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}
