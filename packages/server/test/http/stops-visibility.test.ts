import { afterEach, describe, expect, it } from "vitest";
import { addUser } from "../../src/app/people.ts";
import { SYSTEM_ACTOR } from "../../src/app/principal.ts";
import { streamEvents } from "../support/stream-events.ts";
import { engines, startTestServer, type TestServer } from "./test-server.ts";

/**
 * Who may read stops (SPEC §6): every person may list the stops in force, read-only, and hears of
 * each stop and lift on `/v1/events`; agents do neither. Owners and auditors read the history.
 */
describe.each(engines())("stops: who sees them, and their history (%s)", (engine) => {
  let t: TestServer;
  afterEach(async () => t?.close());

  const start = async () => {
    t = await startTestServer(engine);
    const [agent, reviewer, owner, auditor] = await Promise.all([
      t.key("support-bot", "agent"),
      t.key("rita", "reviewer"),
      t.key("olga", "owner"),
      t.key("aude", "auditor"),
    ]);
    return { agent, reviewer, owner, auditor };
  };

  it("reviewers list the stops in force, read-only; agents are refused; the default answer is unchanged", async () => {
    const { agent, reviewer, owner, auditor } = await start();
    const created = await t.call("POST", "/v1/stops", {
      key: owner,
      body: { scope: { agent: "refund-bot" }, reason: "Refunds doubled overnight" },
    });
    expect(created.status).toBe(201);
    // The list adds how many proposals each stop holds: none yet.
    const expected = { items: [{ ...created.body, held: 0 }], nextCursor: null };
    expect(created.body).toMatchObject({ liftedAt: null, liftedBy: null, createdBy: { name: "olga" } });

    for (const key of [reviewer, owner, auditor]) {
      expect(await t.call("GET", "/v1/stops", { key })).toMatchObject({ status: 200, body: expected });
    }
    expect(await t.call("GET", "/v1/stops?state=in_force", { key: reviewer })).toMatchObject({
      status: 200,
      body: expected,
    });
    const asAgent = await t.call("GET", "/v1/stops", { key: agent });
    expect(asAgent).toMatchObject({ status: 403, body: { error: { code: "role_required" } } });
    expect((await t.call("GET", "/v1/stops")).status).toBe(401);

    // Reading is all a reviewer may do.
    const stopAsReviewer = await t.call("POST", "/v1/stops", {
      key: reviewer,
      body: { scope: { all: true }, reason: "x" },
    });
    expect(stopAsReviewer.status).toBe(403);
    const liftAsReviewer = await t.call("DELETE", `/v1/stops/${created.body.id}`, { key: reviewer });
    expect(liftAsReviewer.status).toBe(403);
    expect((await t.call("GET", "/v1/stops", { key: owner })).body).toEqual(expected);

    // The OpenAPI document says so, and offers the history's query.
    const listing = (await t.call("GET", "/openapi.json")).body.paths["/v1/stops"].get;
    expect(listing.summary).toMatch(/people of every role, read-only; not agents/);
    expect(listing.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: "state", in: "query" })]),
    );
  });

  it("says how many proposals each stop in force holds", async () => {
    const { agent, owner } = await start();
    const stop = async (scope: Record<string, unknown>) =>
      (await t.call("POST", "/v1/stops", { key: owner, body: { scope, reason: "count" } })).body.id as string;
    const bySupportBot = await stop({ agent: "support-bot" });
    const byOtherBot = await stop({ agent: "other-bot" });
    for (let i = 0; i < 3; i++) {
      const proposed = await t.call("POST", "/v1/proposals", {
        key: agent,
        body: { action: { type: "support.reply", payload: { to: "a@example.com", body: `Hello ${i}` } } },
      });
      expect(proposed.body.status).toBe("held");
    }
    const held = Object.fromEntries(
      (await t.call("GET", "/v1/stops", { key: owner })).body.items.map((s: { id: string; held: number }) => [
        s.id,
        s.held,
      ]),
    );
    expect(held).toEqual({ [bySupportBot]: 3, [byOtherBot]: 0 });
  });

  it("lists lifted stops with who lifted them and when, newest first, a page at a time", async () => {
    const { agent, reviewer, owner, auditor } = await start();
    const stop = async (scope: Record<string, unknown>, reason: string) =>
      (await t.call("POST", "/v1/stops", { key: owner, body: { scope, reason } })).body;
    const first = await stop({ agent: "refund-bot" }, "Refunds doubled overnight");
    const second = await stop({ actionType: "billing.refund" }, "Ledger migration");
    const third = await stop({ all: true }, "Incident drill");
    expect((await t.call("GET", "/v1/stops?state=lifted", { key: owner })).body).toEqual({
      items: [],
      nextCursor: null,
    });

    const lifted = [];
    for (const s of [second, first]) {
      const answer = await t.call("DELETE", `/v1/stops/${s.id}`, {
        key: owner,
        body: { reason: "resolved" },
      });
      expect(answer.status).toBe(200);
      lifted.push(answer.body);
      await new Promise((resolve) => setTimeout(resolve, 5)); // distinct lift times
    }
    expect(lifted[0]).toMatchObject({
      id: second.id,
      liftedBy: { name: "olga" },
      liftedAt: expect.any(String),
      liftReason: "resolved",
    });

    // In force: only the third, exactly as before the lifts.
    expect((await t.call("GET", "/v1/stops", { key: reviewer })).body).toEqual({
      items: [{ ...third, held: 0 }],
      nextCursor: null,
    });
    // History: the last lifted first.
    const history = await t.call("GET", "/v1/stops?state=lifted", { key: auditor });
    expect(history).toMatchObject({ status: 200, body: { items: [lifted[1], lifted[0]], nextCursor: null } });
    expect(history.body.items[0]).toMatchObject({
      scope: { agent: "refund-bot" },
      reason: "Refunds doubled overnight",
      createdBy: { name: "olga" },
      createdAt: first.createdAt,
      liftedBy: { name: "olga" },
    });
    const page1 = await t.call("GET", "/v1/stops?state=lifted&limit=1", { key: owner });
    expect(page1.body.items).toEqual([lifted[1]]);
    expect(page1.body.nextCursor).toEqual(expect.any(String));
    const page2 = await t.call(
      "GET",
      `/v1/stops?state=lifted&limit=1&cursor=${encodeURIComponent(page1.body.nextCursor)}`,
      { key: owner },
    );
    expect(page2.body).toEqual({ items: [lifted[0]], nextCursor: null });

    // The history is for owners and auditors; bad queries are refused with the field named.
    expect((await t.call("GET", "/v1/stops?state=lifted", { key: reviewer })).status).toBe(403);
    expect((await t.call("GET", "/v1/stops?state=lifted", { key: agent })).status).toBe(403);
    expect(await t.call("GET", "/v1/stops?state=gone", { key: owner })).toMatchObject({
      status: 400,
      body: { error: { details: { issues: [{ path: "query.state" }] } } },
    });
    expect((await t.call("GET", "/v1/stops?state=lifted&cursor=not-a-cursor", { key: owner })).status).toBe(
      400,
    );
    // The stops in force are one page: a cursor or a limit there is a mistake, said so.
    for (const query of ["cursor=zzz", "limit=1"]) {
      const paged = await t.call("GET", `/v1/stops?${query}`, { key: owner });
      expect(paged.status).toBe(400);
      expect(paged.body.error.details.issues[0].message).toMatch(/page the history \(state=lifted\)/);
    }
    expect((await t.call("GET", "/v1/stops?state=lifted&limit=abc", { key: owner })).body.error.message).toBe(
      "query.limit: must be a number",
    );
  });

  it("streams each stop and lift to every person, reviewers limited to a queue included, and to no agent", async () => {
    const { agent, owner } = await start();
    await addUser(
      t.server.deps.store,
      { name: "bert", role: "reviewer", password: "correct horse battery staple", queues: ["billing"] },
      { now: () => new Date().toISOString(), ids: t.server.deps.newId, actor: SYSTEM_ACTOR },
    );
    const billingReviewer = await t.key("bert", "reviewer");

    const seen = await streamEvents(t.url, billingReviewer).collect(2, async () => {
      const created = await t.call("POST", "/v1/stops", {
        key: owner,
        body: { scope: { agent: "support-bot" }, reason: "Drafts are off-brand" },
      });
      await t.call("DELETE", `/v1/stops/${created.body.id}`, { key: owner });
    });
    expect(seen.map((e) => e.event)).toEqual(["stop.created", "stop.lifted"]);
    expect(seen[0]!.data).toMatchObject({ type: "stop.created", agentId: null, queue: null });

    // The agent's stream carries its own proposal, never the stop of it.
    const agentSaw = await streamEvents(t.url, agent).collect(1, async () => {
      await t.call("POST", "/v1/stops", {
        key: owner,
        body: { scope: { agent: "support-bot" }, reason: "Drafts are off-brand again" },
      });
      await t.call("POST", "/v1/proposals", {
        key: agent,
        body: { action: { type: "account.close", payload: {} } },
      });
    });
    expect(agentSaw.map((e) => [e.event, e.data.status])).toEqual([["proposal.created", "held"]]);
  });
});
