import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "../../src/http/start-server.ts";
import { RecordingReceiver, TEST_SECRET } from "../execution/receiver.ts";
import { FAST_EXECUTION } from "../execution/support.ts";
import { createTestStore, storeEngines, type TestStore } from "../support/stores.ts";
import { apiKey, call, PUBLIC_URL, policyFile, signingSecret, TestClock } from "./support/ladder-harness.ts";
import { eventually, startWebhookReceiver } from "./support/receivers.ts";

const MINUTE = 60_000;

/**
 * `mail.send` runs auto through a non-idempotent webhook executor: a 500 dead-letters it at once and
 * opens a reconciliation review in `desk`. `desk` rejects on expiry and escalates to `leads`, which
 * expires and escalates nowhere; `ledger.close` goes to `solo`, which rejects and escalates nowhere.
 */
function policy(executorUrl: string, eventsUrl: string): string {
  const hook = (events: string) =>
    `\n    notify:\n      - { webhook: "${eventsUrl}", secret: env:RECONCILE_EVENTS_SECRET, events: [${events}] }`;
  return `version: 1
actions:
  mail.send:
    reversible: false
    payload: { type: object }
    execute: { via: webhook, url: "${executorUrl}/mail", secret: "env:LOOPGATE_TEST_HOOK_SECRET", idempotent: false, timeoutMs: 500 }
    review: { queue: desk }
  ledger.close:
    reversible: false
    payload: { type: object }
    execute: { via: webhook, url: "${executorUrl}/ledger", secret: "env:LOOPGATE_TEST_HOOK_SECRET", idempotent: false, timeoutMs: 500 }
    review: { queue: solo }
queues:
  desk:
    sla: 60m
    onExpiry: reject
    escalateTo: leads${hook("execution.dead_lettered, review.decided")}
  leads:
    sla: 30m
    onExpiry: expire${hook("review.escalated, review.overdue")}
  solo:
    sla: 60m
    onExpiry: reject
rules:
  - { id: mail-runs, when: 'action.type == "mail.send"', route: auto, reason: Mail goes out at once }
`;
}

describe.each(storeEngines())(
  "an execution given up on, and its reconciliation review's due time (%s)",
  (engine) => {
    let db: TestStore;
    let clock: TestClock;
    let server: RunningServer;
    let executor: RecordingReceiver;
    let events: Awaited<ReturnType<typeof startWebhookReceiver>>;
    let file: Awaited<ReturnType<typeof policyFile>>;
    let dataDir: string;
    let agent: string;
    let reviewer: string;
    let owner: string;

    beforeEach(async () => {
      process.env.LOOPGATE_TEST_HOOK_SECRET = TEST_SECRET;
      db = await createTestStore(engine);
      clock = new TestClock();
      executor = await new RecordingReceiver(TEST_SECRET).start();
      executor.answer = () => ({ status: 500 });
      events = await startWebhookReceiver({ secret: signingSecret("RECONCILE_EVENTS_SECRET") });
      file = await policyFile(policy(executor.url, events.url));
      dataDir = await mkdtemp(join(tmpdir(), "loopgate-reconcile-expiry-"));
      server = await startServer({
        port: 0,
        dataDir,
        store: db.store,
        policyFile: file.path,
        logLevel: "silent",
        now: clock.now,
        config: { timerIntervalMs: 25, publicUrl: PUBLIC_URL, execution: FAST_EXECUTION },
      });
      [agent, reviewer, owner] = await Promise.all([
        apiKey(db.store, "mailer", "agent"),
        apiKey(db.store, "rita", "reviewer"),
        apiKey(db.store, "olga", "owner"),
      ]);
    });
    afterEach(async () => {
      await server.close();
      await Promise.all([
        executor.close(),
        events.close(),
        file.remove(),
        rm(dataDir, { recursive: true, force: true }),
      ]);
      await db.cleanup();
    });

    const proposal = async (id: string) => (await call(server.url, "GET", `/v1/proposals/${id}`, owner)).body;
    const audit = async (id: string, type: string) =>
      (await call(server.url, "GET", `/v1/audit?proposalId=${id}&type=${type}`, owner)).body.items;
    const deadLettered = async (type: string) => {
      const proposed = await call(server.url, "POST", "/v1/proposals", agent, {
        action: { type, payload: {} },
      });
      expect(proposed.status).toBe(201);
      const id = proposed.body.id as string;
      if (proposed.body.status === "pending_review") {
        const approved = await call(
          server.url,
          "POST",
          `/v1/reviews/${proposed.body.review.id}/decisions`,
          reviewer,
          {
            verdict: "approve",
          },
        );
        expect(approved.status).toBe(201);
      }
      const execution = await eventually(
        async () => {
          const e = (await proposal(id)).execution.executions?.[0];
          return e?.status === "dead_lettered" ? e : null;
        },
        10_000,
        "the execution to be dead-lettered",
      );
      return { id, execution };
    };

    it("announces a dead-lettered execution to its action type's queue, with the review that settles it", async () => {
      const { id, execution } = await deadLettered("mail.send");
      const event = await eventually(
        () => events.received.find((r) => r.body.type === "execution.dead_lettered"),
        10_000,
        "the execution.dead_lettered event",
      ).then((received) => received!);
      expect(event.signatureValid).toBe(true);
      expect(event.body).toMatchObject({
        type: "execution.dead_lettered",
        proposal: { id, actionType: "mail.send", agent: "mailer", url: `${PUBLIC_URL}/audit?proposal=${id}` },
        review: {
          id: execution.reconciliationReviewId,
          queue: "desk",
          level: 0,
          url: `${PUBLIC_URL}/review/${execution.reconciliationReviewId}`,
        },
        execution: {
          id: execution.id,
          kind: "execute",
          attempts: 1,
          error: "the executor answered HTTP 500",
          statusCode: 500,
          reconciliationReviewId: execution.reconciliationReviewId,
        },
      });
      // The channel asked for this event only; the reconciliation review's review.created did not reach it.
      expect(events.received.map((r) => r.body.type)).toEqual(["execution.dead_lettered"]);
    });

    it("announces the settling of a reconciliation review as review.decided, with its verb", async () => {
      const { execution } = await deadLettered("mail.send");
      const settled = await call(
        server.url,
        "POST",
        `/v1/reviews/${execution.reconciliationReviewId}/decisions`,
        reviewer,
        { verdict: "mark_failed", comment: "the mail server bounced it" },
      );
      expect(settled.status).toBe(201);
      const event = await eventually(
        () => events.received.find((r) => r.body.type === "review.decided"),
        10_000,
        "the review.decided event",
      ).then((received) => received!);
      expect(event.body).toMatchObject({
        type: "review.decided",
        review: { id: execution.reconciliationReviewId, queue: "desk", status: "decided" },
        decision: { verdict: "mark_failed", by: "rita", category: null },
      });
    });

    it("escalates an expired reconciliation review to escalateTo, then keeps it open, overdue, until a person settles it", async () => {
      const { id, execution } = await deadLettered("mail.send");
      const first = execution.reconciliationReviewId as string;

      clock.advance(61 * MINUTE); // desk's 60 min pass: its rule says reject, but there is nothing to reject
      const escalated = await eventually(
        async () => {
          const e = (await proposal(id)).execution.executions[0];
          return e.reconciliationReviewId !== first ? e : null;
        },
        10_000,
        "the escalation to leads",
      );
      expect(escalated.status).toBe("dead_lettered");
      const p = await proposal(id);
      expect(p.status).toBe("auto_approved"); // the proposal is not rejected after the fact
      expect(p.review).toMatchObject({
        id: escalated.reconciliationReviewId,
        queue: "leads",
        level: 1,
        status: "escalated",
      });
      expect((await audit(id, "review.expired"))[0].data).toMatchObject({
        reviewId: first,
        onExpiry: "reject",
        applied: "escalate",
        reconciliation: { executionId: execution.id, status: "dead_lettered" },
      });
      await eventually(
        () => events.received.find((r) => r.body.type === "review.escalated"),
        10_000,
        "the review.escalated event",
      );

      clock.advance(31 * MINUTE); // leads' 30 min pass, and leads escalates nowhere: it stays open
      const overdue = await eventually(async () => (await audit(id, "review.overdue"))[0], 10_000, "overdue");
      expect(overdue.data).toMatchObject({
        reviewId: escalated.reconciliationReviewId,
        queue: "leads",
        onExpiry: "expire",
        applied: "kept_open",
      });
      const open = (await call(server.url, "GET", "/v1/reviews?queue=leads", reviewer)).body.items;
      expect(open.map((r: any) => r.id)).toEqual([escalated.reconciliationReviewId]);
      // The escalated review settles the same execution, and the list says so.
      expect(open[0].reconciliation).toEqual({
        executionId: execution.id,
        kind: "execute",
        outcome: "dead_lettered",
      });
      expect(Date.parse(open[0].dueAt)).toBeGreaterThan(clock.now().getTime());
      const told = await eventually(
        () => events.received.find((r) => r.body.type === "review.overdue"),
        10_000,
        "the review.overdue event",
      ).then((received) => received!);
      expect(told.body).toMatchObject({
        review: { id: escalated.reconciliationReviewId, queue: "leads", status: "escalated" },
        expiry: { rule: "expire", applied: "kept_open" },
      });

      clock.advance(31 * MINUTE); // and again, one due period later: nobody is let off
      await eventually(
        async () => (await audit(id, "review.overdue")).length === 2,
        10_000,
        "second overdue",
      );

      const settled = await call(
        server.url,
        "POST",
        `/v1/reviews/${escalated.reconciliationReviewId}/decisions`,
        reviewer,
        {
          verdict: "mark_failed",
          comment: "checked the mail server: nothing went out",
        },
      );
      expect(settled.status).toBe(201);
      expect(settled.body).toMatchObject({ executionStatus: "failed" });
      expect((await call(server.url, "GET", "/v1/reviews?queue=leads", reviewer)).body.items).toEqual([]);
    });

    it("keeps a reconciliation review with nowhere to escalate open, while an ordinary review in its queue is rejected", async () => {
      const { id, execution } = await deadLettered("ledger.close");
      // An ordinary review in the same queue, for contrast: its reject rule applies as written.
      executor.answer = () => ({ status: 200 });
      const ordinary = await call(server.url, "POST", "/v1/proposals", agent, {
        action: { type: "ledger.close", payload: { n: 2 } },
      });
      expect(ordinary.body.status).toBe("pending_review");

      clock.advance(61 * MINUTE);
      await eventually(
        async () => (await proposal(ordinary.body.id)).status === "rejected",
        10_000,
        "rejected",
      );
      await eventually(async () => (await audit(id, "review.overdue")).length === 1, 10_000, "overdue");
      const p = await proposal(id);
      expect(p.execution.executions[0]).toMatchObject({
        status: "dead_lettered",
        reconciliationReviewId: execution.reconciliationReviewId,
      });
      expect(p.review).toMatchObject({ id: execution.reconciliationReviewId, status: "pending", level: 0 });
      const settled = await call(
        server.url,
        "POST",
        `/v1/reviews/${execution.reconciliationReviewId}/decisions`,
        reviewer,
        {
          verdict: "mark_executed",
        },
      );
      expect(settled.status).toBe(201);
      expect((await proposal(id)).execution.status).toBe("executed");
    });
  },
);
