import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateSigningKey } from "../../src/audit/checkpoint.ts";
import { signGrant } from "../../src/audit/grant.ts";
import { grantMessage, verifyGrant } from "../../src/audit/grant-check.ts";
import { hashPayload } from "../../src/audit/hash.ts";
import { Grant } from "../../src/wire/execution.ts";

/**
 * The grant check reads a grant's shape by hand, so that the SDK built on it loads no schema library.
 * It must accept exactly what the `Grant` wire schema accepts — and answer with the same grant — for
 * every grant, well formed or not.
 */

const key = generateSigningKey(new Uint8Array(32).fill(7));
const other = generateSigningKey(randomBytes(32));
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

type Case = [name: string, grant: unknown, payload?: unknown, key?: string | Uint8Array, keyId?: string];

const fields = Object.keys(grant) as (keyof typeof grant)[];
const cases: Case[] = [
  ["a grant for this payload", grant],
  ["the payload with its keys in another order", grant, { currency: "EUR", amount: 42.5, orderId: "o_1" }],
  ["the raw key bytes", grant, payload, key.publicKey],
  ["the expected key id", grant, payload, publicKey, "k1"],
  ["members a grant does not have", { ...grant, note: "dropped" }],
  ["another payload", grant, { ...payload, amount: 42.51 }],
  ["another key id", grant, payload, publicKey, "k2"],
  ["another key", grant, payload, other.publicKey],
  ["a key that is not base64", grant, payload, "not-a-key"],
  ["a key of 31 bytes", grant, payload, key.publicKey.slice(1)],
  ["a signature that is not base64", { ...grant, signature: "%%%%" }],
  ["a signature of 63 bytes", { ...grant, signature: Buffer.alloc(63).toString("base64") }],
  ["a grant signed by another key", signGrant(grant, { keyId: "k1", secretKey: other.secretKey })],
  [
    "a timestamp with an offset",
    signGrant(
      { ...grant, expiresAt: "2026-12-01T01:00:00+01:00" },
      { keyId: "k1", secretKey: key.secretKey },
    ),
  ],
  [
    "an expired grant",
    signGrant({ ...grant, expiresAt: "2026-11-30T11:59:59.999Z" }, { keyId: "k1", secretKey: key.secretKey }),
  ],
  ["a string", "grant"],
  ["null", null],
  ["an array", [grant]],
  ...fields.flatMap((field): Case[] => [
    [
      `${field} changed`,
      { ...grant, [field]: `${grant[field].slice(0, -1)}${grant[field].endsWith("0") ? "1" : "0"}` },
    ],
    [`${field} missing`, { ...grant, [field]: undefined }],
    [`${field} a number`, { ...grant, [field]: 1 }],
    [`${field} empty`, { ...grant, [field]: "" }],
    [`${field} of 201 characters`, { ...grant, [field]: "a".repeat(201) }],
  ]),
  ["an action type in capitals", { ...grant, actionType: "Billing.Refund" }],
  ["a payload hash without its prefix", { ...grant, payloadHash: grant.payloadHash.slice("sha256:".length) }],
  ["a date without a time", { ...grant, expiresAt: "2026-12-01" }],
  ["a time without a zone", { ...grant, expiresAt: "2026-12-01T00:00:00" }],
  ["a month 13", { ...grant, expiresAt: "2026-13-01T00:00:00Z" }],
  ["a date in words", { ...grant, expiresAt: "tomorrow" }],
];

describe("verifyGrant", () => {
  it.each(cases)(
    "reads the shape as the Grant schema does: %s",
    (_name, candidate, body = payload, trusted = publicKey, keyId) => {
      const options = keyId === undefined ? { now } : { now, keyId };
      const result = verifyGrant(candidate, body, trusted, options);
      const parsed = Grant.safeParse(candidate);
      expect(result.ok === false && result.reason === "malformed").toBe(!parsed.success);
      if (result.ok) expect(result.grant).toEqual(parsed.data);
    },
  );

  it("accepts the grant, and refuses another payload, key, key id or an expired grant with the reason", () => {
    expect(verifyGrant(grant, payload, publicKey, { now })).toEqual({ ok: true, grant });
    const refusal = (candidate: unknown, body: unknown, trusted: string | Uint8Array, keyId?: string) => {
      const result = verifyGrant(candidate, body, trusted, keyId === undefined ? { now } : { now, keyId });
      return result.ok ? "ok" : result.reason;
    };
    expect(refusal(grant, { ...payload, amount: 42.51 }, publicKey)).toBe("payload_mismatch");
    expect(refusal(grant, payload, other.publicKey)).toBe("bad_signature");
    expect(refusal(grant, payload, publicKey, "k2")).toBe("wrong_key");
    expect(refusal(grant, payload, "not-a-key")).toBe("wrong_key");
    expect(refusal({ ...grant, signature: "%%%%" }, payload, publicKey)).toBe("bad_signature");
    expect(
      refusal(
        signGrant(
          { ...grant, expiresAt: "2026-11-30T11:59:59.999Z" },
          { keyId: "k1", secretKey: key.secretKey },
        ),
        payload,
        publicKey,
      ),
    ).toBe("expired");
  });

  it("checks a grant signed the same way each time, over its versioned message, up to its expiry instant", () => {
    expect(signGrant({ ...grant }, { keyId: "k1", secretKey: key.secretKey }).signature).toBe(
      grant.signature,
    );
    expect(grantMessage(grant).startsWith("loopgate-grant:v1\n")).toBe(true);
    const at = (iso: string) => verifyGrant(grant, payload, publicKey, { now: new Date(iso) });
    expect(at("2026-11-30T23:59:59.999Z")).toMatchObject({ ok: true });
    expect(at("2026-12-01T00:00:00.000Z")).toMatchObject({ ok: false, reason: "expired" });
  });
});
