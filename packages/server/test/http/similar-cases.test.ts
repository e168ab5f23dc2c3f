import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engines, startTestServer, type TestServer } from "./test-server.ts";

const reply = (subject: string, text: string, summary: string) => ({
  action: { type: "support.reply", payload: { to: "ada@example.com", body: `About: ${subject}` } },
  request: { subject, text },
  summary,
  evidence: [{ source: "kb", snippet: "Help centre article" }],
  signals: { agentConfidence: 0.5 },
});

/**
 * The review page's similar past cases: the agent's earlier proposals of the type that people decided,
 * most alike first, each with the decision that closed it.
 */
describe.each(engines())("similar past cases, on %s", (engine) => {
  let t: TestServer;
  let agent: string;
  let owner: string;
  let reviewer: string;

  beforeAll(async () => {
    t = await startTestServer(engine);
    agent = await t.key("support-bot", "agent");
    owner = await t.key("olga", "owner");
    reviewer = await t.key("rui", "reviewer");
  });
  afterAll(async () => t.close());

  async function propose(body: unknown): Promise<{ id: string; reviewId: string }> {
    const created = await t.call("POST", "/v1/proposals", { key: agent, body });
    expect(created.status).toBe(201);
    return { id: created.body.id, reviewId: created.body.review.id };
  }

  async function decide(reviewId: string, body: unknown): Promise<void> {
    const decided = await t.call("POST", `/v1/reviews/${reviewId}/decisions`, { key: owner, body });
    expect(decided.status).toBe(201);
  }

  it("answers the decided cases most alike first, with who decided them and why; never open ones", async () => {
    const twice = await propose(
      reply(
        "Charged twice",
        "My card was charged twice for the same order yesterday",
        "Explain the duplicate charge",
      ),
    );
    await decide(twice.reviewId, {
      verdict: "edit",
      patch: { body: "We refunded the second charge." },
      category: "wrong_answer",
      comment: "Say we refunded it",
    });
    const lost = await propose(
      reply("Lost card", "I lost my card on the train", "Explain how to freeze a card"),
    );
    await decide(lost.reviewId, { verdict: "approve" });
    const duplicate = await propose(
      reply(
        "Double charge",
        "There is a duplicate charge on my card for one order",
        "Explain the duplicate charge",
      ),
    );
    await decide(duplicate.reviewId, { verdict: "reject", category: "wrong_answer", comment: "Wrong shop" });
    const stillOpen = await propose(
      reply("Charged twice again", "Charged twice for the same order", "Duplicate"),
    );

    const current = await propose(
      reply("Charged two times", "I was charged twice for my order", "Explain the duplicate charge"),
    );
    const similar = await t.call("GET", `/v1/proposals/${current.id}/similar`, { key: reviewer });
    expect(similar.status).toBe(200);
    const items = similar.body.items as { id: string; similarity: number; decision: any; status: string }[];
    expect(items.map((i) => i.id)).toEqual([twice.id, duplicate.id]);
    expect(items.map((i) => i.id)).not.toContain(stillOpen.id);
    expect(items[0]!.similarity).toBeGreaterThan(items[1]!.similarity);
    expect(items[0]).toMatchObject({
      status: "approved_with_edits",
      summary: "Explain the duplicate charge",
      request: "My card was charged twice for the same order yesterday",
      decision: {
        verdict: "edit",
        by: { name: "olga" },
        category: "wrong_answer",
        comment: "Say we refunded it",
      },
    });
    expect(items[1]).toMatchObject({
      status: "rejected",
      decision: { verdict: "reject", comment: "Wrong shop" },
    });

    const one = await t.call("GET", `/v1/proposals/${current.id}/similar?limit=1`, { key: reviewer });
    expect(one.body.items.map((i: { id: string }) => i.id)).toEqual([twice.id]);
  });

  it("masks personal data for people without the permission, and refuses agents and bad input", async () => {
    const past = await propose(
      reply("Refund to my card", "Please refund to card, call me on +44 7700 900123", "Refund the order"),
    );
    await decide(past.reviewId, { verdict: "approve", comment: "Called +44 7700 900123 to confirm" });
    const current = await propose(reply("Refund", "Please refund to my card", "Refund the order"));

    const masked = await t.call("GET", `/v1/proposals/${current.id}/similar`, { key: reviewer });
    const seen = masked.body.items.find((i: { id: string }) => i.id === past.id);
    expect(JSON.stringify(seen)).not.toContain("7700");
    expect(seen.request).toContain("[phone]");
    const plain = await t.call("GET", `/v1/proposals/${current.id}/similar`, { key: owner });
    expect(plain.body.items.find((i: { id: string }) => i.id === past.id).request).toContain(
      "+44 7700 900123",
    );

    expect((await t.call("GET", `/v1/proposals/${current.id}/similar`, { key: agent })).status).toBe(403);
    const tooMany = await t.call("GET", `/v1/proposals/${current.id}/similar?limit=50`, { key: reviewer });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.details.issues[0].path).toBe("query.limit");
    const unknown = await t.call("GET", "/v1/proposals/nope/similar", { key: reviewer });
    expect(unknown.status).toBe(404);
  });
});
