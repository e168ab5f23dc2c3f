import { loadPolicy } from "@loopgate/core";
import { describe, expect, it } from "vitest";
import { unsetExecutorSecrets } from "../../src/execution/allowlist.ts";

const POLICY = `version: 1
actions:
  mail.send:
    reversible: compensate
    payload: { type: object }
    execute: { via: webhook, url: "https://mail.example/send", secret: "env:MAIL_SECRET" }
    rollback: { via: webhook, url: "https://mail.example/recall", secret: "env:RECALL_SECRET" }
  ledger.post:
    payload: { type: object }
    execute: { via: webhook, url: "https://ledger.example/post", secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" }
  billing.refund:
    payload: { type: object }
    execute: { via: agent }
`;

/** The executors whose `env:` secret is unset, which `loopgate serve` warns of at start. */
describe("unset executor secrets", () => {
  const compiled = loadPolicy(POLICY, { version: 1 });
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
  const policy = compiled.policy;

  it("names each webhook executor whose env secret is unset, and none that is set or inline", () => {
    expect(unsetExecutorSecrets(policy, {})).toEqual([
      { actionType: "mail.send", kind: "execute", secret: "env:MAIL_SECRET" },
      { actionType: "mail.send", kind: "rollback", secret: "env:RECALL_SECRET" },
    ]);
    expect(unsetExecutorSecrets(policy, { MAIL_SECRET: "s", RECALL_SECRET: "" })).toEqual([
      { actionType: "mail.send", kind: "rollback", secret: "env:RECALL_SECRET" },
    ]);
    expect(unsetExecutorSecrets(policy, { MAIL_SECRET: "s", RECALL_SECRET: "r" })).toEqual([]);
  });
});
