import { afterEach, describe, expect, it } from "vitest";
import { engines, startTestServer, type TestServer } from "./test-server.ts";

/**
 * Which proposals a stop holds (SPEC §6, stops): `GET /v1/proposals?status=held`, optionally of an
 * agent and/or an action type — a stop's scope — oldest first, a page at a time, for people only,
 * in the entity list's item shape and masking.
 */
describe.each(engines())("GET /v1/proposals?status=held (%s)", (engine) => {
  let t: TestServer;
  afterEach(async () => t?.close());

  const start = async () => {
    t = await startTestServer(engine);
    const [supportBot, refundBot, reviewer, owner, auditor] = await Promise.all([
      t.key("support-bot", "agent"),
      t.key("refund-bot", "agent"),
      t.key("rita", "reviewer"),
      t.key("olga", "owner"),
      t.key("aude", "auditor"),
    ]);
    return { supportBot, refundBot, reviewer, owner, auditor };
  };

  /** A reply to a customer; its summary carries an address, which people without PII see masked. */
  const reply = (n: number) => ({
    action: { type: "support.reply", payload: { to: "ada@example.com", body: `Hello ${n}` } },
    summary: `Reply ${n} to ada@example.com about her refund`,
    evidence: [{ source: "kb", snippet: "Refunds take 5 days" }],
    context: { entity: "customer:c_held" },
  });

  const held = async (key: string, query: string) => {
    const answer = await t.call("GET", `/v1/proposals?status=held${query}`, { key });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body as {
      items: { id: string; agent: string; summary: string }[];
      nextCursor: string | null;
    };
  };

  it("lists what a stop holds across agents, filtered, oldest first, a page at a time; lifting the stop empties it", async () => {
    const { supportBot, refundBot, reviewer, owner, auditor } = await start();
    const stop = await t.call("POST", "/v1/stops", {
      key: owner,
      body: { scope: { actionType: "support.reply" }, reason: "Replies quote the wrong refund policy" },
    });
    expect(stop.status).toBe(201);

    const proposed: { id: string; agent: string; createdAt: string }[] = [];
    const agents = { "support-bot": supportBot, "refund-bot": refundBot };
    for (const [n, agent] of [
      "support-bot",
      "refund-bot",
      "support-bot",
      "refund-bot",
      "support-bot",
    ].entries()) {
      const answer = await t.call("POST", "/v1/proposals", {
        key: agents[agent as keyof typeof agents],
        body: reply(n),
      });
      expect(answer.body.status).toBe("held");
      proposed.push({ id: answer.body.id, agent, createdAt: answer.body.createdAt });
    }
    // Out of the stop's scope: not held, not listed.
    const closing = await t.call("POST", "/v1/proposals", {
      key: supportBot,
      body: { action: { type: "account.close", payload: {} } },
    });
    expect(closing.body.status).not.toBe("held");

    // Oldest first, ties broken by id, as the list pages.
    const oldestFirst = [...proposed]
      .sort((a, b) =>
        a.createdAt === b.createdAt ? (a.id < b.id ? -1 : 1) : a.createdAt < b.createdAt ? -1 : 1,
      )
      .map((p) => p.id);
    const all = await held(owner, "");
    expect(all.items.map((p) => p.id)).toEqual(oldestFirst);
    expect(all.nextCursor).toBeNull();
    expect(all.items.map((p) => p.agent)).toEqual(
      oldestFirst.map((id) => proposed.find((p) => p.id === id)!.agent),
    );
    // The entity list's item shape, field for field; an owner sees the summary as written.
    expect(all.items[0]).toEqual({
      id: oldestFirst[0],
      status: "held",
      executionStatus: "not_started",
      actionType: "support.reply",
      agent: expect.any(String),
      summary: expect.stringContaining("ada@example.com"),
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });

    // The filters: an agent, an action type, both.
    const ofRefundBot = oldestFirst.filter((id) => proposed.find((p) => p.id === id)!.agent === "refund-bot");
    expect((await held(owner, "&agent=refund-bot")).items.map((p) => p.id)).toEqual(ofRefundBot);
    expect((await held(owner, "&actionType=support.reply")).items.map((p) => p.id)).toEqual(oldestFirst);
    expect((await held(owner, "&agent=refund-bot&actionType=support.reply")).items.map((p) => p.id)).toEqual(
      ofRefundBot,
    );
    expect((await held(owner, "&actionType=account.close")).items).toEqual([]);

    // Paging: two at a time, the cursor carrying the filter's place.
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const page = await held(
        reviewer,
        `&limit=2${cursor === null ? "" : `&cursor=${encodeURIComponent(cursor)}`}`,
      );
      pages.push(page.items.map((p) => p.id));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    expect(pages.flat()).toEqual(oldestFirst);

    // Masked for people without the PII permission, exactly as the entity list masks.
    const masked = await held(reviewer, "");
    expect(JSON.stringify(masked)).not.toContain("ada@example.com");
    expect(masked.items[0]!.summary).toContain("[email]");
    const entity = await t.call("GET", "/v1/proposals?entity=customer:c_held", { key: reviewer });
    for (const item of masked.items)
      expect(entity.body.items.find((e: { id: string }) => e.id === item.id)).toEqual(item);
    // Every role that sees the Stops page sees what the stops hold.
    expect((await held(auditor, "")).items.map((p) => p.id)).toEqual(oldestFirst);

    // Lifted, the proposals are routed again: nothing is held any more.
    const lifted = await t.call("DELETE", `/v1/stops/${stop.body.id}`, {
      key: owner,
      body: { reason: "fixed" },
    });
    expect(lifted.status).toBe(200);
    expect(await held(owner, "")).toEqual({ items: [], nextCursor: null });
    expect(await held(owner, "&agent=refund-bot")).toEqual({ items: [], nextCursor: null });
  });

  it("refuses other statuses, both lists or neither, stray filters and other lists' cursors, naming the field", async () => {
    const { supportBot, owner } = await start();
    await t.call("POST", "/v1/stops", { key: owner, body: { scope: { all: true }, reason: "drill" } });
    await t.call("POST", "/v1/proposals", { key: supportBot, body: reply(1) });
    await t.call("POST", "/v1/proposals", { key: supportBot, body: reply(2) });

    const refused = async (query: string, path: string, message: RegExp) => {
      const answer = await t.call("GET", `/v1/proposals?${query}`, { key: owner });
      expect(answer.status, query).toBe(400);
      expect(answer.body.error.code, query).toBe("invalid_query");
      expect(answer.body.error.details.issues, query).toEqual([
        { path, message: expect.stringMatching(message) },
      ]);
    };
    await refused("status=pending", "query.status", /^only held proposals are listed this way: status=held/);
    await refused("status=pending_review&agent=support-bot", "query.status", /only held proposals/);
    await refused("", "query.entity", /is required, or status=held/);
    await refused("limit=5", "query.entity", /is required, or status=held/);
    await refused("entity=customer:c_held&status=held", "query.status", /not both/);
    await refused("entity=customer:c_held&agent=support-bot", "query.agent", /add status=held/);
    await refused("status=held&actionType=Not%20A%20Type", "query.actionType", /lower-case words/);
    await refused("status=held&limit=0", "query.limit", /at least 1/);
    const message = (await t.call("GET", "/v1/proposals?status=pending", { key: owner })).body.error.message;
    expect(message).toMatch(/^query\.status: only held proposals are listed this way/);

    // A cursor of the entity list (newest first) is no place in the held list.
    const entityPage = await t.call("GET", "/v1/proposals?entity=customer:c_held&limit=1", { key: owner });
    expect(entityPage.body.nextCursor).toEqual(expect.any(String));
    const crossed = await t.call(
      "GET",
      `/v1/proposals?status=held&cursor=${encodeURIComponent(entityPage.body.nextCursor)}`,
      { key: owner },
    );
    expect(crossed).toMatchObject({ status: 400, body: { error: { code: "invalid_cursor" } } });
    expect((await t.call("GET", "/v1/proposals?status=held&cursor=zzz", { key: owner })).status).toBe(400);
  });

  it("answers 404 unknown_action_type for an action type the policy does not define, unless some are held", async () => {
    const { supportBot, owner } = await start();
    await t.call("POST", "/v1/stops", {
      key: owner,
      body: { scope: { actionType: "account.close" }, reason: "closing the wrong accounts" },
    });
    const closing = await t.call("POST", "/v1/proposals", {
      key: supportBot,
      body: { action: { type: "account.close", payload: {} } },
    });
    expect(closing.body.status).toBe("held");

    // A typo is not read as an empty list: 404 with the policy's action types.
    const known = ["account.close", "billing.refund", "support.reply"];
    for (const query of ["&actionType=acount.close", "&actionType=acount.close&agent=support-bot"]) {
      const typo = await t.call("GET", `/v1/proposals?status=held${query}`, { key: owner });
      expect(typo.status, query).toBe(404);
      expect(typo.body.error, query).toMatchObject({
        code: "unknown_action_type",
        message: expect.stringMatching(
          /^No action type "acount\.close" in the policy .*: its action types are account\.close, billing\.refund, support\.reply$/,
        ),
        details: { actionType: "acount.close", actionTypes: known },
      });
    }
    // A defined type with nothing held, and an agent with nothing held, are plain empty lists.
    expect((await held(owner, "&actionType=billing.refund")).items).toEqual([]);
    expect((await held(owner, "&agent=no-such-bot")).items).toEqual([]);
    expect((await held(owner, "&agent=refund-bot&actionType=account.close")).items).toEqual([]);

    // A type removed from the policy while its proposals are held still lists them (and is no typo,
    // also for an agent with none of them held).
    const text = (await t.call("GET", "/v1/policy", { key: owner })).body.text as string;
    const withoutClose = text.replace(/\n {2}account\.close:\n(?: {4}.*\n)+/, "\n");
    expect(withoutClose).not.toContain("account.close");
    const put = await t.call("PUT", "/v1/policy", { key: owner, body: { text: withoutClose } });
    expect(put.status, JSON.stringify(put.body)).toBeLessThan(300);
    expect((await held(owner, "&actionType=account.close")).items.map((p) => p.id)).toEqual([
      closing.body.id,
    ]);
    expect((await held(owner, "&actionType=account.close&agent=refund-bot")).items).toEqual([]);
    const gone = await t.call("GET", "/v1/proposals?status=held&actionType=never.defined", { key: owner });
    expect(gone.body.error).toMatchObject({
      code: "unknown_action_type",
      details: { actionTypes: ["billing.refund", "support.reply"] },
    });
  });

  it("refuses a parameter it does not know rather than ignoring it, as the audit list does", async () => {
    const { owner } = await start();
    for (const query of ["status=held&agentId=support-bot", "entity=customer:c_1&order=desc"]) {
      const answer = await t.call("GET", `/v1/proposals?${query}`, { key: owner });
      expect(answer.status, query).toBe(400);
      expect(answer.body.error.code, query).toBe("invalid_query");
      const name = query.split("&")[1]!.split("=")[0];
      expect(answer.body.error.details.issues, query).toEqual([
        { path: `query.${name}`, message: `unknown field "${name}": remove it` },
      ]);
    }
  });

  it("is for people only: an agent is refused as the entity list refuses it", async () => {
    const { supportBot, owner } = await start();
    await t.call("POST", "/v1/stops", { key: owner, body: { scope: { agent: "support-bot" }, reason: "x" } });
    await t.call("POST", "/v1/proposals", { key: supportBot, body: reply(1) });
    for (const query of ["status=held", "status=held&agent=support-bot", "entity=customer:c_held"]) {
      const asAgent = await t.call("GET", `/v1/proposals?${query}`, { key: supportBot });
      expect(asAgent, query).toMatchObject({ status: 403, body: { error: { code: "role_required" } } });
    }
    expect((await t.call("GET", "/v1/proposals?status=held")).status).toBe(401);

    // The OpenAPI document offers the new query.
    const listing = (await t.call("GET", "/openapi.json")).body.paths["/v1/proposals"].get;
    const names = listing.parameters.map((p: { name: string }) => p.name);
    expect(names).toEqual(
      expect.arrayContaining(["entity", "status", "agent", "actionType", "limit", "cursor"]),
    );
    expect(listing.parameters.find((p: { name: string }) => p.name === "status").schema).toMatchObject({
      const: "held",
    });
    expect(listing.summary).toMatch(/status=held/);
  });
});
