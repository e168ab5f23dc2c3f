import { VigilanceReport } from "@loopgate/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engines } from "../http/test-server.ts";
import { streamEvents } from "../support/stream-events.ts";
import { realReply, startVigilanceRig, type VigilanceRig } from "./support.ts";

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Every key path of a JSON value (array items merged), to compare shapes without values. */
function shape(value: unknown, prefix = ""): string[] {
  if (Array.isArray(value)) return [...new Set(value.flatMap((item) => shape(item, `${prefix}[]`)))].sort();
  if (value === null || typeof value !== "object")
    return [`${prefix}:${value === null ? "null" : typeof value}`];
  return Object.entries(value)
    .flatMap(([key, inner]) => shape(inner, `${prefix}.${key}`))
    .sort();
}

let rig: VigilanceRig;

/**
 * Canaries over real HTTP: seeded at the policy's rate into the support queue, indistinguishable in
 * what a reviewer gets, never executed, never counted as the agent's traffic, and scored per reviewer.
 */
describe.each(engines())("canaries on %s", (engine) => {
  const real: any[] = [];
  let canaryIds: string[] = [];

  beforeAll(async () => {
    rig = await startVigilanceRig(engine, 0.5);
    // Seeding is deterministic per triggering proposal id; at rate 0.5 three canaries come quickly.
    for (let n = 0; canaryIds.length < 3 && n < 60; n++) {
      real.push(await rig.propose(realReply(n)));
      const seeded = await rig.t.call("GET", "/v1/audit?type=canary.seeded", { key: rig.owner });
      canaryIds = seeded.body.items.map((entry: { proposalId: string }) => entry.proposalId);
    }
  });
  afterAll(async () => rig.close());

  it("seeds canaries into the listed queue, each after a real proposal, recorded for owners", async () => {
    expect(canaryIds).toHaveLength(3);
    const seeded = await rig.t.call("GET", "/v1/audit?type=canary.seeded", { key: rig.owner });
    for (const entry of seeded.body.items) {
      expect(entry.data.canary).toBe("password-to-stranger");
      expect(real.map((p) => p.id)).toContain(entry.data.triggeredBy);
    }
    const reviews = await rig.t.call("GET", "/v1/reviews?limit=500", { key: rig.rita });
    expect(reviews.body.items).toHaveLength(real.length + 3);
  });

  it("is indistinguishable from a real proposal in the review list and the packet a reviewer reads", async () => {
    const list = (await rig.t.call("GET", "/v1/reviews?limit=500", { key: rig.rita })).body.items as any[];
    const canaryItem = list.find((item) => item.proposalId === canaryIds[0])!;
    const realItem = list.find((item) => item.proposalId === real[0].id)!;
    expect(shape(canaryItem)).toEqual(shape(realItem));
    expect(canaryItem.id).toMatch(UUID_V7);
    expect(canaryItem.queue).toBe(realItem.queue);
    expect(canaryItem.agent).toBe("support-bot");
    expect(canaryItem.policyVersion).toBe(realItem.policyVersion);

    const canary = (await rig.t.call("GET", `/v1/proposals/${canaryIds[0]}`, { key: rig.rita })).body;
    const other = (await rig.t.call("GET", `/v1/proposals/${real[0].id}`, { key: rig.rita })).body;
    expect(shape(canary)).toEqual(shape(other));
    expect(canary.id).toMatch(UUID_V7);
    expect(canary.review.id).toMatch(UUID_V7);
    expect(canary.agent).toBe(other.agent);
    expect(canary.status).toBe("pending_review");
    expect(canary.route.verdict).toBe(other.route.verdict);
    expect(canary.route.reasons).toEqual(other.route.reasons);
    expect(Math.abs(Date.parse(canary.createdAt) - Date.parse(other.createdAt))).toBeLessThan(60_000);
    expect(canary.review.dueAt > canary.createdAt).toBe(true);
    expect(Object.keys(canary).sort()).toEqual(Object.keys(other).sort());
    expect(JSON.stringify(canary)).not.toMatch(/canary|password-to-stranger/i);
    expect(JSON.stringify(canaryItem)).not.toMatch(/canary/i);
  });

  it("is announced on a reviewer's event stream exactly as a real proposal is, and to no agent", async () => {
    const reviewer = streamEvents(rig.t.url, rig.rita);
    const agent = streamEvents(rig.t.url, rig.agent);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const seededBefore = canaryIds.length;
    let seeded: string[] = canaryIds;
    for (let n = 100; seeded.length === seededBefore && n < 160; n++) {
      real.push(await rig.propose(realReply(n)));
      const audit = await rig.t.call("GET", "/v1/audit?type=canary.seeded", { key: rig.owner });
      seeded = audit.body.items.map((entry: { proposalId: string }) => entry.proposalId);
    }
    const canaryId = seeded[seeded.length - 1]!;
    const lastReal = real[real.length - 1].id;
    const deadline = Date.now() + 2000;
    const arrived = () =>
      reviewer.events.some((e) => e.data.proposalId === canaryId) &&
      agent.events.some((e) => e.data.proposalId === lastReal);
    while (!arrived() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await Promise.all([reviewer.stop(), agent.stop()]);

    const canaryEvent = reviewer.events.find((e) => e.data.proposalId === canaryId)!;
    const realEvent = reviewer.events.find((e) => e.data.proposalId !== canaryId)!;
    expect(canaryEvent.event).toBe(realEvent.event);
    expect(shape(canaryEvent.data)).toEqual(shape(realEvent.data));
    expect(canaryEvent.data).toMatchObject({
      agentId: "support-bot",
      queue: "support",
      status: "pending_review",
    });
    expect(JSON.stringify(canaryEvent)).not.toMatch(/canary/i);
    // The agent whose name the canary borrows hears of its own proposals, never of the canary.
    expect(agent.events.some((e) => e.data.proposalId === lastReal)).toBe(true);
    expect(agent.events.some((e) => e.data.proposalId === canaryId)).toBe(false);
  });

  it("is left out of the policy text a reviewer reads; owners and auditors read it whole", async () => {
    const forReviewer = await rig.t.call("GET", "/v1/policy", { key: rig.rita });
    expect(forReviewer.status).toBe(200);
    expect(forReviewer.body.text).not.toContain("password-to-stranger");
    expect(forReviewer.body.text).not.toContain("hunter2");
    expect(forReviewer.body.text).toContain("blindReview: true");
    for (const key of [rig.owner, rig.auditor]) {
      expect((await rig.t.call("GET", "/v1/policy", { key })).body.text).toContain("password-to-stranger");
    }
  });

  it("is read by no agent key", async () => {
    const res = await rig.t.call("GET", `/v1/proposals/${canaryIds[0]}`, { key: rig.agent });
    expect(res.status).toBe(404);
    expect((await rig.t.call("GET", `/v1/proposals/${real[0].id}`, { key: rig.agent })).status).toBe(200);
  });

  it("is never executed, whatever the decision, while a real approval is delivered", async () => {
    const reviewOf = async (id: string) =>
      (await rig.t.call("GET", `/v1/proposals/${id}`, { key: rig.rita })).body.review.id as string;
    // rita approves the first canary unchanged (missed), rejects the second and edits the third (caught).
    await rig.decide(rig.rita, await reviewOf(canaryIds[0]!), { verdict: "approve" });
    await rig.decide(rig.rita, await reviewOf(canaryIds[1]!), {
      verdict: "reject",
      category: "wrong_recipient",
    });
    await rig.decide(rig.rita, await reviewOf(canaryIds[2]!), {
      verdict: "edit",
      payload: { to: "someone.else@example.net", body: "Here is a link to reset your password." },
    });
    await rig.decide(rig.rita, await reviewOf(real[0].id), { verdict: "approve" });

    const deadline = Date.now() + 5000;
    while (rig.receiver.deliveries.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await new Promise((resolve) => setTimeout(resolve, 300)); // room for a wrong delivery to arrive
    expect(rig.receiver.deliveries.map((d) => d.body.proposalId)).toEqual([real[0].id]);
    for (const id of [canaryIds[0], canaryIds[2]]) {
      const canary = await rig.t.server.deps.store.proposal(id!);
      expect(canary?.status).toMatch(/^approved/);
      expect(canary?.executionStatus).toBe("not_started");
      expect(await rig.t.server.deps.store.executionsOfProposal(id!)).toEqual([]);
    }
  });

  it("is kept out of metrics, calibration labels and history", async () => {
    const metrics = await rig.t.call("GET", "/v1/metrics?bucket=day", { key: rig.owner });
    expect(metrics.body.totals.proposals).toBe(real.length);
    expect(metrics.body.totals.decisions.approve).toBe(1);
    expect(metrics.body.totals.decisions.reject ?? 0).toBe(0);
    const store = rig.t.server.deps.store;
    expect(await store.historySize(null)).toBe(real.length);
    const page = await store.historyPage(null, 500);
    expect(page.items.map((row) => row.proposal.id)).not.toContain(canaryIds[0]);
    expect((await store.reviewLabels("support-bot", "support.reply", 100)).map((l) => l.proposalId)).toEqual([
      real[0].id,
    ]);
  });

  it("scores each reviewer's catch rate: canaries not approved unchanged ÷ canaries decided", async () => {
    const res = await rig.t.call("GET", "/v1/vigilance", { key: rig.owner });
    const report = VigilanceReport.parse(res.body);
    const rita = report.items.find((i) => i.reviewer.name === "rita")!;
    expect(rita.canaries.seen).toBe(3);
    expect(rita.canaries.caught).toBe(2);
    expect(rita.canaries.catchRate).toBeCloseTo(2 / 3, 12);
    // Canaries stay out of the reviewer's other figures: one real decision, an approval.
    expect(rita.decisions).toBe(1);
    expect(rita.streak).toEqual({ longest: 1, current: 1 });
    expect(report.canaries.map((c) => [c.proposalId, c.verdict, c.caught])).toEqual([
      [canaryIds[0], "approve", false],
      [canaryIds[1], "reject", true],
      [canaryIds[2], "edit", true],
    ]);
    expect(report.canaries.every((c) => c.name === "password-to-stranger")).toBe(true);
  });
});
