import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { AutonomyList, AutonomyPromotion } from "@loopgate/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkBreakers } from "../../src/learning/autonomy-watch.ts";
import { engines, startTestServer, type TestServer } from "../http/test-server.ts";
import { policyFile, signingSecret } from "../ladders/support/ladder-harness.ts";
import { eventually, startWebhookReceiver } from "../ladders/support/receivers.ts";

const POLICY = join(import.meta.dirname, "fixtures", "autonomy-policy.yaml");
const HOUR = 3_600_000;

const update = (i: number) => ({
  action: { type: "crm.update", payload: { customerId: `c_${i}`, field: "phone", value: `+4420${i}` } },
  summary: `Update the phone number of customer c_${i}`,
});

describe.each(engines())("earned autonomy on %s", (engine) => {
  let t: TestServer;
  let offset = 0;
  let agent: string;
  let rita: string;
  let olivia: string;
  let oscar: string;
  let auditor: string;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let policy: Awaited<ReturnType<typeof policyFile>>;

  beforeAll(async () => {
    receiver = await startWebhookReceiver({ secret: signingSecret("AUTONOMY_EVENTS_SECRET") });
    // The fixture, with the crm queue's people told of demotions.
    policy = await policyFile(`${await readFile(POLICY, "utf8")}
queues:
  crm:
    notify:
      - { webhook: "${receiver.url}", secret: env:AUTONOMY_EVENTS_SECRET, events: [autonomy.demoted] }
`);
    t = await startTestServer(engine, {
      policyFile: policy.path,
      now: () => new Date(Date.now() + offset),
      // The test runs each breaker check itself, so that it knows when one happened.
      config: { breakerCheckMs: 3_600_000, timerIntervalMs: 25, publicUrl: "https://loopgate.example" },
    });
    agent = await t.key("crm-bot", "agent");
    rita = await t.key("rita", "reviewer");
    olivia = await t.key("olivia", "owner");
    oscar = await t.key("oscar", "owner");
    auditor = await t.key("audrey", "auditor");
  });
  afterAll(async () => {
    await t.close();
    await Promise.all([receiver.close(), policy.remove()]);
  });

  const propose = async (i: number) => {
    const res = await t.call("POST", "/v1/proposals", { key: agent, body: update(i) });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  };
  const decide = async (proposal: any, verdict: "approve" | "reject") => {
    const res = await t.call("POST", `/v1/reviews/${proposal.review.id}/decisions`, {
      key: rita,
      body: {
        verdict,
        ...(verdict === "reject" ? { category: "wrong_record", comment: "Not this customer" } : {}),
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  };
  const lastPolicyLoaded = async () => {
    const [entry] = (await t.server.deps.store.listAudit({ type: "policy.loaded" }, 1, undefined, "desc"))
      .items;
    expect(entry).toBeDefined();
    return entry!;
  };
  const autonomy = async () => {
    const res = await t.call("GET", "/v1/autonomy?actionType=crm.update", { key: auditor });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const list = AutonomyList.parse(res.body);
    expect(list.items).toHaveLength(1);
    return list.items[0]!;
  };

  it("starts at the policy's stage and refuses a promotion the evidence does not support", async () => {
    const first = await propose(0);
    expect(first.route.stage).toBe("review_all");
    expect(first.status).toBe("pending_review");
    await decide(first, "approve");
    const state = await autonomy();
    expect(state).toMatchObject({
      stage: "review_all",
      policyStage: "review_all",
      since: null,
      next: "threshold",
    });
    expect(state.eligible).toBe(false);

    const refused = await t.call("POST", "/v1/autonomy/promotions", {
      key: olivia,
      body: { agent: "crm-bot", actionType: "crm.update", to: "post_review" },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("promotion_criteria_unmet");
    expect(refused.body.error.message).toMatch(/decisions is 1, needs at least 30/);
    expect(refused.body.error.details.criteria.find((c: any) => c.name === "decisions")).toMatchObject({
      value: 1,
      bound: 30,
      met: false,
    });
  });

  it("refuses bad promotion requests with the field and what to do", async () => {
    const irreversible = await t.call("POST", "/v1/autonomy/promotions", {
      key: olivia,
      body: { agent: "crm-bot", actionType: "support.reply", to: "post_review" },
    });
    expect(irreversible.status).toBe(400);
    expect(irreversible.body.error.details.issues[0]).toMatchObject({ path: "body.to" });
    expect(irreversible.body.error.details.issues[0].message).toMatch(
      /post_review needs a reversible action type/,
    );

    const unknown = await t.call("POST", "/v1/autonomy/promotions", {
      key: olivia,
      body: { agent: "crm-bot", actionType: "nope.nothing" },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details.issues[0].path).toBe("body.actionType");

    const badField = await t.call("POST", "/v1/autonomy/promotions", {
      key: olivia,
      body: { agent: "crm-bot", actionType: "crm.update", to: "autopilot", extra: 1 },
    });
    expect(badField.status).toBe(400);
    const paths = badField.body.error.details.issues.map((i: any) => i.path);
    expect(paths).toEqual(expect.arrayContaining(["body.to"]));

    const reviewer = await t.call("POST", "/v1/autonomy/promotions", {
      key: rita,
      body: { agent: "crm-bot", actionType: "crm.update" },
    });
    expect(reviewer.status).toBe(403);
    const agentRead = await t.call("GET", "/v1/autonomy", { key: agent });
    expect(agentRead.status).toBe(403);
    expect(
      (await t.server.deps.store.listAudit({ type: "autonomy.promotion_requested" }, 10)).items,
    ).toHaveLength(0);
  });

  it("promotes on evidence with two owners, as a new policy version", async () => {
    // 40 more reviewed updates, 2 of them rejected: 41 decisions, override rate 2/41.
    for (let i = 1; i <= 40; i++) await decide(await propose(i), i % 20 === 0 ? "reject" : "approve");
    const before = await autonomy();
    expect(before.evidence).toMatchObject({ decisions: 41, calibrationError: null });
    expect(before.evidence.overrideRate).toBeCloseTo(2 / 41, 6);
    expect(before.criteria.find((c) => c.name === "calibrationError")).toMatchObject({ met: false });

    const asked = await t.call("POST", "/v1/autonomy/promotions", {
      key: olivia,
      body: { agent: "crm-bot", actionType: "crm.update", to: "post_review", comment: "Clean for a month" },
    });
    expect(asked.status, JSON.stringify(asked.body)).toBe(201);
    const promotion = AutonomyPromotion.parse(asked.body);
    expect(promotion).toMatchObject({ status: "requested", from: "review_all", to: "post_review" });
    expect(promotion.criteria.every((c) => c.met)).toBe(true);

    const again = await t.call("POST", "/v1/autonomy/promotions", {
      key: oscar,
      body: { agent: "crm-bot", actionType: "crm.update", to: "post_review" },
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("promotion_already_requested");

    const self = await t.call("POST", `/v1/autonomy/promotions/${promotion.id}/approve`, { key: olivia });
    expect(self.status).toBe(403);
    expect(self.body.error.code).toBe("second_owner_required");
    expect((await autonomy()).stage).toBe("review_all");

    const versionBefore = (await t.server.deps.store.activePolicy())!.version;
    const approved = await t.call("POST", `/v1/autonomy/promotions/${promotion.id}/approve`, { key: oscar });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body).toMatchObject({ status: "approved", policyVersion: versionBefore + 1 });
    expect(approved.body.approvedBy.name).toBe("oscar");

    const state = await autonomy();
    expect(state).toMatchObject({ stage: "post_review", policyStage: "review_all", pendingPromotion: null });
    expect(state.history[0]).toMatchObject({
      kind: "promotion",
      from: "review_all",
      to: "post_review",
      promotionId: promotion.id,
      policyVersion: versionBefore + 1,
      by: { name: "oscar" },
    });
    const [audited] = (await t.server.deps.store.listAudit({ type: "autonomy.promoted" }, 10)).items;
    expect(audited?.actor.name).toBe("oscar");
    // The version the promotion put in force is read from its policy.loaded entry.
    expect((await lastPolicyLoaded()).data).toMatchObject({
      version: versionBefore + 1,
      previousVersion: versionBefore,
      source: `autonomy:${state.history[0]?.id}`,
    });
    expect(audited?.data).toMatchObject({
      requestedBy: { name: "olivia" },
      from: "review_all",
      to: "post_review",
    });

    // New proposals run at once and are reviewed afterwards, under the new version.
    const next = await propose(100);
    expect(next.route).toMatchObject({
      verdict: "auto",
      stage: "post_review",
      policyVersion: versionBefore + 1,
    });
    expect(next.review).not.toBeNull();
  });

  it("a quality drop trips the override breaker within one window: demoted, audited; promotion back needs approval", async () => {
    // A healthy hour under post_review: nothing trips.
    offset += 2 * HOUR;
    for (let i = 200; i < 212; i++) await decide(await propose(i), "approve");
    expect(await checkBreakers(t.server.deps)).toEqual([]);
    expect((await autonomy()).breakers.find((b) => b.name === "override")).toMatchObject({ tripped: false });

    // The next window: the agent's updates go wrong and reviewers reject most of them.
    offset += 2 * HOUR;
    for (let i = 300; i < 312; i++) await decide(await propose(i), i % 3 === 0 ? "approve" : "reject");
    const [demotion] = await checkBreakers(t.server.deps);
    expect(demotion).toMatchObject({ from: "post_review", to: "review_all", stored: true });
    expect(demotion?.breaker).toMatchObject({
      name: "override",
      events: 8,
      opportunities: 12,
      tripped: true,
    });

    const state = await autonomy();
    expect(state.stage).toBe("review_all");
    expect(state.history[0]).toMatchObject({
      kind: "demotion",
      from: "post_review",
      to: "review_all",
      by: null,
    });
    expect(state.history[0]?.reason).toMatch(/override rate 66.7% \(8 of 12\) is over its bound 30%/);
    const [audited] = (await t.server.deps.store.listAudit({ type: "autonomy.demoted" }, 10)).items;
    expect(audited?.actor.kind).toBe("system");
    expect((await lastPolicyLoaded()).data).toMatchObject({
      version: state.history[0]?.policyVersion,
      previousVersion: (state.history[0]?.policyVersion ?? 0) - 1,
      source: `autonomy:${state.history[0]?.id}`,
    });
    expect(audited?.data).toMatchObject({
      from: "post_review",
      to: "review_all",
      breaker: { name: "override" },
    });

    // The crm queue's channel is told, signed, with a link to the dashboard's autonomy section.
    await eventually(async () => receiver.received.length >= 1, 10_000, "the demotion notification");
    const [told] = receiver.received;
    expect(told?.signatureValid).toBe(true);
    expect(told?.body).toMatchObject({
      type: "autonomy.demoted",
      proposal: null,
      autonomy: {
        agent: "crm-bot",
        actionType: "crm.update",
        from: "post_review",
        to: "review_all",
        breaker: "override",
      },
    });
    expect(told?.body.autonomy.url).toBe(
      "https://loopgate.example/dashboard?agent=crm-bot&actionType=crm.update#autonomy",
    );
    const outbox = await t.call("GET", "/v1/notifications", { key: auditor });
    expect(outbox.body.items[0]).toMatchObject({
      event: "autonomy.demoted",
      proposalId: null,
      reviewId: null,
    });

    // A second check finds nothing more to do; new proposals are reviewed before they run.
    expect(await checkBreakers(t.server.deps)).toEqual([]);
    const after = await propose(400);
    expect(after.route).toMatchObject({ verdict: "review", stage: "review_all" });

    // Promotion back needs fresh evidence, gathered since the demotion, and two owners again.
    const back = await t.call("POST", "/v1/autonomy/promotions", {
      key: olivia,
      body: { agent: "crm-bot", actionType: "crm.update", to: "post_review" },
    });
    expect(back.status).toBe(409);
    expect(back.body.error.code).toBe("promotion_criteria_unmet");
  });

  it("records outcomes; an incident needs an action that ran", async () => {
    const ran = await propose(500);
    await decide(ran, "approve");
    const incident = await t.call("POST", `/v1/proposals/${ran.id}/outcome`, {
      key: rita,
      body: { kind: "incident", severity: "high", comment: "Overwrote the wrong number" },
    });
    // `via: none` executes nothing: the action never ran here, so an incident is refused.
    expect(incident.status).toBe(409);
    expect(incident.body.error.code).toBe("not_executed");

    const note = await t.call("POST", `/v1/proposals/${ran.id}/outcome`, {
      key: agent,
      body: { kind: "note", comment: "Customer confirmed by phone" },
    });
    expect(note.status, JSON.stringify(note.body)).toBe(201);
    expect(note.body).toMatchObject({ kind: "note", by: { kind: "agent", name: "crm-bot" } });

    const bad = await t.call("POST", `/v1/proposals/${ran.id}/outcome`, {
      key: rita,
      body: { kind: "great" },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].path).toBe("body.kind");
    const auditorWrite = await t.call("POST", `/v1/proposals/${ran.id}/outcome`, {
      key: auditor,
      body: { kind: "note" },
    });
    expect(auditorWrite.status).toBe(403);

    const list = await t.call("GET", `/v1/proposals/${ran.id}/outcomes`, { key: auditor });
    expect(list.body.items).toHaveLength(1);
    const entries = (await t.server.deps.store.listAudit({ type: "proposal.outcome_recorded" }, 10)).items;
    expect(entries).toHaveLength(1);
    // The comment is in the outcome row; the entry commits to it by hash.
    expect(entries[0]!.data).toMatchObject({ kind: "note", commentHash: expect.stringMatching(/^sha256:/) });
    expect(JSON.stringify(entries[0]!.data)).not.toContain("Customer confirmed");
  });
});
