import { ed25519 } from "@noble/curves/ed25519.js";
import { utf8ToBytes } from "@noble/hashes/utils.js";
import type { Grant } from "../wire/execution.ts";
import { toBase64 } from "./base64.ts";
import { grantMessage } from "./grant-check.ts";

export { type GrantRefusal, type GrantVerification, grantMessage, verifyGrant } from "./grant-check.ts";

/** Signs a grant with Loopgate's Ed25519 key. Ed25519 is deterministic: the same grant signs the same. */
export function signGrant(
  unsigned: Omit<Grant, "signature" | "keyId">,
  key: { keyId: string; secretKey: Uint8Array },
): Grant {
  const body = { ...unsigned, keyId: key.keyId };
  const signature = toBase64(ed25519.sign(utf8ToBytes(grantMessage(body)), key.secretKey));
  return { ...body, signature };
}
