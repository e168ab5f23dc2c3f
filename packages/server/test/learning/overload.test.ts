import { join } from "node:path";
import { loadPolicy } from "@loopgate/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forgetQueueLoad } from "../../src/app/queue-load.ts";
import { startOverloadRelease } from "../../src/timers/overload-release.ts";
import { engines, startTestServer, type TestServer } from "../http/test-server.ts";

const POLICY = join(import.meta.dirname, "fixtures", "overload-policy.yaml");

const reply = (i: number, agentConfidence: number) => ({
  action: { type: "support.reply", payload: { to: `c${i}@example.com`, body: `Hello ${i}` } },
  signals: { agentConfidence },
});

describe.each(engines())("queue capacity and overload on %s", (engine) => {
  let t: TestServer;
  let bot: string;
  let newsletter: string;
  let rita: string;
  let owner: string;

  beforeAll(async () => {
    t = await startTestServer(engine, { policyFile: POLICY });
    bot = await t.key("support-bot", "agent");
    newsletter = await t.key("newsletter-bot", "agent");
    rita = await t.key("rita", "reviewer");
    owner = await t.key("olivia", "owner");
  });
  afterAll(() => t.close());

  const propose = async (key: string, body: unknown) => {
    const res = await t.call("POST", "/v1/proposals", { key, body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    forgetQueueLoad(t.server.deps.store);
    return res.body;
  };

  it("within capacity nothing changes; past it, the overload section decides what gives", async () => {
    const open = [];
    for (let i = 0; i < 3; i++) open.push(await propose(bot, reply(i, 0.99)));
    // Up to and at capacity the rules' route stands, even for the most confident.
    expect(open.map((p) => p.route.verdict)).toEqual(["review", "review", "review"]);
    const normalPriority = (await t.call("GET", `/v1/reviews`, { key: rita })).body.items[0].priority;

    const summary = await t.call("GET", "/v1/reviews/summary", { key: owner });
    expect(summary.body.items).toEqual([
      expect.objectContaining({ queue: "support", open: 3, capacity: 2, overloaded: true }),
    ]);

    // The safest tier runs unattended, with the reason on record.
    const safe = await propose(bot, reply(10, 0.97));
    expect(safe.status).toBe("auto_approved");
    expect(safe.route.verdict).toBe("auto");
    expect(safe.route.reasons.at(-1)).toMatchObject({ rule: "overload:support", route: "auto" });
    expect(safe.route.reasons.at(-1).message).toMatch(/over its capacity \(3 open of 2\)/);

    // The rest still goes to a person, sooner.
    const unsure = await propose(bot, reply(11, 0.6));
    expect(unsure.status).toBe("pending_review");
    expect(unsure.route.reasons.at(-1).message).toMatch(/priority raised by 5/);
    const listed = (await t.call("GET", `/v1/reviews?queue=support`, { key: rita })).body.items;
    expect(listed.find((r: any) => r.proposalId === unsure.id).priority).toBe(normalPriority + 5);

    // A paused agent's proposal is held, not lost.
    const paused = await propose(newsletter, reply(12, 0.99));
    expect(paused.status).toBe("held");
    expect(paused.review).toBeNull();
    expect(paused.route.reasons.at(-1)).toMatchObject({ rule: "overload:support", route: "held" });

    // While the queue stays past capacity, the release leaves it held.
    const release = startOverloadRelease(t.server.deps, 3_600_000);
    try {
      expect(await release.tick()).toBe(0);
      // Reviewers work the queue down to within capacity: the held proposal is routed again.
      for (const p of open) {
        const res = await t.call("POST", `/v1/reviews/${p.review.id}/decisions`, {
          key: rita,
          body: { verdict: "approve" },
        });
        expect(res.status).toBe(201);
      }
      expect(await release.tick()).toBe(1);
    } finally {
      await release.stop();
    }
    const after = await t.call("GET", `/v1/proposals/${paused.id}`, { key: newsletter });
    expect(after.body.status).toBe("pending_review");
    expect(after.body.route.reasons.some((r: any) => r.rule === "overload:support")).toBe(false);
    const audit = (await t.server.deps.store.listAudit({ proposalId: paused.id }, 20)).items.map(
      (e) => e.type,
    );
    expect(audit).toEqual(expect.arrayContaining(["proposal.routed", "proposal.released"]));
  });

  it("policy check: an overload section needs the queue's capacity, and its CEL must compile", () => {
    const result = loadPolicy(
      `version: 1
actions: { a.b: { review: { queue: q } } }
overload:
  q: { autoWhen: "confidence >=", raisePriority: 0 }
`,
      { version: 1 },
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const byPath = Object.fromEntries(result.problems.map((p) => [p.path, p.message]));
    expect(Object.keys(byPath)).toEqual(expect.arrayContaining(["overload.q.raisePriority"]));

    const second = loadPolicy(
      `version: 1
actions: { a.b: { review: { queue: q } } }
overload:
  q: { autoWhen: "confidence >=" }
`,
      { version: 1 },
    );
    expect(second.ok).toBe(false);
    if (second.ok) return;
    const problems = Object.fromEntries(second.problems.map((p) => [p.path, p]));
    expect(problems["overload.q"]?.message).toMatch(/has no capacity: add queues.q.capacity/);
    expect(problems["overload.q.autoWhen"]?.line).toBe(4);
  });
});
