import { MetricsReport } from "@loopgate/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engines, startTestServer, type TestServer } from "./test-server.ts";

const reply = (body: string) => ({
  action: { type: "support.reply", payload: { to: "anna@example.com", body } },
  evidence: [{ source: "kb", id: "kb-1", snippet: "Cards arrive within 5 working days." }],
  signals: { agentConfidence: 0.8 },
});
const smallRefund = {
  action: { type: "billing.refund", payload: { amount: 10, currency: "EUR", customerId: "c_1" } },
  signals: { agentConfidence: 0.95 },
};

describe.each(engines())("metrics over HTTP on %s", (engine) => {
  let t: TestServer;
  let agent: string;
  let anna: string;
  let ben: string;
  let owner: string;
  let auditor: string;

  beforeAll(async () => {
    t = await startTestServer(engine);
    agent = await t.key("support-bot", "agent");
    anna = await t.key("anna", "reviewer");
    ben = await t.key("ben", "reviewer");
    owner = await t.key("olivia", "owner");
    auditor = await t.key("audrey", "auditor");

    const propose = async (body: unknown) => {
      const res = await t.call("POST", "/v1/proposals", { key: agent, body });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body;
    };
    const decide = async (key: string, reviewId: string, verdict: string) => {
      const res = await t.call("POST", `/v1/reviews/${reviewId}/decisions`, { key, body: { verdict } });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    };
    const first = await propose(reply("Your card arrives within 5 working days."));
    const second = await propose(reply("Your card arrives soon."));
    await propose(reply("Your card arrives next week."));
    await propose(smallRefund);
    await decide(anna, first.review.id, "approve");
    await decide(ben, second.review.id, "reject");
  });
  afterAll(async () => t.close());

  it("answers totals and an hourly series of the last day, from the rollups", async () => {
    const res = await t.call("GET", "/v1/metrics", { key: owner });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const report = MetricsReport.parse(res.body);
    expect(report.bucket).toBe("hour");
    expect(report.totals).toMatchObject({
      proposals: 4,
      routes: { auto: 1, review: 3, block: 0, escalate: 0, needs_info: 0, held: 0 },
      decisions: { approve: 1, reject: 1, edit: 0 },
      expiries: 0,
      rates: { automation: 0.25, approval: 0.5, rejection: 0.5, override: 0.5, expiry: 0 },
    });
    expect(report.totals.timeToDecide.count).toBe(2);
    expect(report.totals.timeToDecide.p50Seconds).toBeGreaterThanOrEqual(0);
    expect(report.totals.timeToDecide.p50Seconds).toBeLessThanOrEqual(60);
    expect(report.series.length).toBeGreaterThanOrEqual(24);
    expect(report.series.reduce((n, point) => n + point.proposals, 0)).toBe(4);
    expect(report.series.at(-1)!.proposals).toBeGreaterThan(0);
  });

  it("filters by action type, agent, queue and reviewer (by name or id), and buckets by day", async () => {
    const get = async (query: string) => (await t.call("GET", `/v1/metrics?${query}`, { key: auditor })).body;
    expect((await get("actionType=billing.refund")).totals.proposals).toBe(1);
    expect((await get("agent=support-bot")).totals.proposals).toBe(4);
    expect((await get("agent=someone-else")).totals.proposals).toBe(0);
    expect((await get("queue=support")).totals.proposals).toBe(3);
    const annas = await get("reviewer=anna");
    expect(annas.totals.decisions).toMatchObject({ approve: 1, reject: 0 });
    expect(annas.filters.reviewer).not.toBe("anna"); // resolved to the person's id
    expect((await get(`reviewer=${annas.filters.reviewer}`)).totals.decisions.approve).toBe(1);
    const daily = await get("bucket=day");
    expect(daily.bucket).toBe("day");
    expect(daily.series.every((p: { at: string }) => p.at.endsWith("T00:00:00.000Z"))).toBe(true);
    const past = await get("from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z");
    expect(past.totals.proposals).toBe(0);
    expect(past.series).toHaveLength(24);
  });

  it("refuses a bad query with the field and what to do, and anyone but owners and auditors", async () => {
    const bad = await t.call("GET", "/v1/metrics?bucket=week", { key: owner });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].path).toBe("query.bucket");
    const backwards = await t.call("GET", "/v1/metrics?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", {
      key: owner,
    });
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.details.issues[0].path).toBe("query.from");
    const long = await t.call("GET", "/v1/metrics?from=2020-01-01T00:00:00Z&to=2021-01-01T00:00:00Z", {
      key: owner,
    });
    expect(long.status).toBe(400);
    expect(long.body.error.message).toMatch(/bucket=day/);
    expect((await t.call("GET", "/v1/metrics?unknown=1", { key: owner })).status).toBe(400);
    expect((await t.call("GET", "/v1/metrics", { key: agent })).status).toBe(403);
    expect((await t.call("GET", "/v1/metrics", { key: anna })).status).toBe(403);
  });

  it("exposes Prometheus counters, the time-to-decide histogram and queue gauges to owners and auditors", async () => {
    for (const key of [owner, auditor]) {
      const res = await t.call("GET", "/metrics", { key });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
      const text = res.body as string;
      expect(text).toContain(
        'loopgate_proposals_total{action_type="billing.refund",agent="support-bot",queue="",route="auto"} 1',
      );
      expect(text).toContain(
        'loopgate_proposals_total{action_type="support.reply",agent="support-bot",queue="support",route="review"} 3',
      );
      expect(text).toContain(
        'loopgate_decisions_total{action_type="support.reply",agent="support-bot",queue="support",reviewer="anna",verdict="approve"} 1',
      );
      expect(text).toContain("# TYPE loopgate_time_to_decide_seconds histogram");
      expect(text).toContain(
        'loopgate_time_to_decide_seconds_bucket{action_type="support.reply",agent="support-bot",queue="support",le="+Inf"} 2',
      );
      expect(text).toContain(
        'loopgate_time_to_decide_seconds_count{action_type="support.reply",agent="support-bot",queue="support"} 2',
      );
      expect(text).toContain('loopgate_queue_open_reviews{queue="support"} 1');
    }
    expect((await t.call("GET", "/metrics")).status).toBe(401);
    expect((await t.call("GET", "/metrics", { key: anna })).status).toBe(403);
    expect((await t.call("GET", "/metrics", { key: agent })).status).toBe(403);
  });

  it("documents both routes in the OpenAPI document", async () => {
    const doc = (await t.call("GET", "/openapi.json")).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/v1/metrics", "/metrics"]));
  });
});
