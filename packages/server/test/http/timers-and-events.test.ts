import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../../src/app/api-keys.ts";
import { SYSTEM_ACTOR } from "../../src/app/principal.ts";
import { startServer } from "../../src/http/start-server.ts";
import { type StreamedEvent, streamEvents } from "../support/stream-events.ts";
import { POLICY, startTestServer, type TestServer } from "./test-server.ts";

describe("on-expiry timers across a restart", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "loopgate-timer-"));
  });
  afterAll(async () => rm(dataDir, { recursive: true, force: true }));

  it("fires a rule that fell due while the server was down exactly once after it starts again", async () => {
    const first = await startServer({ port: 0, dataDir, policyFile: POLICY, logLevel: "silent" });
    const { secret } = await createApiKey(
      first.deps.store,
      { name: "support-bot", role: "agent" },
      { now: () => new Date().toISOString(), ids: first.deps.newId, actor: SYSTEM_ACTOR },
    );
    const response = await fetch(`${first.url}/v1/proposals`, {
      method: "POST",
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
      body: JSON.stringify({ action: { type: "account.close", payload: { customerId: "c_1" } } }),
    });
    const proposal = (await response.json()) as { id: string; review: { id: string; dueAt: string } };
    await first.close();

    // Two hours later (the review was due in one), two replicas start on the same data.
    const later = () => new Date(Date.now() + 2 * 3_600_000);
    const options = { port: 0, dataDir, logLevel: "silent", now: later, config: { timerIntervalMs: 50 } };
    const [a, b] = await Promise.all([startServer(options), startServer(options)]);
    try {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const row = await a.deps.store.proposal(proposal.id);
      expect(row?.status).toBe("rejected");
      const expired = await a.deps.store.listAudit({ proposalId: proposal.id, type: "review.expired" }, 10);
      expect(expired.items).toHaveLength(1);
      expect(expired.items[0]!.data).toMatchObject({ onExpiry: "reject", applied: "reject" });
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe("GET /v1/events", () => {
  let t: TestServer;
  let agent: string;
  let otherAgent: string;
  let supportReviewer: string;
  beforeAll(async () => {
    t = await startTestServer("sqlite");
    agent = await t.key("support-bot", "agent");
    otherAgent = await t.key("billing-bot", "agent");
    supportReviewer = await t.key("anna", "reviewer");
  });
  afterAll(async () => t.close());

  /** Reads the caller's events while `act` runs (see `EventStream.collect`), over a real event stream. */
  async function collect(key: string, count: number, act: () => Promise<void>): Promise<StreamedEvent[]> {
    const stream = streamEvents(t.url, key);
    expect((await stream.response).headers.get("content-type")).toContain("text/event-stream");
    return stream.collect(count, act);
  }

  it("streams an agent's own changes and nothing of another agent's", async () => {
    const events = await collect(agent, 1, async () => {
      await t.call("POST", "/v1/proposals", {
        key: otherAgent,
        body: { action: { type: "account.close", payload: {} } },
      });
      await t.call("POST", "/v1/proposals", {
        key: agent,
        body: { action: { type: "account.close", payload: {} } },
      });
    });
    expect(events).toHaveLength(1);
    expect(events[0]!.event).toBe("proposal.created");
    expect(events[0]!.data.agentId).toBe("support-bot");
  });

  it("tells a reviewer when a review opens in a queue they work and when it is decided", async () => {
    let reviewId = "";
    const events = await collect(supportReviewer, 3, async () => {
      const created = await t.call("POST", "/v1/proposals", {
        key: agent,
        body: { action: { type: "account.close", payload: {} } },
      });
      reviewId = created.body.review.id;
      await t.call("POST", `/v1/reviews/${reviewId}/decisions`, {
        key: supportReviewer,
        body: { verdict: "reject" },
      });
    });
    expect(events.map((e) => e.event)).toEqual(["proposal.created", "review.closed", "proposal.updated"]);
    expect(events[0]!.data.queue).toBe("support");
    expect(events[1]!.data.reviewId).toBe(reviewId);
  });
});
