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

  const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

  /**
   * Writes two entries of `type`, two hours and ten minutes ago (data `i` 1 and 2), and answers a reader
   * of the `i`s that `GET /v1/audit?type=<type>&<query>` lists.
   */
  const twoEntriesOf = async (type: string) => {
    const draft = (at: string, i: number) => ({
      at,
      actor: { kind: "system" as const, id: "test", name: "test" },
      type,
      proposalId: null,
      data: { i },
    });
    const written = await t.server.deps.store.commit({
      writes: [],
      audit: [draft(ago(2 * 3_600_000), 1), draft(ago(10 * 60_000), 2)],
    });
    expect(written.ok).toBe(true);
    return async (query: string): Promise<number[]> => {
      const res = await t.call("GET", `/v1/audit?type=${type}&${query}`, { key: owner });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.items.map((e: { data: { i: number } }) => e.data.i);
    };
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

  it("takes since as an ISO timestamp or as a duration back from now, and names both forms for a bad one", async () => {
    // Two entries of a type of their own, written two hours and ten minutes ago.
    const read = await twoEntriesOf("test.window");
    const window = (since: string) => read(`since=${encodeURIComponent(since)}`);
    expect(await window("15m")).toEqual([2]);
    expect(await window("1h30m")).toEqual([2]);
    expect(await window("24h")).toEqual([1, 2]);
    expect(await window("7d")).toEqual([1, 2]);
    expect(await window("5m")).toEqual([]);
    expect(await window(ago(3_600_000))).toEqual([2]);
    // An offset other than Z is the same instant.
    expect(await window("2000-01-01T02:00:00+02:00")).toEqual([1, 2]);

    // A plain date is its start, UTC.
    expect(await window("2000-01-01")).toEqual([1, 2]);
    expect(await window(new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10))).toEqual([]);

    const forms =
      "must be an ISO 8601 timestamp such as 2026-11-01T09:00:00Z, a date such as 2026-11-01 (its start, UTC), or a duration back from now such as 15m, 24h or 7d";
    for (const field of ["since", "until"]) {
      const refused = async (bad: string, message: string) => {
        const res = await t.call("GET", `/v1/audit?${field}=${encodeURIComponent(bad)}`, { key: owner });
        expect(res.status, bad).toBe(400);
        expect(res.body.error, bad).toMatchObject({
          code: "invalid_query",
          message: `query.${field}: ${message}`,
          details: { issues: [{ path: `query.${field}` }] },
        });
      };
      for (const bad of ["yesterday", "15 minutes", "-1h", "2026-13-01T00:00:00Z", "2026-02-30", "2026-1-2"])
        await refused(bad, forms);
      for (const big of ["99999999d", "36501d", "9999999999999999999999d"])
        await refused(
          big,
          "is too large a duration: reach back at most 100 years (36500d), or give an ISO 8601 timestamp",
        );
      await refused("30m1h", `${forms} (a duration's units go largest first, each once, e.g. 1h30m)`);
    }
  });

  it("takes until in the same forms as since: a timestamp, a date or a duration back from now", async () => {
    const window = await twoEntriesOf("test.until");
    const q = (name: string, value: string) => `${name}=${encodeURIComponent(value)}`;
    expect(await window(q("until", "1h"))).toEqual([1]);
    expect(await window(q("until", "3h"))).toEqual([]);
    expect(await window(q("until", "1m"))).toEqual([1, 2]);
    expect(await window(`${q("since", "3h")}&${q("until", "30m")}`)).toEqual([1]);
    expect(await window(`${q("since", "30m")}&${q("until", "1m")}`)).toEqual([2]);
    expect(await window(q("until", ago(3_600_000)))).toEqual([1]);
    // An offset other than Z is the same instant (compared as such, not as text).
    const hourAgo = new Date(Date.now() - 3_600_000);
    const shifted = new Date(hourAgo.getTime() + 2 * 3_600_000).toISOString().replace("Z", "+02:00");
    expect(await window(q("until", shifted))).toEqual([1]);
    // A date is its start, UTC: the day after tomorrow's start is after both, 2000-01-01's before both.
    const later = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    expect(await window(q("until", later))).toEqual([1, 2]);
    expect(await window(q("until", "2000-01-01"))).toEqual([]);
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
