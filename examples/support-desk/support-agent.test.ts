import { Loopgate, type Proposal } from "@loopgate/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../packages/server/test/http/test-server.ts";
import { SupportAgent } from "./support-agent.ts";
import { buildTickets, type Ticket } from "./tickets.ts";

const POLICY = new URL("./test-fixtures/agent-policy.yaml", import.meta.url).pathname;
const TICKETS = buildTickets();

/** A demo ticket of the given intent, without legal or regulator wording, adjusted by `change`. */
function ticketOf(
  intent: string,
  change: (ticket: Ticket) => Partial<Ticket> = () => ({}),
  flavoured = false,
): Ticket {
  const ticket = TICKETS.find(
    (t) => t.intent === intent && (flavoured ? t.flavours.includes("card_number") : t.flavours.length === 0),
  );
  if (ticket === undefined) throw new Error(`no ${intent} ticket`);
  return { ...ticket, ...change(ticket) };
}

let t: TestServer;
let reviewer: Loopgate;
let agent: SupportAgent;
const executed: { type: string; payload: Record<string, unknown> }[] = [];

beforeAll(async () => {
  t = await startTestServer("sqlite", { policyFile: POLICY, config: { timerIntervalMs: 100 } });
  reviewer = new Loopgate({ url: t.url, apiKey: await t.key("rita", "reviewer") });
  const run = (type: string) => async (payload: Record<string, unknown>) => {
    executed.push({ type, payload });
    return { ok: true, type };
  };
  agent = new SupportAgent({
    loopgate: new Loopgate({ url: t.url, apiKey: await t.key("support-bot", "agent") }),
    executors: Object.fromEntries(
      ["support.reply", "billing.refund", "card.freeze", "account.update_details"].map((type) => [
        type,
        run(type),
      ]),
    ),
    waitTimeoutMs: 15_000,
    infoPollMs: 200,
  });
});
afterAll(async () => t?.close());

/** The open review of a proposal, once it is waiting (at the given revision). */
async function openReview(proposalId: string, revision = 1): Promise<Proposal> {
  for (let i = 0; i < 100; i++) {
    const proposal = await reviewer.getProposal(proposalId);
    if (proposal.revision >= revision && proposal.status === "pending_review" && proposal.review)
      return proposal;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`proposal ${proposalId} never waited for review at revision ${revision}`);
}

/** The open review of the ticket's proposal of the given action type, once the agent has made it. */
async function reviewOfTicket(ticketId: string, actionType: string) {
  for (let i = 0; i < 150; i++) {
    for (const item of (await reviewer.listReviews({ actionType, limit: 100 })).items) {
      if ((await reviewer.getProposal(item.proposalId)).context.ticket === ticketId) return item;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no ${actionType} review for ticket ${ticketId}`);
}

describe("the support agent handles every Loopgate outcome", () => {
  it("approve: runs the approved reply and reports the result", async () => {
    const ticket = ticketOf("out_of_scope");
    const { first, finished } = await agent.start(ticket);
    expect(first.status).toBe("pending_review");
    expect(first.action.payload.to).toBe(ticket.customer.email);
    expect(first.signals.agentConfidence).toBeGreaterThan(0);
    expect(first.evidence.filter((e) => e.source === "kb").length).toBeGreaterThan(0);
    await reviewer.decide(first.review!.id, { verdict: "approve" });
    const [outcome] = await finished;
    expect(outcome).toMatchObject({
      step: "reply",
      status: "approved",
      executedPayload: first.action.payload,
    });
    expect(executed.at(-1)).toEqual({ type: "support.reply", payload: first.action.payload });
    expect((await reviewer.getProposal(first.id)).execution.status).toBe("executed");
  });

  it("edit: runs exactly the edited payload", async () => {
    const ticket = ticketOf("statements", (t) => ({ id: `${t.id}-edit` }));
    const { first, finished } = await agent.start(ticket);
    const edited = {
      to: ticket.customer.email,
      body: "Hi,\n\nStatements are under Profile, Statements.\n\nSam",
    };
    await reviewer.decide(first.review!.id, { verdict: "edit", payload: edited, category: "wrong_tone" });
    const [outcome] = await finished;
    expect(outcome).toMatchObject({ status: "approved_with_edits", executedPayload: edited });
    expect(executed.at(-1)?.payload).toEqual(edited);
  });

  it("reject: runs nothing", async () => {
    const ticket = ticketOf("fees", (t) => ({ id: `${t.id}-reject` }));
    const before = executed.length;
    const { first, finished } = await agent.start(ticket);
    await reviewer.decide(first.review!.id, {
      verdict: "reject",
      category: "wrong_answer",
      comment: "Not this",
    });
    expect(await finished).toEqual([expect.objectContaining({ status: "rejected", executedPayload: null })]);
    expect(executed.length).toBe(before);
  });

  it("request_info: answers with the customer's record and more articles, then runs the approved revision", async () => {
    const ticket = ticketOf("top_up", (t) => ({ id: `${t.id}-info` }));
    const { first, finished } = await agent.start(ticket);
    await reviewer.decide(first.review!.id, { verdict: "request_info", comment: "Show me the account" });
    const revised = await openReview(first.id, 2);
    expect(
      revised.evidence.some((e) => e.source === "crm" && e.snippet?.includes(ticket.customer.name)),
    ).toBe(true);
    expect(revised.info.at(-1)?.message).toContain("Show me the account");
    await reviewer.decide(revised.review!.id, { verdict: "approve" });
    expect(await finished).toEqual([expect.objectContaining({ status: "approved" })]);
  });

  it("block: a draft repeating a pasted card number never runs, and the reason is returned", async () => {
    const ticket = ticketOf("card_delivery", () => ({}), true);
    const before = executed.length;
    const { first, finished } = await agent.start(ticket);
    expect(first.status).toBe("blocked");
    expect(first.route.reasons.map((r) => r.rule)).toContain("card-number-in-draft");
    expect(await finished).toEqual([expect.objectContaining({ status: "blocked", executedPayload: null })]);
    expect(executed.length).toBe(before);
  });

  it("expiry: a review nobody decides in time expires and nothing runs", async () => {
    const ticket = ticketOf("mobile_wallet", (t) => ({ id: `X-${t.id}` }));
    const { first, finished } = await agent.start(ticket);
    expect(first.review?.queue).toBe("expiring");
    expect(await finished).toEqual([expect.objectContaining({ status: "expired", executedPayload: null })]);
  });

  it("needs_info from the policy: does the identity check, then changes the address and tells the customer", async () => {
    const ticket = ticketOf("change_address", (t) => ({
      id: `${t.id}-idv`,
      customer: { ...t.customer, verified: false, completesVerification: true },
    }));
    const { first, finished } = await agent.start(ticket);
    expect(first.status).toBe("needs_info");
    const revised = await openReview(first.id, 2);
    expect(revised.evidence.some((e) => e.source === "identity")).toBe(true);
    expect(revised.action.payload).toMatchObject({ field: "address", newValue: ticket.facts.newValue });
    await reviewer.decide(revised.review!.id, { verdict: "approve" });
    const reply = await reviewOfTicket(ticket.id, "support.reply");
    await reviewer.decide(reply.id, { verdict: "approve" });
    const [action, told] = await finished;
    expect(action).toMatchObject({
      step: "action",
      status: "approved",
      executedPayload: revised.action.payload,
    });
    expect(told).toMatchObject({ step: "reply", status: "approved" });
    expect(String(told?.executedPayload?.body)).toContain(String(ticket.facts.newValue));
  });

  it("needs_info the customer never answers: gives up when the wait runs out, with nothing run", async () => {
    const ticket = ticketOf("change_name", (t) => ({
      id: `${t.id}-noidv`,
      customer: { ...t.customer, verified: false, completesVerification: false },
    }));
    const quick = new SupportAgent({
      loopgate: new Loopgate({ url: t.url, apiKey: await t.key("quick-bot", "agent") }),
      waitTimeoutMs: 1_000,
      infoPollMs: 200,
    });
    const { first, finished } = await quick.start(ticket);
    expect(first.status).toBe("needs_info");
    expect(await finished).toEqual([
      expect.objectContaining({ status: "needs_info", executedPayload: null }),
    ]);
  });

  it("needs_info for a refund: attaches the ledger record from the archive", async () => {
    const base = ticketOf("duplicate_charge");
    const ticket: Ticket = {
      ...base,
      id: `${base.id}-archive`,
      ledger: base.ledger.map((entry) =>
        entry.merchant === base.facts.merchant ? { ...entry, daysAgo: 60 } : entry,
      ),
    };
    const { first } = await agent.start(ticket);
    expect(first.status).toBe("needs_info");
    const revised = await openReview(first.id, 2);
    expect(
      revised.evidence.some((e) => e.source === "ledger" && e.id === revised.action.payload.transactionId),
    ).toBe(true);
    expect(revised.toolCalls.map((c) => c.name)).toContain("get_ledger_record");
  });
});
