import { describe, expect, it } from "vitest";
import { loadPolicy } from "../../src/policy/index.ts";

const policy = (action: string) => `
version: 1
actions:
  ledger.post:
${action
  .trim()
  .split("\n")
  .map((line) => `    ${line}`)
  .join("\n")}
`;

describe("executor settings", () => {
  it("reads timeoutMs, the older timeout duration, retries and a rollback executor", () => {
    const result = loadPolicy(
      policy(`
reversible: true
execute: { via: webhook, url: "https://hooks.example.com/post", secret: "env:S", idempotent: true, timeoutMs: 2500, retry: { attempts: 3 } }
rollback: { via: webhook, url: "https://hooks.example.com/undo", secret: "env:S", timeout: 4s }
`),
      { version: 1 },
    );
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const settings = result.policy.actionTypes.get("ledger.post")!;
    expect(settings.execute).toEqual({
      via: "webhook",
      url: "https://hooks.example.com/post",
      secret: "env:S",
      idempotent: true,
      timeoutMs: 2500,
      retry: { attempts: 3 },
    });
    expect(settings.rollback).toEqual({
      via: "webhook",
      url: "https://hooks.example.com/undo",
      secret: "env:S",
      timeoutMs: 4000,
    });
  });

  it("refuses a timeoutMs out of range, with line numbers", () => {
    const result = loadPolicy(
      policy(`
execute: { via: webhook, url: "https://hooks.example.com/post", timeoutMs: 5 }
`),
      { version: 1 },
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const messages = result.problems.map((p) => `${p.path} ${p.message}`);
    expect(messages.some((m) => m.includes("timeoutMs") && m.includes("at least 100"))).toBe(true);
    expect(result.problems.every((p) => typeof p.line === "number")).toBe(true);
  });

  it("refuses a rollback on an irreversible action type", () => {
    const result = loadPolicy(
      policy(`
reversible: false
execute: { via: webhook, url: "https://hooks.example.com/post" }
rollback: { via: webhook, url: "https://hooks.example.com/undo" }
`),
      { version: 1 },
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.message).join("\n")).toMatch(/can never be rolled back/);
  });
});
