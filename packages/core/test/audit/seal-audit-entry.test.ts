import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../src/audit/canonical-json.ts";
import { GENESIS_HASH, sha256Hex } from "../../src/audit/hash.ts";
import {
  auditEntryHash,
  auditEntryText,
  placeAuditDraft,
  sealAuditDraft,
  sealAuditEntry,
} from "../../src/audit/seal-audit-entry.ts";
import type { AuditDraft, AuditEntry } from "../../src/wire/audit.ts";
import { seededRandom } from "../support/seeded-random.ts";

/** Characters that exercise every escape: quotes, backslashes, controls, non-ASCII, lone surrogates. */
const ALPHABET = [
  "a",
  "Z",
  "0",
  " ",
  '"',
  "\\",
  "\n",
  "\u0001",
  "\u001f",
  "é",
  "€",
  "😀",
  "\ud800",
  "\udfff",
  "/",
];

function text(next: () => number): string {
  let out = "";
  const length = Math.floor(next() * 12);
  for (let i = 0; i < length; i++) out += ALPHABET[Math.floor(next() * ALPHABET.length)];
  return out;
}

function value(next: () => number, depth: number): unknown {
  const pick = Math.floor(next() * (depth > 2 ? 5 : 7));
  switch (pick) {
    case 0:
      return text(next);
    case 1:
      return [0, -0, 1e21, 0.1, -3.5, 2 ** 53, 1e-7][Math.floor(next() * 7)];
    case 2:
      return next() < 0.5;
    case 3:
      return null;
    case 4:
      return Math.floor(next() * 1000);
    case 5:
      return Array.from({ length: Math.floor(next() * 4) }, () => value(next, depth + 1));
    default:
      return object(next, depth + 1);
  }
}

function object(next: () => number, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const size = Math.floor(next() * 6);
  for (let i = 0; i < size; i++) out[text(next) || `k${i}`] = value(next, depth);
  return out;
}

function draft(next: () => number): AuditDraft {
  const actor: AuditDraft["actor"] = {
    kind: next() < 0.5 ? "agent" : "user",
    id: text(next),
    name: text(next),
  };
  // A person's credential, on some entries, as the server records it.
  if (actor.kind === "user" && next() < 0.5)
    actor.via = { kind: next() < 0.5 ? "key" : "session", id: text(next) };
  return {
    at: new Date(Date.UTC(2026, 0, 1) + Math.floor(next() * 1e10)).toISOString(),
    actor,
    type: next() < 0.5 ? "proposal.routed" : text(next),
    proposalId: next() < 0.3 ? null : text(next),
    data: object(next, 0),
  };
}

describe("sealing an audit entry", () => {
  it("writes the same text as canonicalJson of the entry, for 3,000 generated entries", () => {
    const next = seededRandom(20261130);
    for (let i = 0; i < 3_000; i++) {
      const entry = placeAuditDraft(draft(next), i + 1, sha256Hex(String(i)));
      const expected = canonicalJson(entry);
      expect(auditEntryText(entry, canonicalJson(entry.data)), `case ${i}`).toBe(expected);
    }
  });

  it("hashes what the verifier recomputes, and hands back the data's canonical JSON", () => {
    const next = seededRandom(7);
    let prev = GENESIS_HASH;
    for (let seq = 1; seq <= 200; seq++) {
      const { entry, dataText } = sealAuditDraft(draft(next), seq, prev);
      const { hash, ...rest } = entry;
      expect(hash).toBe(auditEntryHash(rest));
      expect(dataText).toBe(canonicalJson(entry.data));
      expect(sealAuditEntry(placeAuditDraft(entry, seq, prev), seq, prev)).toEqual(entry);
      prev = hash;
    }
  });

  it("falls back to canonicalJson when a field is not of its declared type", () => {
    const entry = placeAuditDraft(
      {
        at: "2026-01-01T00:00:00.000Z",
        actor: { kind: "system", id: "loopgate", name: undefined as unknown as string },
        type: "policy.loaded",
        proposalId: null,
        data: { version: 1 },
      },
      1,
      GENESIS_HASH,
    );
    // Canonical JSON drops the undefined member rather than writing "undefined".
    expect(auditEntryText(entry, canonicalJson(entry.data))).toBe(canonicalJson(entry));
    expect(auditEntryText(entry, canonicalJson(entry.data))).not.toContain("undefined");
    const oddHash = { ...entry, prevHash: 7 as unknown as string };
    expect(auditEntryText(oddHash, canonicalJson(entry.data))).toBe(canonicalJson(oddHash));
    const badSeq = { ...entry, seq: Number.NaN };
    expect(() => auditEntryText(badSeq, canonicalJson(entry.data))).toThrow(TypeError);
  });

  it("keeps a person's credential in the hash, copied down to its kind and id like the actor", () => {
    const base: AuditDraft = {
      at: "2026-01-01T00:00:00.000Z",
      actor: { kind: "user", id: "u1", name: "Ada" },
      type: "decision.recorded",
      proposalId: "p1",
      data: { verdict: "approve" },
    };
    const plain = sealAuditEntry(base, 1, GENESIS_HASH);
    const viaKey = sealAuditEntry(
      { ...base, actor: { ...base.actor, via: { kind: "key", id: "k1" } } },
      1,
      GENESIS_HASH,
    );
    const viaSession = sealAuditEntry(
      { ...base, actor: { ...base.actor, via: { kind: "session", id: "k1" } } },
      1,
      GENESIS_HASH,
    );
    expect(new Set([plain.hash, viaKey.hash, viaSession.hash]).size).toBe(3);
    expect(plain.actor).toEqual({ kind: "user", id: "u1", name: "Ada" });
    expect("via" in plain.actor).toBe(false);
    const extra = { kind: "key", id: "k1", note: "not hashed" } as { kind: "key"; id: string };
    const copied = sealAuditEntry({ ...base, actor: { ...base.actor, via: extra } }, 1, GENESIS_HASH);
    expect(copied).toEqual(viaKey);
  });

  it("refuses data JSON cannot carry, before anything is hashed", () => {
    const bad = { ...draft(seededRandom(1)), data: { amount: Number.NaN } } as AuditDraft;
    expect(() => sealAuditDraft(bad, 1, GENESIS_HASH)).toThrow(TypeError);
    const entry: AuditEntry = sealAuditEntry({ ...bad, data: { amount: 1 } }, 1, GENESIS_HASH);
    expect(entry.seq).toBe(1);
  });
});
