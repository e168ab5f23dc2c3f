import { generateSigningKey, hashPayload, signGrant } from "@loopgate/core";
import { describe, expect, it } from "vitest";
import { verifyGrant } from "../src/verify-grant.ts";

const key = generateSigningKey(new Uint8Array(32).fill(7));
const publicKey = Buffer.from(key.publicKey).toString("base64");
const payload = { orderId: "o_1", amount: 42.5, currency: "EUR" };
const grant = signGrant(
  {
    id: "exec_1",
    proposalId: "prop_1",
    actionType: "billing.refund",
    payloadHash: hashPayload(payload),
    issuedAt: "2026-11-30T00:00:00.000Z",
    expiresAt: "2026-12-01T00:00:00.000Z",
  },
  { keyId: "k1", secretKey: key.secretKey },
);
const now = new Date("2026-11-30T12:00:00Z");

describe("verifyGrant", () => {
  it("accepts the grant, refuses one changed byte, and checks expiry against the clock when no `now` is given", () => {
    expect(verifyGrant(grant, payload, publicKey, { now })).toEqual({ ok: true, grant });
    expect(verifyGrant(grant, { ...payload, amount: 42.6 }, publicKey, { now })).toMatchObject({
      ok: false,
      reason: "payload_mismatch",
    });
    expect(verifyGrant(grant, payload, publicKey)).toMatchObject({ ok: false, reason: "expired" });
  });
});
