import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engines, startTestServer, type TestServer } from "./test-server.ts";

const refund = (amount: number) => ({
  action: { type: "billing.refund", payload: { amount, currency: "EUR", customerId: `c_${amount}` } },
  summary: `Refund ${amount} EUR`,
  signals: { agentConfidence: 0.95 },
});

interface Entry {
  seq: number;
  type: string;
  proposalId: string | null;
}

/** `GET /v1/audit` oldest first (the default) and newest first (`order=desc`), followed page by page. */
describe.each(engines())("the audit list over HTTP on %s", (engine) => {
  let t: TestServer;
  let owner: string;
  const proposals: string[] = [];

  /** Every entry of the list, following `nextCursor`; `query` without limit or cursor. */
  const everyPage = async (query: string, limit: number): Promise<Entry[]> => {
    const entries: Entry[] = [];
    let cursor: string | null = null;
    do {
      const path = `/v1/audit?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      const page = await t.call("GET", path, { key: owner });
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      entries.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor !== null);
    return entries;
  };

  beforeAll(async () => {
    t = await startTestServer(engine);
    const agent = await t.key("support-bot", "agent");
    owner = await t.key("olivia", "owner");
    for (let i = 1; i <= 12; i++) {
      const created = await t.call("POST", "/v1/proposals", { key: agent, body: refund(i * 10) });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      proposals.push(created.body.id);
    }
  });
  afterAll(async () => t.close());

  it("lists newest first with order=desc, and older pages through the cursor reach the first entry", async () => {
    const oldestFirst = await everyPage("order=asc", 500);
    expect(oldestFirst.length).toBeGreaterThan(20);
    expect(oldestFirst.map((e) => e.seq)).toEqual(oldestFirst.map((_, i) => i + 1));
    // Without `order`, the list is oldest first, as it always was.
    expect(await everyPage("", 500)).toEqual(oldestFirst);

    const first = await t.call("GET", "/v1/audit?order=desc&limit=5", { key: owner });
    expect(first.body.items.map((e: Entry) => e.seq)).toEqual(
      [0, 1, 2, 3, 4].map((i) => oldestFirst.length - i),
    );
    const newestFirst = await everyPage("order=desc", 5);
    expect(newestFirst).toEqual([...oldestFirst].reverse());
    expect(newestFirst.at(-1)?.seq).toBe(1);

    const last = proposals.at(-1)!;
    const trail = await everyPage(`order=desc&proposalId=${last}`, 1);
    expect(trail.length).toBeGreaterThan(1);
    expect(trail).toEqual(oldestFirst.filter((e) => e.proposalId === last).reverse());
  });

  it("answers 400 for an unknown order and for a cursor of the other order", async () => {
    const bad = await t.call("GET", "/v1/audit?order=newest", { key: owner });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("invalid_query");

    const ascending = await t.call("GET", "/v1/audit?limit=2", { key: owner });
    const mixed = await t.call(
      "GET",
      `/v1/audit?order=desc&limit=2&cursor=${encodeURIComponent(ascending.body.nextCursor)}`,
      { key: owner },
    );
    expect(mixed.status).toBe(400);
    expect(mixed.body.error.code).toBe("invalid_cursor");

    // A filter the log does not know is refused, never ignored: the whole log is not "anna's entries".
    const unknown = await t.call("GET", "/v1/audit?actor=anna", { key: owner });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details.issues).toEqual([
      { path: "query.actor", message: 'unknown field "actor": remove it' },
    ]);
  });

  it("documents the order in the OpenAPI document", async () => {
    const doc = await t.call("GET", "/openapi.json");
    const params: { name: string; schema: { enum?: string[]; default?: string } }[] =
      doc.body.paths["/v1/audit"].get.parameters;
    expect(params.find((p) => p.name === "order")?.schema).toMatchObject({
      enum: ["asc", "desc"],
      default: "asc",
    });
  });
});
