import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RunningServer } from "../../src/http/start-server.ts";
import type { Store } from "../../src/store/store.ts";
import { createTestStore, storeEngines, type TestStore } from "../support/stores.ts";
import {
  apiKey,
  call,
  PUBLIC_URL,
  policyFile,
  signingSecret,
  startReplica,
  TestClock,
} from "./support/ladder-harness.ts";
import { eventually, startSmtpReceiver, startWebhookReceiver } from "./support/receivers.ts";

const MINUTE = 60_000;

/** Three queues, each escalating to the next, each telling a signed webhook, an inbox and Slack. */
function ladderPolicy(webhookUrl: string): string {
  const notify = `
    notify:
      - { webhook: "${webhookUrl}", secret: env:LADDER_EVENTS_SECRET }
      - { email: [leads@example.com], events: [review.escalated, review.reminder] }
      - { slack: env:LADDER_SLACK_URL, events: [review.created, review.escalated, review.reminder] }`;
  return `version: 1
actions:
  account.close:
    payload: { type: object, properties: { customerId: { type: string } } }
    review: { queue: tier1 }
queues:
  tier1:
    sla: 30m
    remindBefore: [10m]
    escalateTo: tier2${notify}
  tier2:
    sla: 20m
    remindBefore: [5m]
    escalateTo: tier3${notify}
  tier3:
    sla: 10m
    remindBefore: [3m]
    onExpiry: reject${notify}
`;
}

describe.each(storeEngines())("escalation ladder of three levels: %s", (engine) => {
  let db: TestStore;
  let clock: TestClock;
  let secret: string;
  let webhook: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let slack: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
  let policy: Awaited<ReturnType<typeof policyFile>>;
  const servers: RunningServer[] = [];

  beforeEach(async () => {
    db = await createTestStore(engine);
    clock = new TestClock();
    secret = signingSecret("LADDER_EVENTS_SECRET");
    // The first delivery fails: retries must bring it, under the same webhook-id.
    webhook = await startWebhookReceiver({ secret, failFirst: 1 });
    slack = await startWebhookReceiver();
    process.env.LADDER_SLACK_URL = slack.url;
    smtp = await startSmtpReceiver();
    policy = await policyFile(ladderPolicy(webhook.url));
  });

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
    await Promise.all([webhook.close(), slack.close(), smtp.close(), policy.remove()]);
    await db.cleanup();
  });

  const replica = async (store: Store) => {
    const server = await startReplica(store, { clock, policy: policy.path, smtpUrl: smtp.url });
    servers.push(server);
    return server;
  };

  /** Audit entries of a type for the proposal. */
  const entries = async (proposalId: string, type: string) =>
    (await db.store.listAudit({ proposalId, type }, 100)).items;

  /**
   * Moves the test clock once no delivery of the proposal is mid-send: a lease counts in the same clock,
   * so jumping it while an attempt is in flight would make the attempt look cut off by a crash.
   */
  const advance = async (proposalId: string, ms: number) => {
    await eventually(
      async () => {
        for (const review of await db.store.reviewsOfProposal(proposalId)) {
          const rows = await db.store.notificationsOfReview(review.id);
          if (rows.some((row) => row.status === "sending")) return false;
        }
        return true;
      },
      10_000,
      "deliveries settled",
    );
    clock.advance(ms);
  };

  /** Webhook events accepted, as `type@queue`. */
  const webhookEvents = () => webhook.accepted().map((r) => `${r.body.type}@${r.body.review.queue}`);

  it("fires each level and each reminder once across two replicas and a restart, and refuses late decisions with 410", async () => {
    // Two replicas on one store.
    const a = await replica(db.store);
    await replica(await db.openAnother());
    const agent = await apiKey(db.store, "closer-bot", "agent");
    const reviewer = await apiKey(db.store, "rita", "reviewer");

    const created = await call(a.url, "POST", "/v1/proposals", agent, {
      action: { type: "account.close", payload: { customerId: "c_1" } },
      summary: "Close the account of c_1",
    });
    expect(created.status).toBe(201);
    const proposalId: string = created.body.id;
    const level0: string = created.body.review.id;

    // The review is announced and its reminder scheduled, once.
    await eventually(
      async () => (await db.store.timersOfReview(level0)).length === 1,
      10_000,
      "reminder scheduled",
    );
    await eventually(() => webhookEvents().includes("review.created@tier1"), 10_000, "review.created");

    // 21 minutes in: the level-0 reminder (10m before the 30m due time).
    await advance(proposalId, 21 * MINUTE);
    await eventually(() => webhookEvents().includes("review.reminder@tier1"), 10_000, "tier1 reminder");
    await eventually(() => smtp.mails.some((m) => m.subject.startsWith("Reminder")), 10_000, "reminder mail");

    // 31 minutes in: level 0 expires and escalates to tier2.
    await advance(proposalId, 10 * MINUTE);
    await eventually(() => webhookEvents().includes("review.escalated@tier2"), 10_000, "escalated to tier2");
    const level1 = (await db.store.reviewsOfProposal(proposalId)).find((r) => r.level === 1)!;
    expect(level1).toMatchObject({ queue: "tier2", status: "escalated" });
    expect(Date.parse(level1.dueAt) - Date.parse((await entries(proposalId, "review.expired"))[0]!.at)).toBe(
      20 * MINUTE,
    );

    // Restart: both replicas stop; a new process on the same data carries on.
    await Promise.all(servers.splice(0).map((server) => server.close()));
    await replica(await db.openAnother());

    await advance(proposalId, 16 * MINUTE); // 47m: tier2's reminder (5m before its due time at 51m)
    await eventually(() => webhookEvents().includes("review.reminder@tier2"), 10_000, "tier2 reminder");
    await advance(proposalId, 5 * MINUTE); // 52m: tier2 expires, escalates to tier3 (due at 62m)
    await eventually(() => webhookEvents().includes("review.escalated@tier3"), 10_000, "escalated to tier3");
    await advance(proposalId, 8 * MINUTE); // 60m: tier3's reminder (3m before)
    await eventually(() => webhookEvents().includes("review.reminder@tier3"), 10_000, "tier3 reminder");
    await advance(proposalId, 3 * MINUTE); // 63m: tier3 expires with onExpiry: reject
    await eventually(
      async () => (await db.store.proposal(proposalId))?.status === "rejected",
      10_000,
      "rejected",
    );
    await eventually(
      () => webhookEvents().filter((e) => e.startsWith("review.expired")).length === 3,
      10_000,
    );

    // Each level fired once; each reminder once.
    const expired = await entries(proposalId, "review.expired");
    expect(expired.map((e) => [e.data.queue, e.data.level, e.data.applied])).toEqual([
      ["tier1", 0, "escalate"],
      ["tier2", 1, "escalate"],
      ["tier3", 2, "reject"],
    ]);
    const reminded = await entries(proposalId, "review.reminded");
    expect(reminded.map((e) => [e.data.queue, e.data.beforeMs])).toEqual([
      ["tier1", 10 * MINUTE],
      ["tier2", 5 * MINUTE],
      ["tier3", 3 * MINUTE],
    ]);
    const reviews = await db.store.reviewsOfProposal(proposalId);
    expect(reviews.map((r) => [r.queue, r.level, r.status])).toEqual([
      ["tier1", 0, "expired"],
      ["tier2", 1, "expired"],
      ["tier3", 2, "expired"],
    ]);

    // Every webhook delivery was signed; each event arrived exactly once (the failed first attempt was
    // retried under the same webhook-id).
    expect(webhook.received.every((r) => r.signatureValid)).toBe(true);
    expect(webhook.received[0]!.status).toBe(500);
    expect(webhook.accepted().some((r) => r.id === webhook.received[0]!.id)).toBe(true);
    const ids = webhook.accepted().map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(webhookEvents().sort()).toEqual(
      [
        "review.created@tier1",
        "review.reminder@tier1",
        "review.expired@tier1",
        "review.escalated@tier2",
        "review.reminder@tier2",
        "review.expired@tier2",
        "review.escalated@tier3",
        "review.reminder@tier3",
        "review.expired@tier3",
      ].sort(),
    );
    const last = webhook
      .accepted()
      .find((r) => r.body.type === "review.expired" && r.body.review.queue === "tier3");
    expect(last!.body).toMatchObject({
      proposal: {
        id: proposalId,
        agent: "closer-bot",
        actionType: "account.close",
        summary: "Close the account of c_1",
      },
      review: { level: 2, url: `${PUBLIC_URL}/review/${reviews[2]!.id}` },
      expiry: { rule: "reject", applied: "reject" },
    });

    // Email: only the events the channel asked for, one mail each, to the listed address.
    await eventually(() => smtp.mails.length === 5, 10_000, "five mails");
    expect(smtp.mails.map((m) => m.subject.split(" ")[0]).sort()).toEqual(
      ["Escalated", "Escalated", "Reminder:", "Reminder:", "Reminder:"].sort(),
    );
    expect(smtp.mails.every((m) => m.to.join() === "leads@example.com")).toBe(true);
    expect(smtp.mails[0]!.raw).toContain(`${PUBLIC_URL}/review/`);

    // Slack: text and a button linking to the review.
    await eventually(() => slack.accepted().length === 6, 10_000, "six Slack messages");
    const reminder = slack
      .accepted()
      .find((r) => r.body.text.startsWith("Reminder") && r.body.text.includes("tier3"));
    expect(reminder!.body.text).toContain(`<${PUBLIC_URL}/review/${reviews[2]!.id}|Open the review>`);
    expect(JSON.stringify(reminder!.body.blocks)).toContain(`"url":"${PUBLIC_URL}/review/${reviews[2]!.id}"`);

    // Late decisions on every level: 410.
    for (const review of reviews) {
      const late = await call(servers[0]!.url, "POST", `/v1/reviews/${review.id}/decisions`, reviewer, {
        verdict: "approve",
      });
      expect(late.status).toBe(410);
    }
    expect(await entries(proposalId, "decision.recorded")).toEqual([]);
  }, 60_000);

  it("skips a reminder for a review decided before it was due", async () => {
    const server = await replica(db.store);
    const agent = await apiKey(db.store, "closer-bot", "agent");
    const reviewer = await apiKey(db.store, "rita", "reviewer");
    const created = await call(server.url, "POST", "/v1/proposals", agent, {
      action: { type: "account.close", payload: { customerId: "c_2" } },
    });
    const reviewId: string = created.body.review.id;
    await eventually(async () => (await db.store.timersOfReview(reviewId)).length === 1, 10_000);
    const decided = await call(server.url, "POST", `/v1/reviews/${reviewId}/decisions`, reviewer, {
      verdict: "reject",
      comment: "Customer still has an open order",
    });
    expect(decided.status).toBe(201);
    await eventually(() => webhookEvents().includes("review.decided@tier1"), 10_000, "review.decided");
    const decidedEvent = webhook.accepted().find((r) => r.body.type === "review.decided")!;
    expect(decidedEvent.body.decision).toEqual({ verdict: "reject", by: "rita", category: null });

    await advance(created.body.id, 21 * MINUTE);
    await eventually(async () => (await db.store.timersOfReview(reviewId))[0]?.status === "skipped", 10_000);
    expect(await entries(created.body.id, "review.reminded")).toEqual([]);
    expect(webhookEvents().filter((e) => e.startsWith("review.reminder"))).toEqual([]);
  }, 30_000);
});
