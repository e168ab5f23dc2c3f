import { randomBytes } from "node:crypto";
import { hashPayload, signGrant, verifyGrant } from "@loopgate/core";
import { describe, expect, it } from "vitest";
import { signGrantNative } from "../../src/app/native-grant.ts";
import { signingKeyFromSecret } from "../../src/app/signing-key.ts";

const unsigned = {
  id: "x_1",
  proposalId: "p_1",
  actionType: "files.read",
  payloadHash: "sha256:00ff",
  issuedAt: "2026-11-30T00:00:00.000Z",
  expiresAt: "2026-12-01T00:00:00.000Z",
};

describe("signGrantNative", () => {
  it("signs exactly as core's signGrant does, for any key", () => {
    for (let i = 0; i < 20; i++) {
      const key = signingKeyFromSecret(randomBytes(32));
      const grant = { ...unsigned, id: `x_${i}` };
      expect(signGrantNative(grant, key)).toEqual(signGrant(grant, key));
    }
  });

  it("signs each key's message anew (a remembered signature is never another key's or grant's)", () => {
    const first = signingKeyFromSecret(randomBytes(32));
    const second = signingKeyFromSecret(randomBytes(32));
    for (const key of [first, second, first, second]) {
      for (const id of ["x_1", "x_2", "x_1"]) {
        const grant = { ...unsigned, id };
        expect(signGrantNative(grant, key)).toEqual(signGrant(grant, key));
      }
    }
    expect(signGrantNative(unsigned, first).signature).not.toBe(signGrantNative(unsigned, second).signature);
  });

  it("makes grants that core's verifyGrant accepts, and refuses once altered", () => {
    const key = signingKeyFromSecret(randomBytes(32));
    const payload = { path: "/tmp/a" };
    const grant = signGrantNative({ ...unsigned, payloadHash: hashPayload(payload) }, key);
    const now = new Date("2026-11-30T12:00:00Z");
    expect(verifyGrant(grant, payload, key.publicKey, { now })).toMatchObject({ ok: true });
    expect(verifyGrant({ ...grant, proposalId: "p_2" }, payload, key.publicKey, { now })).toMatchObject({
      ok: false,
      reason: "bad_signature",
    });
  });
});
