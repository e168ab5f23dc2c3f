import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RunningServer } from "../../src/http/start-server.ts";
import { startServer } from "../../src/http/start-server.ts";
import { createTestStore, type TestStore } from "../support/stores.ts";
import { apiKey, call, policyFile, signingSecret, TestClock } from "./support/ladder-harness.ts";
import { eventually, startWebhookReceiver } from "./support/receivers.ts";

describe("a notification channel that keeps failing", () => {
  let db: TestStore;
  let server: RunningServer;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let policy: Awaited<ReturnType<typeof policyFile>>;
  let dataDir: string;

  beforeEach(async () => {
    db = await createTestStore("sqlite");
    const secret = signingSecret("FAILING_EVENTS_SECRET");
    receiver = await startWebhookReceiver({ secret, failFirst: 1_000 });
    policy = await policyFile(`version: 1
actions:
  account.close: { review: { queue: desk } }
queues:
  desk:
    notify:
      - { webhook: "${receiver.url}", secret: env:FAILING_EVENTS_SECRET }
      - { webhook: "${receiver.url}", secret: env:UNSET_EVENTS_SECRET, events: [review.created] }
`);
    dataDir = await mkdtemp(join(tmpdir(), "loopgate-failing-"));
    server = await startServer({
      port: 0,
      dataDir,
      store: db.store,
      policyFile: policy.path,
      logLevel: "silent",
      now: new TestClock().now,
      config: { timerIntervalMs: 25, notificationAttempts: 2 },
    });
  });
  afterEach(async () => {
    await server.close();
    await Promise.all([receiver.close(), policy.remove(), rm(dataDir, { recursive: true, force: true })]);
    await db.cleanup();
  });

  it("never holds up a decision, gives up after the last attempt, and shows what failed", async () => {
    const agent = await apiKey(db.store, "closer-bot", "agent");
    const reviewer = await apiKey(db.store, "rita", "reviewer");
    const owner = await apiKey(db.store, "olga", "owner");
    const created = await call(server.url, "POST", "/v1/proposals", agent, {
      action: { type: "account.close", payload: {} },
    });
    const decided = await call(
      server.url,
      "POST",
      `/v1/reviews/${created.body.review.id}/decisions`,
      reviewer,
      {
        verdict: "reject",
      },
    );
    expect(decided.status).toBe(201);

    // review.created twice (one channel's secret is unset), review.decided once: all fail in the end.
    const failed = await eventually(
      async () => {
        const page = await call(server.url, "GET", "/v1/notifications?status=failed", owner);
        return page.body.items.length === 3 ? page.body.items : null;
      },
      15_000,
      "three failed deliveries",
    );
    expect(failed.map((d: any) => [d.event, d.attempts, d.nextAttemptAt])).toEqual(
      expect.arrayContaining([
        ["review.created", 2, null],
        ["review.created", 2, null],
        ["review.decided", 2, null],
      ]),
    );
    expect(failed.map((d: any) => d.lastError)).toEqual(
      expect.arrayContaining([
        `127.0.0.1:${new URL(receiver.url).port} answered 500`,
        expect.stringContaining("UNSET_EVENTS_SECRET is not set"),
      ]),
    );
    expect(JSON.stringify(failed)).not.toContain("whsec_");
    // Each attempt of one delivery carried the same webhook-id.
    const ids = receiver.received.map((r) => r.id);
    expect(ids.length).toBe(4);
    expect(new Set(ids).size).toBe(2);

    const audit = await db.store.listAudit({ proposalId: created.body.id, type: "notification.failed" }, 10);
    expect(audit.items).toHaveLength(3);
    expect((await db.store.proposal(created.body.id))?.status).toBe("rejected");

    expect((await call(server.url, "GET", "/v1/notifications", reviewer)).status).toBe(403);
    expect((await call(server.url, "GET", "/v1/notifications?status=lost", owner)).status).toBe(400);
    const paged = await call(server.url, "GET", "/v1/notifications?limit=2", owner);
    expect(paged.body.items).toHaveLength(2);
    const rest = await call(
      server.url,
      "GET",
      `/v1/notifications?limit=2&cursor=${paged.body.nextCursor}`,
      owner,
    );
    expect(rest.body).toMatchObject({ nextCursor: null });
    expect(rest.body.items).toHaveLength(1);
  }, 30_000);
});
