import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./test-server.ts";

/**
 * Reading a stored policy version (`GET /v1/policy?version=N`): an audit entry names the version it was
 * made under, and an auditor reads that version's text to see which rules applied.
 */
describe("earlier policy versions", () => {
  let t: TestServer;
  let owner: string;
  let auditor: string;

  beforeAll(async () => {
    t = await startTestServer("sqlite");
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
});
