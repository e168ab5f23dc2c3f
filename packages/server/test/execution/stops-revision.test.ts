import { afterEach, describe, expect, it } from "vitest";
import { engines, startTestServer, type TestServer } from "../http/test-server.ts";

const reply = (evidence: unknown[]) => ({
  action: { type: "support.reply", payload: { to: "anna@example.com", body: "Your card arrives soon." } },
  evidence,
});

describe.each(engines())("a revision under a stop (%s)", (engine) => {
  let t: TestServer;
  afterEach(async () => t?.close());

  it("holds the agent's answer to needs_info while a stop covers it, and routes it again when lifted", async () => {
    t = await startTestServer(engine);
    const agent = await t.key("support-bot", "agent");
    const owner = await t.key("olga", "owner");
    const created = await t.call("POST", "/v1/proposals", { key: agent, body: reply([]) });
    expect(created.body.status).toBe("needs_info");

    const stop = await t.call("POST", "/v1/stops", {
      key: owner,
      body: { scope: { agent: "support-bot" }, reason: "checking the bot's replies" },
    });
    expect(stop.status).toBe(201);
    const answered = await t.call("POST", `/v1/proposals/${created.body.id}/info`, {
      key: agent,
      body: { evidence: [{ source: "kb", id: "kb-7", snippet: "Cards arrive soon." }] },
    });
    expect(answered.status).toBe(200);
    expect(answered.body).toMatchObject({ revision: 2, status: "held", review: null });
    expect(answered.body.route.reasons.map((r: { rule: string }) => r.rule)).toContain(
      `stop:${stop.body.id}`,
    );

    const lifted = await t.call("DELETE", `/v1/stops/${stop.body.id}`, {
      key: owner,
      body: { reason: "replies checked" },
    });
    expect(lifted.status).toBe(200);
    const after = await t.call("GET", `/v1/proposals/${created.body.id}`, { key: owner });
    expect(after.body.status).toBe("pending_review");
    const [entry] = (await t.call("GET", "/v1/audit?type=stop.lifted", { key: owner })).body.items;
    expect(entry.data).toMatchObject({ stopId: stop.body.id, reason: "replies checked" });
  });
});
