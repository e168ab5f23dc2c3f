import { describe, expect, it } from "vitest";
import {
  generateSigningKey,
  grantMessage,
  hashPayload,
  signGrant,
  verifyGrant,
} from "../../src/audit/index.ts";

const key = generateSigningKey(new Uint8Array(32).fill(7));
const payload = { amount: 42.5, currency: "EUR" };
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

describe("grants", () => {
  it("sign deterministically and verify against the exact payload, whatever its key order", () => {
    expect(signGrant({ ...grant }, { keyId: "k1", secretKey: key.secretKey }).signature).toBe(
      grant.signature,
    );
    expect(verifyGrant(grant, { currency: "EUR", amount: 42.5 }, key.publicKey, { now })).toMatchObject({
      ok: true,
    });
    expect(grantMessage(grant).startsWith("loopgate-grant:v1\n")).toBe(true);
  });

  it("refuse another payload, a lapsed expiry, another key id, and garbage", () => {
    expect(verifyGrant(grant, { ...payload, amount: 42.51 }, key.publicKey, { now })).toMatchObject({
      reason: "payload_mismatch",
    });
    expect(
      verifyGrant(grant, payload, key.publicKey, { now: new Date("2026-12-01T00:00:00Z") }),
    ).toMatchObject({ reason: "expired" });
    expect(verifyGrant(grant, payload, key.publicKey, { now, keyId: "k2" })).toMatchObject({
      reason: "wrong_key",
    });
    expect(verifyGrant(grant, payload, "not-a-key", { now })).toMatchObject({ reason: "wrong_key" });
    expect(verifyGrant("grant", payload, key.publicKey, { now })).toMatchObject({ reason: "malformed" });
  });
});
