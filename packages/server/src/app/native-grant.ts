import { createPrivateKey, sign } from "node:crypto";
import { boundedMemo, type Grant, grantMessage } from "@loopgate/core";
import type { SigningKey } from "./signing-key.ts";

/** The PKCS#8 DER prefix of an Ed25519 private key (RFC 8410); the 32-byte seed follows it. */
const ED25519_PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

/**
 * A key's signer: the signature of a message, remembered (bounded). A proposal's grant is signed on
 * every read of it (the answer to the decision, the agent's wait, a reviewer's GET), always the same
 * message while the execution stands; Ed25519 is deterministic, so a remembered signature is the one
 * signing again would make.
 */
const signers = new WeakMap<Uint8Array, (message: string) => string>();
const SIGNATURES_KEPT = 10_000;

/**
 * Core's `signGrant`, computed with Node's native Ed25519. Ed25519 is deterministic (RFC 8032), so the
 * signature is byte for byte the one core would make, and `verifyGrant` checks it with core alone; the
 * native signer takes tens of microseconds where the pure-JS one takes about a millisecond. The grant
 * is signed on each read of an agent-executed proposal, not stored, so signatures are remembered
 * (bounded) and a second read of the same grant signs nothing.
 */
export function signGrantNative(
  unsigned: Omit<Grant, "signature" | "keyId">,
  key: Pick<SigningKey, "keyId" | "secretKey">,
): Grant {
  // Object.assign, not `{ ...unsigned, keyId }`: a spread followed by new properties takes V8 a slow
  // path of ~1 µs (store/metric-increment.ts).
  const body: Omit<Grant, "signature"> = Object.assign({}, unsigned, { keyId: key.keyId });
  return Object.assign(body, { signature: signatureOf(grantMessage(body), key.secretKey) });
}

function signatureOf(message: string, secretKey: Uint8Array): string {
  let signer = signers.get(secretKey);
  if (signer === undefined) {
    const keyObject = createPrivateKey({
      key: Buffer.concat([ED25519_PKCS8_PREFIX, secretKey]),
      format: "der",
      type: "pkcs8",
    });
    signer = boundedMemo(SIGNATURES_KEPT, (text) =>
      sign(null, Buffer.from(text, "utf8"), keyObject).toString("base64"),
    );
    signers.set(secretKey, signer);
  }
  return signer(message);
}
