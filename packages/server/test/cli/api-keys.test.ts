import type { Actor } from "@loopgate/core";
import { describe, expect, it } from "vitest";
import { createApiKeyChange, generateApiKey, hashApiKey } from "../../src/app/api-keys.ts";
import { AppError } from "../../src/app/app-error.ts";
import type { UserRow } from "../../src/store/store.ts";

const actor: Actor = { kind: "system", id: "cli", name: "loopgate CLI (test)" };
const now = "2026-01-01T00:00:00.000Z";

function counter(): () => string {
  let n = 0;
  return () => `id-${++n}`;
}

describe("generateApiKey", () => {
  it("writes 32 random bytes as base64url behind a prefix naming the role", () => {
    const key = generateApiKey(new Uint8Array(32).fill(255), "agent");
    expect(key).toBe(`lg_agent_${"_".repeat(42)}8`);
    expect(generateApiKey(new Uint8Array(32))).toMatch(/^lg_[A-Za-z0-9_-]{43}$/);
  });

  it("refuses too little randomness", () => {
    expect(() => generateApiKey(new Uint8Array(16), "agent")).toThrow(RangeError);
  });
});

describe("hashApiKey", () => {
  it("is SHA-256 hex of the secret", () => {
    expect(hashApiKey("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});

describe("createApiKeyChange", () => {
  it("creates an agent key with no user, audited without the secret or its hash", () => {
    const { secret, change, key, user } = createApiKeyChange({
      name: "support-bot",
      role: "agent",
      actions: ["support.reply", "support.reply"],
      existingUser: null,
      now,
      ids: counter(),
      actor,
    });
    expect(user).toBeNull();
    expect(key).toMatchObject({ id: "id-1", name: "support-bot", role: "agent", userId: null });
    expect(key.actions).toEqual(["support.reply"]);
    expect(key.hash).toBe(hashApiKey(secret));
    expect(change.writes).toEqual([{ kind: "insertApiKey", row: key }]);
    expect(change.audit).toHaveLength(1);
    expect(change.audit[0]).toMatchObject({
      type: "key.created",
      actor,
      data: { keyId: "id-1", role: "agent" },
    });
    const audited = JSON.stringify(change.audit);
    expect(audited).not.toContain(secret);
    expect(audited).not.toContain(key.hash);
  });

  it("creates the named user with a reviewer key when absent, in the same change", () => {
    const { change, key, user } = createApiKeyChange({
      name: "alice",
      role: "reviewer",
      actions: null,
      existingUser: null,
      now,
      ids: counter(),
      actor,
    });
    expect(user).toMatchObject({
      id: "id-1",
      name: "alice",
      role: "reviewer",
      pii: false,
      passwordHash: null,
    });
    expect(key.userId).toBe("id-1");
    expect(change.writes.map((w) => w.kind)).toEqual(["insertUser", "insertApiKey"]);
    expect(change.audit.map((a) => a.type)).toEqual(["user.created", "key.created"]);
  });

  it("acts as an existing user whose role covers the key's", () => {
    const owner: UserRow = {
      id: "u-owner",
      name: "olga",
      role: "owner",
      queues: [],
      pii: true,
      passwordHash: null,
      createdAt: now,
    };
    const { change, key } = createApiKeyChange({
      name: "olga",
      role: "auditor",
      actions: null,
      existingUser: owner,
      now,
      ids: counter(),
      actor,
    });
    expect(key.userId).toBe("u-owner");
    expect(change.writes.map((w) => w.kind)).toEqual(["insertApiKey"]);
  });

  it("refuses a key with more rights than its user, actions on a person's key, and a past expiry", () => {
    const reviewer: UserRow = {
      id: "u1",
      name: "rita",
      role: "reviewer",
      queues: [],
      pii: false,
      passwordHash: null,
      createdAt: now,
    };
    const base = { now, ids: counter(), actor, actions: null, existingUser: null };
    expect(() =>
      createApiKeyChange({ ...base, name: "rita", role: "owner", existingUser: reviewer }),
    ).toThrow(/rita is a reviewer/);
    expect(() =>
      createApiKeyChange({ ...base, name: "rita", role: "reviewer", actions: ["support.reply"] }),
    ).toThrow(AppError);
    expect(() =>
      createApiKeyChange({ ...base, name: "bot", role: "agent", expiresAt: "2025-01-01T00:00:00.000Z" }),
    ).toThrow(/not a time in the future/);
    expect(() => createApiKeyChange({ ...base, name: "bad name!", role: "agent" })).toThrow(/Key name/);
    expect(() =>
      createApiKeyChange({ ...base, name: "bot", role: "agent", actions: ["Not A Type"] }),
    ).toThrow(/Action type/);
  });
});
