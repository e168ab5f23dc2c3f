import { describe, expect, it } from "vitest";
import { GENESIS_HASH, hashPayload, sha256Hex } from "../../src/audit/hash.ts";
import { sealAuditEntry } from "../../src/audit/seal-audit-entry.ts";
import { verifyAuditChain } from "../../src/audit/verify-chain.ts";
import type { AuditDraft, AuditEntry } from "../../src/wire/audit.ts";

function draft(i: number): AuditDraft {
  return {
    at: new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString(),
    actor:
      i % 3 === 0
        ? { kind: "user", id: `u${i}`, name: `Reviewer ${i}`, via: { kind: "session", id: `s${i}` } }
        : { kind: "system", id: "loopgate", name: "Loopgate" },
    type: i % 2 === 0 ? "proposal.routed" : "review.decided",
    proposalId: i % 5 === 0 ? null : `p${i}`,
    data: {
      n: i,
      verdict: "approve",
      payloadHash: hashPayload({ amount: i * 1.5 }),
      nested: { list: [i, "x"] },
    },
  };
}

function chain(length: number): AuditEntry[] {
  const entries: AuditEntry[] = [];
  let prev = GENESIS_HASH;
  for (let i = 1; i <= length; i++) {
    const entry = sealAuditEntry(draft(i), i, prev);
    entries.push(entry);
    prev = entry.hash;
  }
  return entries;
}

const CHAIN = chain(100);
const clone = (entries: AuditEntry[]) => entries.map((e) => structuredClone(e));

describe("sha256Hex and hashPayload", () => {
  it("hashes UTF-8 text (FIPS 180-2 vector)", () => {
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(GENESIS_HASH).toMatch(/^0{64}$/);
  });

  it("commits to a payload regardless of key order", () => {
    expect(hashPayload({ a: 1, b: "x" })).toBe(hashPayload({ b: "x", a: 1 }));
    expect(hashPayload({ a: 1 })).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(hashPayload({ a: 1 })).not.toBe(hashPayload({ a: 2 }));
  });
});

describe("sealAuditEntry", () => {
  it("links each entry to the previous hash and hashes the canonical form", () => {
    expect(CHAIN[0]?.prevHash).toBe(GENESIS_HASH);
    expect(CHAIN[1]?.prevHash).toBe(CHAIN[0]?.hash);
    const entry = sealAuditEntry(
      {
        at: "2025-01-01T00:00:00.000Z",
        actor: { kind: "system", id: "loopgate", name: "Loopgate" },
        type: "policy.loaded",
        proposalId: null,
        data: { version: 1, by: "x" },
      },
      1,
      GENESIS_HASH,
    );
    const canonical =
      '{"actor":{"id":"loopgate","kind":"system","name":"Loopgate"},"at":"2025-01-01T00:00:00.000Z",' +
      `"data":{"by":"x","version":1},"prevHash":"${GENESIS_HASH}","proposalId":null,"seq":1,"type":"policy.loaded"}`;
    expect(entry.hash).toBe(sha256Hex(canonical));
    // Pinned so that any change to the hashed form (which would orphan every stored chain) fails here.
    expect(entry.hash).toBe("45cf10b9d7ef3af5da748415e46b8872881c4a35c2392a596760523e413af8bf");
  });

  it("keeps only kind, id and name of the actor", () => {
    const actor = { kind: "user" as const, id: "u1", name: "Ana", email: "ana@example.com" };
    const entry = sealAuditEntry({ ...draft(1), actor }, 1, GENESIS_HASH);
    expect(entry.actor).toEqual({ kind: "user", id: "u1", name: "Ana" });
    expect(verifyAuditChain([entry]).ok).toBe(true);
  });

  it("refuses a bad seq, a bad prevHash and unserialisable data", () => {
    expect(() => sealAuditEntry(draft(1), 0, GENESIS_HASH)).toThrow(/seq/);
    expect(() => sealAuditEntry(draft(1), 1.5, GENESIS_HASH)).toThrow(/seq/);
    expect(() => sealAuditEntry(draft(1), 1, "abc")).toThrow(/prevHash/);
    expect(() => sealAuditEntry({ ...draft(1), data: { x: Number.NaN } }, 1, GENESIS_HASH)).toThrow(/NaN/);
  });
});

describe("verifyAuditChain", () => {
  it("verifies a chain of 100 sealed entries, as objects or JSON lines", () => {
    expect(verifyAuditChain(CHAIN)).toEqual({
      ok: true,
      count: 100,
      head: { seq: 100, hash: CHAIN[99]?.hash },
      checkpoint: "absent",
    });
    expect(verifyAuditChain(CHAIN.map((e) => JSON.stringify(e))).ok).toBe(true);
    expect(verifyAuditChain([])).toEqual({ ok: true, count: 0, head: null, checkpoint: "absent" });
  });

  const tampers: [string, (e: AuditEntry) => void, RegExp][] = [
    [
      "data",
      (e) => {
        (e.data as { n: number }).n += 1;
      },
      /hash does not match its content/,
    ],
    [
      "actor",
      (e) => {
        e.actor.name = "Mallory";
      },
      /hash does not match its content/,
    ],
    [
      "actor's credential",
      (e) => {
        e.actor.via = { kind: "key", id: "k-forged" };
      },
      /hash does not match its content/,
    ],
    [
      "at",
      (e) => {
        e.at = "2030-01-01T00:00:00.000Z";
      },
      /hash does not match its content/,
    ],
    [
      "type",
      (e) => {
        e.type = "proposal.cancelled";
      },
      /hash does not match its content/,
    ],
    [
      "proposalId",
      (e) => {
        e.proposalId = "other";
      },
      /hash does not match its content/,
    ],
    [
      "hash",
      (e) => {
        e.hash = sha256Hex("forged");
      },
      /hash does not match its content/,
    ],
    [
      "prevHash",
      (e) => {
        e.prevHash = sha256Hex("forged");
      },
      /prevHash does not match/,
    ],
    [
      "seq",
      (e) => {
        e.seq += 1000;
      },
      /expected entry \d+ here/,
    ],
  ];

  it.each(tampers)(
    "names exactly the entry whose %s was changed, for every entry",
    (_field, tamper, reason) => {
      for (let k = 1; k <= CHAIN.length; k++) {
        const entries = clone(CHAIN);
        tamper(entries[k - 1]!);
        const result = verifyAuditChain(entries);
        expect(result.ok).toBe(false);
        if (result.ok) return;
        expect(result.line).toBe(k);
        expect(result.seq).toBe(entries[k - 1]?.seq);
        expect(result.reason).toMatch(reason);
      }
    },
  );

  it("refuses a field inside the actor's credential that the hash does not cover", () => {
    const entries = clone(CHAIN);
    (entries[2]!.actor.via as Record<string, unknown>).note = "added later";
    expect(verifyAuditChain(entries)).toMatchObject({
      ok: false,
      seq: 3,
      reason: expect.stringMatching(/field "actor\.via\.note" is not covered by the hash/),
    });
  });

  it("says plainly which link broke", () => {
    const changed = clone(CHAIN);
    (changed[16]!.data as { n: number }).n = 0;
    expect(verifyAuditChain(changed)).toEqual({
      ok: false,
      seq: 17,
      line: 17,
      reason: "entry 17: hash does not match its content (the entry was changed)",
    });
    const relinked = clone(CHAIN);
    relinked[17]!.prevHash = GENESIS_HASH;
    expect(verifyAuditChain(relinked)).toMatchObject({
      seq: 18,
      reason: "entry 18: prevHash does not match entry 17's hash",
    });
  });

  it("detects a changed entry whose hash was recomputed at the next link", () => {
    const entries = clone(CHAIN);
    const { hash: _old, ...rest } = entries[40]!;
    entries[40] = sealAuditEntry({ ...rest, data: { n: -1 } }, rest.seq, rest.prevHash);
    expect(verifyAuditChain(entries)).toMatchObject({
      ok: false,
      seq: 42,
      line: 42,
      reason: expect.stringMatching(/prevHash/),
    });
  });

  it("detects removed and reordered entries", () => {
    const removed = CHAIN.filter((e) => e.seq !== 50);
    expect(verifyAuditChain(removed)).toMatchObject({
      ok: false,
      seq: 51,
      line: 50,
      reason: expect.stringMatching(/entry 50 is missing/),
    });
    const firstGone = CHAIN.slice(1);
    expect(verifyAuditChain(firstGone)).toMatchObject({ ok: false, seq: 2, line: 1 });
    const swapped = [...CHAIN];
    [swapped[29], swapped[30]] = [swapped[30]!, swapped[29]!];
    expect(verifyAuditChain(swapped)).toMatchObject({ ok: false, seq: 31, line: 30 });
    const repeated = [...CHAIN.slice(0, 10), CHAIN[9]!, ...CHAIN.slice(10)];
    expect(verifyAuditChain(repeated)).toMatchObject({
      ok: false,
      seq: 10,
      line: 11,
      reason: expect.stringMatching(/repeated/),
    });
  });

  it("refuses malformed entries and fields the hash does not cover", () => {
    expect(verifyAuditChain([CHAIN[0], "{not json"])).toMatchObject({
      ok: false,
      seq: null,
      line: 2,
      reason: expect.stringMatching(/not valid JSON/),
    });
    const { at: _at, ...noAt } = CHAIN[0]!;
    expect(verifyAuditChain([noAt])).toMatchObject({
      ok: false,
      seq: 1,
      line: 1,
      reason: expect.stringMatching(/at/),
    });
    expect(verifyAuditChain([{ ...CHAIN[0], note: "added later" }])).toMatchObject({
      ok: false,
      seq: 1,
      reason: expect.stringMatching(/"note" is not covered/),
    });
    expect(verifyAuditChain([{ ...CHAIN[0], actor: { ...CHAIN[0]!.actor, role: "owner" } }])).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/actor\.role/),
    });
  });

  it("continues a chain after a known entry with `after`", () => {
    const tail = CHAIN.slice(60);
    expect(verifyAuditChain(tail).ok).toBe(false);
    expect(verifyAuditChain(tail, { after: { seq: 60, hash: CHAIN[59]!.hash } })).toMatchObject({
      ok: true,
      count: 40,
    });
    expect(verifyAuditChain(tail, { after: { seq: 60, hash: GENESIS_HASH } })).toMatchObject({
      ok: false,
      seq: 61,
    });
  });
});
