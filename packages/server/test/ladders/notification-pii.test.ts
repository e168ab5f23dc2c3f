import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RunningServer } from "../../src/http/start-server.ts";
import { createTestStore, storeEngines, type TestStore } from "../support/stores.ts";
import {
  apiKey,
  call,
  policyFile,
  signingSecret,
  startReplica,
  TestClock,
} from "./support/ladder-harness.ts";
import { eventually, startSmtpReceiver, startWebhookReceiver } from "./support/receivers.ts";

const CARD = "4111 1111 1111 1111";
const EMAIL = "anna@example.com";

describe.each(storeEngines())("personal data in notifications (%s)", (engine) => {
  let db: TestStore;
  let webhook: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let slack: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
  let policy: Awaited<ReturnType<typeof policyFile>>;
  let server: RunningServer;

  beforeEach(async () => {
    db = await createTestStore(engine);
    const secret = signingSecret("PII_EVENTS_SECRET");
    webhook = await startWebhookReceiver({ secret });
    slack = await startWebhookReceiver();
    process.env.PII_SLACK_URL = slack.url;
    smtp = await startSmtpReceiver();
    policy = await policyFile(`version: 1
actions:
  billing.refund: { review: { queue: billing } }
queues:
  billing:
    notify:
      - { webhook: "${webhook.url}", secret: env:PII_EVENTS_SECRET, events: [review.created] }
      - { email: [billing-leads@example.com], events: [review.created] }
      - { slack: env:PII_SLACK_URL, events: [review.created] }
`);
    server = await startReplica(db.store, { clock: new TestClock(), policy: policy.path, smtpUrl: smtp.url });
  });
  afterEach(async () => {
    await server.close();
    await Promise.all([webhook.close(), slack.close(), smtp.close(), policy.remove()]);
    await db.cleanup();
  });

  it("masks a card number and an email in the summary of every message that leaves the system", async () => {
    const agent = await apiKey(db.store, "refund-bot", "agent");
    const proposed = await call(server.url, "POST", "/v1/proposals", agent, {
      action: { type: "billing.refund", payload: { amount: 20 } },
      summary: `Refund card ${CARD} and write to ${EMAIL}`,
    });
    expect(proposed.status).toBe(201);
    expect(proposed.body.summary).toContain(CARD); // the agent's own view is its own words

    await eventually(
      () => webhook.received.length >= 1 && slack.received.length >= 1 && smtp.mails.length >= 1,
      10_000,
      "a webhook, a Slack message and a mail",
    );
    const masked = "Refund card [card ••••1111] and write to [email]";
    const event = webhook.received[0]!;
    expect(event.signatureValid).toBe(true);
    expect(event.body.proposal.summary).toBe(masked);
    const slackText = JSON.stringify(slack.received[0]!.body);
    expect(slackText).toContain(masked);
    const mail = smtp.mails[0]!;
    for (const sent of [JSON.stringify(event.body), slackText, mail.subject, mail.raw]) {
      expect(sent).not.toContain(CARD);
      expect(sent).not.toContain("4111111111111111");
      expect(sent).not.toContain(EMAIL);
    }
    expect(mail.raw).toContain("[email]");
    expect(mail.raw).toContain("1111]");
  });
});
