import { join } from "node:path";
import { addUser } from "../../../src/app/people.ts";
import { SYSTEM_ACTOR } from "../../../src/app/principal.ts";
import type { ServerOptions } from "../../../src/http/start-server.ts";
import { startTestServer, type TestServer } from "../../http/test-server.ts";

export const DESK_POLICY = join(import.meta.dirname, "..", "fixtures", "desk-policy.yaml");
export const PASSWORD = "correct horse battery staple";

/** A server with the desk policy, an agent key and people who sign in with {@link PASSWORD}. */
export interface Desk extends TestServer {
  agentKey: string;
  /** Submits a proposal as the agent and returns the API's answer. */
  propose(body: unknown): Promise<any>;
  /** Withdraws every open proposal (as the agent), so a test starts from an empty inbox. */
  clearQueue(): Promise<void>;
  /** A proposal as an owner reads it (unmasked). */
  read(proposalId: string): Promise<any>;
  addPerson(
    name: string,
    role: "reviewer" | "owner" | "auditor",
    options?: { queues?: string[]; pii?: boolean },
  ): Promise<void>;
}

export async function startDesk(options: Partial<ServerOptions> = {}): Promise<Desk> {
  const server = await startTestServer("sqlite", { policyFile: DESK_POLICY, ...options });
  const agentKey = await server.key("support-bot", "agent");
  const ownerKey = await server.key("desk-owner", "owner");
  return {
    ...server,
    agentKey,
    async propose(body) {
      const answer = await server.call("POST", "/v1/proposals", { key: agentKey, body });
      if (answer.status !== 201)
        throw new Error(`propose failed: ${answer.status} ${JSON.stringify(answer.body)}`);
      return answer.body;
    },
    async clearQueue() {
      const open = await server.call("GET", "/v1/reviews?limit=500", { key: ownerKey });
      for (const item of open.body.items as { proposalId: string }[]) {
        await server.call("POST", `/v1/proposals/${item.proposalId}/cancel`, { key: agentKey, body: {} });
      }
    },
    async read(proposalId) {
      return (await server.call("GET", `/v1/proposals/${proposalId}`, { key: ownerKey })).body;
    },
    async addPerson(name, role, options = {}) {
      await addUser(
        server.server.deps.store,
        { name, role, password: PASSWORD, ...options },
        { now: () => new Date().toISOString(), ids: server.server.deps.newId, actor: SYSTEM_ACTOR },
      );
    },
  };
}

/** A customer reply proposal with evidence, an entity and a rollback plan. */
export function replyProposal(body: string, extra: Record<string, unknown> = {}) {
  return {
    action: { type: "support.reply", payload: { to: "anna@example.com", body } },
    request: {
      text: "Where is my new card? I ordered it last week.",
      channel: "email",
      from: "anna@example.com",
    },
    summary: `Reply: ${body.slice(0, 40)}`,
    evidence: [
      {
        source: "kb",
        id: "kb-12",
        title: "Card delivery",
        snippet: "Cards arrive within 5 working days.",
        score: 0.82,
      },
    ],
    toolCalls: [{ name: "lookup_order", input: { customer: "c_1" }, output: { ordered: "2026-11-20" } }],
    signals: { agentConfidence: 0.74 },
    context: { entity: "customer:c_1" },
    alternatives: [{ summary: "Ask for the order number first" }],
    rollbackPlan: "Send a correction email",
    ...extra,
  };
}

/** A packet with a long request and plenty of evidence: a page several screens long, more so on a phone. */
export function longReplyProposal() {
  const proposal = replyProposal("Your card shipped on 26 November and arrives within 5 working days.");
  return {
    ...proposal,
    request: { ...proposal.request, text: "Where is my new card? ".repeat(40) },
    evidence: Array.from({ length: 6 }, (_, i) => ({
      source: "kb",
      id: `kb-${i}`,
      title: `Card delivery, part ${i + 1}`,
      snippet: "Cards arrive within 5 working days of the order; express delivery takes two. ".repeat(4),
      score: 0.8 - i / 20,
    })),
  };
}

export function refundProposal(amount: number, customerId = "c_1") {
  return {
    action: { type: "billing.refund", payload: { amount, currency: "EUR", customerId } },
    request: { text: "I was charged twice", channel: "email" },
    summary: `Refund ${amount} EUR to ${customerId}`,
    evidence: [
      { source: "billing", id: "tx-9", snippet: "Two charges of the same amount on 2026-11-20", score: 0.9 },
    ],
    signals: { agentConfidence: 0.9 },
    context: { entity: `customer:${customerId}` },
    rollbackPlan: "Charge the amount again",
  };
}
