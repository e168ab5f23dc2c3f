import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { streamEvents } from "../support/stream-events.ts";
import { engines, POLICY, startTestServer, type TestServer } from "./test-server.ts";

/**
 * Reading a stored policy version (`GET /v1/policy?version=N`): an audit entry names the version it was
 * made under, and an auditor reads that version's text to see which rules applied.
 */
describe.each(engines())("earlier policy versions on %s", (engine) => {
  let t: TestServer;
  let owner: string;
  let auditor: string;

  beforeAll(async () => {
    t = await startTestServer(engine);
    owner = await t.key("olivia", "owner");
    auditor = await t.key("aude", "auditor");
  });
  afterAll(async () => t.close());

  it("answers the version asked for, the active one without, and says which versions exist", async () => {
    const first = (await t.call("GET", "/v1/policy", { key: auditor })).body;
    const changed = `${first.text}\n# tightened after the audit\n`;
    const put = await t.call("PUT", "/v1/policy", { key: owner, body: { text: changed } });
    expect(put.status).toBe(200);
    expect(put.body.version).toBe(first.version + 1);

    const earlier = await t.call("GET", `/v1/policy?version=${first.version}`, { key: auditor });
    expect(earlier).toMatchObject({ status: 200, body: { version: first.version, text: first.text } });
    expect((await t.call("GET", "/v1/policy", { key: auditor })).body).toMatchObject({
      version: put.body.version,
      text: changed,
    });

    const missing = await t.call("GET", "/v1/policy?version=99", { key: auditor });
    expect(missing).toMatchObject({
      status: 404,
      body: { error: { code: "policy_version_not_found", details: { latest: put.body.version } } },
    });
    expect(
      (await t.call("GET", "/v1/policy?version=abc", { key: auditor })).body.error.details.issues,
    ).toEqual([{ path: "query.version", message: "must be a number" }]);
    expect((await t.call("GET", "/v1/policy?versoin=1", { key: auditor })).status).toBe(400);
  });

  it("names the version it put in force in every policy.loaded entry and event, also when two loads race", async () => {
    const loaded = async () =>
      (await t.call("GET", "/v1/audit?type=policy.loaded&limit=500", { key: auditor })).body.items as {
        data: { version: number; previousVersion: number | null; source: string; hash: string };
      }[];
    // The file `serve` loaded at start-up is version 1, and its entry says so.
    expect((await loaded())[0]?.data).toMatchObject({
      version: 1,
      previousVersion: null,
      source: `file:${POLICY}`,
    });

    const base = (await t.call("GET", "/v1/policy", { key: auditor })).body;
    const stream = streamEvents(t.url, owner);
    const events = await stream.collect(1, async () => {
      const put = await t.call("PUT", "/v1/policy", {
        key: owner,
        body: { text: `${base.text}\n# one more\n` },
      });
      expect(put.status, JSON.stringify(put.body)).toBe(200);
    });
    const version = base.version + 1;
    expect(events).toEqual([
      {
        event: "policy.loaded",
        data: expect.objectContaining({ type: "policy.loaded", policyVersion: version }),
      },
    ]);
    expect((await loaded()).at(-1)?.data).toMatchObject({
      version,
      previousVersion: base.version,
      source: "api",
    });

    // Two owners load different texts at the same moment: each gets a version of its own, and each
    // entry names the version that holds its text.
    const texts = ["# left", "# right"].map((tag) => `${base.text}\n${tag}\n`);
    const puts = await Promise.all(
      texts.map((text) => t.call("PUT", "/v1/policy", { key: owner, body: { text } })),
    );
    expect(puts.map((p) => p.status)).toEqual([200, 200]);
    expect(puts.map((p) => p.body.version).sort()).toEqual([version + 1, version + 2]);
    const entries = (await loaded()).slice(-2);
    expect(entries.map((e) => e.data.version)).toEqual([version + 1, version + 2]);
    for (const entry of entries) {
      const stored = await t.call("GET", `/v1/policy?version=${entry.data.version}`, { key: auditor });
      expect(stored.body.hash).toBe(entry.data.hash);
      expect(entry.data.previousVersion).toBe(entry.data.version - 1);
    }
  });
});
