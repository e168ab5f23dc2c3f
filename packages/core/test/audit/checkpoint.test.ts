import { describe, expect, it } from "vitest";
import { fromBase64, toBase64 } from "../../src/audit/base64.ts";
import {
  checkpointMessage,
  generateSigningKey,
  signCheckpoint,
  verifyCheckpoint,
} from "../../src/audit/checkpoint.ts";
import { GENESIS_HASH } from "../../src/audit/hash.ts";
import { sealAuditEntry } from "../../src/audit/seal-audit-entry.ts";
import { verifyAuditChain } from "../../src/audit/verify-chain.ts";
import type { AuditEntry } from "../../src/wire/audit.ts";

const AT = "2025-02-01T12:00:00.000Z";
const KEY = generateSigningKey(new Uint8Array(32).fill(7));
const OTHER = generateSigningKey(new Uint8Array(32).fill(9));

function chain(length: number, change?: number): AuditEntry[] {
  const entries: AuditEntry[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= length; seq++) {
    const data = { n: seq === change ? -1 : seq };
    const entry = sealAuditEntry(
      {
        at: AT,
        actor: { kind: "system", id: "loopgate", name: "Loopgate" },
        type: "t",
        proposalId: null,
        data,
      },
      seq,
      prev,
    );
    entries.push(entry);
    prev = entry.hash;
  }
  return entries;
}

const CHAIN = chain(100);
const head = (n: number) => ({ seq: n, hash: CHAIN[n - 1]!.hash });

describe("checkpoints", () => {
  it("signs the documented message and verifies", () => {
    expect(checkpointMessage(3, "ab", AT)).toBe(`loopgate-checkpoint:v1:3:ab:${AT}`);
    const cp = signCheckpoint(head(100), AT, { keyId: "k1", ...KEY });
    expect(cp).toMatchObject({
      seq: 100,
      hash: CHAIN[99]!.hash,
      at: AT,
      keyId: "k1",
      publicKey: toBase64(KEY.publicKey),
    });
    expect(fromBase64(cp.signature)).toHaveLength(64);
    expect(verifyCheckpoint(cp)).toBe(true);
    expect(verifyCheckpoint(cp, { trustedKeys: { k1: cp.publicKey } })).toBe(true);
  });

  it("is deterministic (Ed25519 needs no randomness at signing)", () => {
    const a = signCheckpoint(head(5), AT, { keyId: "k1", ...KEY });
    expect(signCheckpoint(head(5), AT, { keyId: "k1", ...KEY })).toEqual(a);
  });

  it("refuses forged or altered checkpoints", () => {
    const cp = signCheckpoint(head(100), AT, { keyId: "k1", ...KEY });
    expect(verifyCheckpoint({ ...cp, seq: 99 })).toBe(false);
    expect(verifyCheckpoint({ ...cp, hash: CHAIN[0]!.hash })).toBe(false);
    expect(verifyCheckpoint({ ...cp, at: "2025-02-01T12:00:01.000Z" })).toBe(false);
    expect(verifyCheckpoint({ ...cp, publicKey: toBase64(OTHER.publicKey) })).toBe(false);
    const sig = fromBase64(cp.signature)!;
    sig[0] = sig[0]! ^ 1;
    expect(verifyCheckpoint({ ...cp, signature: toBase64(sig) })).toBe(false);
    expect(verifyCheckpoint({ ...cp, signature: "not base64!" })).toBe(false);
    expect(verifyCheckpoint({ ...cp, publicKey: toBase64(new Uint8Array(32).fill(255)) })).toBe(false);
  });

  it("refuses a self-consistent checkpoint from a key that is not trusted", () => {
    const forged = signCheckpoint(head(100), AT, { keyId: "k1", ...OTHER });
    expect(verifyCheckpoint(forged)).toBe(true);
    expect(verifyCheckpoint(forged, { trustedKeys: { k1: toBase64(KEY.publicKey) } })).toBe(false);
    expect(verifyCheckpoint(forged, { trustedKeys: { k2: toBase64(OTHER.publicKey) } })).toBe(false);
  });

  it("needs exactly 32 random bytes for a key", () => {
    expect(() => generateSigningKey(new Uint8Array(16))).toThrow(/32/);
    const random = new Uint8Array(32).fill(1);
    const key = generateSigningKey(random);
    random[0] = 2;
    expect(key.secretKey[0]).toBe(1);
    expect(key.publicKey).toHaveLength(32);
  });
});

describe("verifyAuditChain with a checkpoint", () => {
  const cp = (n: number) => signCheckpoint(head(n), AT, { keyId: "k1", ...KEY });

  it("verifies an export that reaches the checkpoint, including entries written after it", () => {
    expect(verifyAuditChain(CHAIN, { checkpoint: cp(100) })).toMatchObject({
      ok: true,
      checkpoint: "verified",
    });
    expect(verifyAuditChain(CHAIN, { checkpoint: cp(80) })).toMatchObject({
      ok: true,
      count: 100,
      checkpoint: "verified",
    });
  });

  it("detects an export that ends before the checkpointed entry (older, or truncated)", () => {
    expect(verifyAuditChain(CHAIN.slice(0, 90), { checkpoint: cp(100) })).toEqual({
      ok: false,
      seq: 91,
      line: 91,
      reason:
        "the export ends at entry 90 but the checkpoint covers up to entry 100: entries 91–100 are not in it (an export older than the checkpoint, or one cut short)",
    });
    expect(verifyAuditChain([], { checkpoint: cp(1) })).toMatchObject({ ok: false, seq: 1, line: 1 });
  });

  it("detects a history rewritten consistently from an earlier entry", () => {
    const rewritten = chain(100, 10);
    expect(verifyAuditChain(rewritten).ok).toBe(true);
    expect(verifyAuditChain(rewritten, { checkpoint: cp(100) })).toMatchObject({
      ok: false,
      seq: 100,
      line: 100,
      reason: expect.stringMatching(/differs from the signed checkpoint/),
    });
  });

  it("fails on a forged or untrusted checkpoint before reading the export", () => {
    expect(verifyAuditChain(CHAIN, { checkpoint: { ...cp(100), seq: 50 } })).toMatchObject({
      ok: false,
      seq: null,
      line: 0,
      reason: expect.stringMatching(/signature is not valid/),
    });
    const untrusted = signCheckpoint(head(100), AT, { keyId: "k1", ...OTHER });
    expect(
      verifyAuditChain(CHAIN, { checkpoint: untrusted, trustedKeys: { k1: toBase64(KEY.publicKey) } }),
    ).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/not the trusted key/),
    });
  });

  it("accepts a checkpoint of the empty chain and of the entry before a partial export", () => {
    const empty = signCheckpoint({ seq: 0, hash: GENESIS_HASH }, AT, { keyId: "k1", ...KEY });
    expect(verifyAuditChain(CHAIN, { checkpoint: empty })).toMatchObject({
      ok: true,
      checkpoint: "verified",
    });
    const after = head(60);
    expect(verifyAuditChain(CHAIN.slice(60), { after, checkpoint: cp(60) })).toMatchObject({ ok: true });
    expect(verifyAuditChain(CHAIN.slice(60), { after, checkpoint: cp(30) })).toMatchObject({
      ok: false,
      seq: null,
    });
  });
});

describe("base64", () => {
  it("round-trips and matches Node's encoder", () => {
    for (let n = 0; n < 40; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 255);
      const text = toBase64(bytes);
      expect(text).toBe(Buffer.from(bytes).toString("base64"));
      expect(fromBase64(text)).toEqual(bytes);
    }
    expect(fromBase64("abc")).toBeNull();
    expect(fromBase64("ab=c")).toBeNull();
    expect(fromBase64("QR==")).toBeNull();
  });
});
