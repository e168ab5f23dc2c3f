import { ReplayReport } from "@loopgate/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AUTOMATING_CANDIDATE, EDIT_LABEL, recordHistory, THRESHOLD_CANDIDATE } from "./replay-history.ts";
import { engines, startTestServer, type TestServer } from "./test-server.ts";

describe.each(engines())("POST /v1/policy/replay on %s", (engine) => {
  let t: TestServer;
  let keys: Awaited<ReturnType<typeof recordHistory>>;

  beforeAll(async () => {
    t = await startTestServer(engine);
    keys = await recordHistory(t);
  });
  afterAll(async () => t.close());

  const replay = async (body: unknown, key = keys.owner) =>
    t.call("POST", "/v1/policy/replay", { key, body });

  it("reports what a candidate that automates more would change, against the reviewers' decisions", async () => {
    const res = await replay({ policy: AUTOMATING_CANDIDATE });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const report = ReplayReport.parse(res.body);
    expect(report).toMatchObject({ policyVersion: null, since: null, thresholds: {}, proposals: 7 });
    const reply = report.actionTypes.find((a) => a.actionType === "support.reply")!;
    expect(reply).toMatchObject({
      declared: true,
      proposals: 5,
      unchanged: 1,
      routeChanges: [{ from: "review", to: "auto", count: 4 }],
      automationRate: { before: 0, after: 0.8 },
      noLongerAutomated: 0,
    });
    // 0.9 approved (error 0), 0.85 rejected (error 1), 0.95 edited (error 1 − label), 0.9 still pending.
    expect(reply.newlyAutomated).toMatchObject({ count: 4, reviewed: 3, unknownOutcome: 1 });
    expect(reply.newlyAutomated.estimatedErrorRate).toBeCloseTo((0 + 1 + (1 - EDIT_LABEL)) / 3, 5);
    const refund = report.actionTypes.find((a) => a.actionType === "billing.refund")!;
    expect(refund).toMatchObject({
      proposals: 2,
      unchanged: 2,
      routeChanges: [],
      automationRate: { before: 0.5, after: 0.5 },
    });
    expect(report.totals).toMatchObject({
      proposals: 7,
      automationRate: { before: 0.142857, after: 0.714286 },
      newlyAutomated: { count: 4, reviewed: 3, unknownOutcome: 1 },
    });
  });

  it("is deterministic, and open to auditors", async () => {
    const first = await replay({ policy: AUTOMATING_CANDIDATE });
    const second = await replay({ policy: AUTOMATING_CANDIDATE }, keys.auditor);
    expect(second.status).toBe(200);
    expect(JSON.stringify(second.body)).toBe(JSON.stringify(first.body));
  });

  it("tries a candidate threshold", async () => {
    const res = await replay({ policy: THRESHOLD_CANDIDATE, thresholds: { "support.reply": 0.88 } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const reply = res.body.actionTypes.find((a: { actionType: string }) => a.actionType === "support.reply");
    // 0.9 approved, 0.95 edited and 0.9 pending clear 0.88; 0.85 and 0.5 do not.
    expect(reply.newlyAutomated).toMatchObject({ count: 3, reviewed: 2, unknownOutcome: 1 });
    expect(reply.newlyAutomated.estimatedErrorRate).toBeCloseTo((0 + (1 - EDIT_LABEL)) / 2, 5);
    expect(res.body.thresholds).toEqual({ "support.reply": 0.88 });
  });

  it("replays the active policy when none is sent: nothing changes, and the version is named", async () => {
    const res = await replay({});
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.policyVersion).toBe(1);
    expect(res.body.totals).toMatchObject({ proposals: 7, unchanged: 7, routeChanges: [] });
  });

  it("starts at `since`: a date or a duration", async () => {
    const future = await replay({ since: "2999-01-01T00:00:00Z" });
    expect(future.body).toMatchObject({ proposals: 0, since: "2999-01-01T00:00:00.000Z" });
    expect((await replay({ since: "1d" })).body.proposals).toBe(7);
  });

  it("is described in the OpenAPI document from the same schemas", async () => {
    const doc = await t.call("GET", "/openapi.json");
    const post = doc.body.paths["/v1/policy/replay"].post;
    expect(Object.keys(post.requestBody.content["application/json"].schema.properties).sort()).toEqual([
      "policy",
      "since",
      "thresholds",
    ]);
    expect(post.responses["200"].content["application/json"].schema.properties.actionTypes).toBeTruthy();
  });

  it("refuses a bad candidate with line-numbered problems, a bad `since`, and other roles", async () => {
    const bad = await replay({ policy: "version: 1\nactions:\n  x.y:\n    reversible: maybe\n" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("invalid_policy");
    const issue = bad.body.error.details.issues[0];
    expect(issue.line).toBeGreaterThan(0);
    expect(issue.message).toMatch(/^line \d+/);

    const badCel = await replay({
      policy: `${AUTOMATING_CANDIDATE}  - id: broken\n    when: "confidence >>> 1"\n    route: auto\n`,
    });
    expect(badCel.status).toBe(400);
    expect(badCel.body.error.details.issues.some((i: { path: string }) => i.path.startsWith("rules"))).toBe(
      true,
    );

    const since = await replay({ since: "last month" });
    expect(since.status).toBe(400);
    expect(since.body.error.details.issues[0].path).toBe("since");
    const thresholds = await replay({ thresholds: { "support.reply": "high" } });
    expect(thresholds.status).toBe(400);

    expect((await replay({}, keys.reviewer)).status).toBe(403);
  });
  it("keeps approved thresholds in force under a candidate, unless it tries its own", async () => {
    const at = new Date().toISOString();
    const approvedBy = { id: "u_olivia", name: "olivia" };
    const put = await t.server.deps.store.commit({
      writes: [
        {
          kind: "putThreshold",
          row: {
            agentId: "support-bot",
            actionType: "support.reply",
            auto: 0.88,
            recommendationId: "rec_1",
            approvedBy,
            approvedAt: at,
          },
        },
      ],
      audit: [
        {
          at,
          actor: { kind: "system", id: "test", name: "test" },
          type: "threshold.approved",
          proposalId: null,
          data: {},
        },
      ],
    });
    expect(put.ok).toBe(true);
    const inForce = await replay({ policy: THRESHOLD_CANDIDATE });
    expect(inForce.body.totals.newlyAutomated).toMatchObject({ count: 3, reviewed: 2, unknownOutcome: 1 });
    const never = await replay({ policy: THRESHOLD_CANDIDATE, thresholds: { "support.reply": 1.5 } });
    expect(never.body.totals.newlyAutomated.count).toBe(0);
  });
});
