import { Loopgate } from "@loopgate/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../packages/server/test/http/test-server.ts";
import { type ChatStandIn, startChatStandIn } from "./chat-completions-stand-in.ts";
import { ARTICLES } from "./data/knowledge-base.ts";
import { llmDrafter, withFallback } from "./llm-drafter.ts";
import { templateDrafter } from "./reply-drafting.ts";
import { SupportAgent } from "./support-agent.ts";
import { buildTickets } from "./tickets.ts";

const TICKET = buildTickets().find((t) => t.intent === "card_delivery" && t.flavours.length === 0)!;
const DELIVERY_ARTICLE = ARTICLES.find((a) => a.id === "kb-card-delivery-times")!;

describe("the LLM path, against a stand-in chat-completions server", () => {
  let standIn: ChatStandIn;
  beforeAll(async () => {
    standIn = await startChatStandIn({ apiKey: "sk-test" });
  });
  afterAll(async () => standIn?.close());

  it("sends the model, the key, the ticket and the articles, and returns the model's text", async () => {
    const drafter = llmDrafter({ baseUrl: standIn.baseUrl, model: "tiny-model", apiKey: "sk-test" });
    const text = await drafter.draft({
      ticket: TICKET,
      intent: "card_delivery",
      articles: [DELIVERY_ARTICLE],
    });
    expect(text).toBe("New Larkspur cards are posted the working day after you order them.");
    const sent = standIn.requests.at(-1)!;
    expect(sent.authorization).toBe("Bearer sk-test");
    expect(sent.body.model).toBe("tiny-model");
    expect(sent.body.messages?.[0]?.role).toBe("system");
    expect(sent.body.messages?.[1]?.content).toContain(TICKET.text);
    expect(sent.body.messages?.[1]?.content).toContain(`## ${DELIVERY_ARTICLE.title}`);
  });

  it("reads the key from LOOPGATE_LLM_API_KEY when none is given", async () => {
    process.env.LOOPGATE_LLM_API_KEY = "sk-test";
    try {
      const drafter = llmDrafter({ baseUrl: `${standIn.baseUrl}/`, model: "tiny-model" });
      await drafter.draft({ ticket: TICKET, intent: "card_delivery", articles: [DELIVERY_ARTICLE] });
      expect(standIn.requests.at(-1)?.authorization).toBe("Bearer sk-test");
    } finally {
      delete process.env.LOOPGATE_LLM_API_KEY;
    }
  });

  it("fails with the endpoint's status and words when the model refuses", async () => {
    const drafter = llmDrafter({ baseUrl: standIn.baseUrl, model: "tiny-model", apiKey: "wrong" });
    await expect(drafter.draft({ ticket: TICKET, intent: "card_delivery", articles: [] })).rejects.toThrow(
      /answered 401: .*Incorrect API key/,
    );
  });

  it("falls back to the templates when the model fails, reporting the first failure once", async () => {
    const failing = await startChatStandIn({ failWith: 503 });
    try {
      const errors: Error[] = [];
      const drafter = withFallback(
        llmDrafter({ baseUrl: failing.baseUrl, model: "tiny-model", apiKey: "k" }),
        templateDrafter,
        (error) => errors.push(error),
      );
      const request = { ticket: TICKET, intent: "card_delivery", articles: [DELIVERY_ARTICLE] };
      const text = await drafter.draft(request);
      await drafter.draft(request);
      expect(text).toBe(await templateDrafter.draft(request));
      expect(errors).toHaveLength(1);
      expect(errors[0]?.message).toMatch(/answered 503/);
      expect(failing.requests).toHaveLength(2);
    } finally {
      await failing.close();
    }
  });

  describe("drafting the agent's replies through Loopgate", () => {
    let t: TestServer;
    beforeAll(async () => {
      t = await startTestServer("sqlite", {
        policyFile: new URL("./test-fixtures/agent-policy.yaml", import.meta.url).pathname,
      });
    });
    afterAll(async () => t?.close());

    it("proposes the model's reply, wrapped with greeting, citations and sign-off, grounded in the evidence", async () => {
      const agent = new SupportAgent({
        loopgate: new Loopgate({ url: t.url, apiKey: await t.key("llm-bot", "agent") }),
        drafter: llmDrafter({ baseUrl: standIn.baseUrl, model: "tiny-model", apiKey: "sk-test" }),
      });
      const { first } = await agent.start(TICKET);
      const body = String(first.action.payload.body);
      expect(body.startsWith(`Hi ${TICKET.customer.name.split(" ")[0]},\n\n`)).toBe(true);
      expect(body).toContain("New Larkspur cards are posted the working day after you order them.");
      expect(body).toContain("Help centre: “");
      expect(first.signals.grounding).toBeGreaterThanOrEqual(0.8);
      expect(standIn.requests.at(-1)?.body.messages?.[1]?.content).toContain(TICKET.subject);
    });
  });
});
