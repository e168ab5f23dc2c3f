import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "../../src/http/start-server.ts";
import { createTestStore, storeEngines, type TestStore } from "../support/stores.ts";
import { apiKey, call, PUBLIC_URL, policyFile, signingSecret } from "./support/ladder-harness.ts";
import { eventually, startWebhookReceiver } from "./support/receivers.ts";

describe.each(storeEngines())("notifications about proposals no person sees (%s)", (engine) => {
  let db: TestStore;
  let server: RunningServer;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let policy: Awaited<ReturnType<typeof policyFile>>;
  let dataDir: string;

  beforeEach(async () => {
    db = await createTestStore(engine);
    const secret = signingSecret("PROPOSAL_EVENTS_SECRET");
    receiver = await startWebhookReceiver({ secret });
    policy = await policyFile(`version: 1
actions:
  account.close: { review: { queue: desk } }
queues:
  desk:
    notify:
      - { webhook: "${receiver.url}", secret: env:PROPOSAL_EVENTS_SECRET, events: [proposal.blocked, proposal.held] }
rules:
  - { id: vip-accounts, when: "action.payload.vip == true", route: block, reason: VIP accounts are closed by hand }
`);
    dataDir = await mkdtemp(join(tmpdir(), "loopgate-proposal-events-"));
    server = await startServer({
      port: 0,
      dataDir,
      store: db.store,
      policyFile: policy.path,
      logLevel: "silent",
      config: { timerIntervalMs: 25, publicUrl: PUBLIC_URL },
    });
  });
  afterEach(async () => {
    await server.close();
    await Promise.all([receiver.close(), policy.remove(), rm(dataDir, { recursive: true, force: true })]);
    await db.cleanup();
  });

  it("announces a blocked and a held proposal to the queue's channel, signed, with a link", async () => {
    const agent = await apiKey(db.store, "closer-bot", "agent");
    const owner = await apiKey(db.store, "olga", "owner");
    const blocked = await call(server.url, "POST", "/v1/proposals", agent, {
      action: { type: "account.close", payload: { vip: true } },
    });
    expect(blocked.body.status).toBe("blocked");
    const stop = await call(server.url, "POST", "/v1/stops", owner, {
      scope: { agent: "closer-bot" },
      reason: "audit of closures",
    });
    expect(stop.status).toBe(201);
    const held = await call(server.url, "POST", "/v1/proposals", agent, {
      action: { type: "account.close", payload: { vip: false } },
    });
    expect(held.body.status).toBe("held");

    await eventually(async () => receiver.received.length >= 2, 10_000, "two proposal events");
    const received = receiver.received;
    expect(received.every((r) => r.signatureValid)).toBe(true);
    const byType = new Map(received.map((r) => [r.body.type, r.body]));
    expect(byType.get("proposal.blocked")).toMatchObject({
      review: null,
      proposal: {
        id: blocked.body.id,
        status: "blocked",
        reason: "VIP accounts are closed by hand",
        url: `${PUBLIC_URL}/audit?proposal=${blocked.body.id}`,
      },
    });
    expect(byType.get("proposal.held")).toMatchObject({
      review: null,
      proposal: { id: held.body.id, status: "held" },
    });
    // No review event went to this channel: it asked for proposal events only.
    expect(received.map((r) => r.body.type).sort()).toEqual(["proposal.blocked", "proposal.held"]);
    const listed = await call(server.url, "GET", "/v1/notifications", owner);
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((d: any) => d.reviewId)).toEqual([null, null]);
  });
});

describe.each(storeEngines())("the notification feed under policies that notify no one (%s)", (engine) => {
  it("passes over what quiet versions wrote, and announces what a notifying version writes", async () => {
    const db = await createTestStore(engine);
    const secret = signingSecret("QUIET_THEN_LOUD_SECRET");
    const receiver = await startWebhookReceiver({ secret });
    const quiet = `version: 1
actions:
  account.close: { review: { queue: desk } }
rules:
  - { id: vip-accounts, when: "action.payload.vip == true", route: block, reason: VIP accounts are closed by hand }
`;
    const policy = await policyFile(quiet);
    const dataDir = await mkdtemp(join(tmpdir(), "loopgate-quiet-feed-"));
    const server = await startServer({
      port: 0,
      dataDir,
      store: db.store,
      policyFile: policy.path,
      logLevel: "silent",
      config: { timerIntervalMs: 25, publicUrl: PUBLIC_URL },
    });
    try {
      const agent = await apiKey(db.store, "closer-bot", "agent");
      const owner = await apiKey(db.store, "olga", "owner");
      const close = (vip: boolean) =>
        call(server.url, "POST", "/v1/proposals", agent, {
          action: { type: "account.close", payload: { vip } },
        });
      const first = await close(true);
      expect(first.body.status).toBe("blocked");
      await close(false); // a review opened under the quiet version
      // The feed moves past everything the quiet version wrote.
      await eventually(
        async () => (await db.store.feedPosition("notifications")) === (await db.store.auditHead())?.seq,
        10_000,
        "the feed at the head",
      );

      const loud = quiet.replace(
        "  account.close: { review: { queue: desk } }\n",
        `  account.close: { review: { queue: desk } }\nqueues:\n  desk:\n    notify:\n      - { webhook: "${receiver.url}", secret: env:QUIET_THEN_LOUD_SECRET, events: [proposal.blocked, review.created] }\n`,
      );
      const put = await call(server.url, "PUT", "/v1/policy", owner, { text: loud });
      expect(put.status).toBe(200);
      expect(put.body.version).toBe(2);
      const second = await close(true);
      const reviewed = await close(false);
      await eventually(async () => receiver.received.length >= 2, 10_000, "two events under the new version");
      await new Promise((resolve) => setTimeout(resolve, 200));
      const seen = receiver.received.map((r) => [r.body.type, r.body.proposal.id]).sort();
      expect(seen).toEqual(
        [
          ["proposal.blocked", second.body.id],
          ["review.created", reviewed.body.id],
        ].sort(),
      );
    } finally {
      await server.close();
      await Promise.all([receiver.close(), policy.remove(), rm(dataDir, { recursive: true, force: true })]);
      await db.cleanup();
    }
  });
});
