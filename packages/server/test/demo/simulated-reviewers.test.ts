import type { Proposal, ReviewItem } from "@loopgate/sdk";
import { describe, expect, it } from "vitest";
import { ANSWERS } from "../../../../examples/support-desk/data/reply-templates.ts";
import { mulberry32 } from "../../../../examples/support-desk/random.ts";
import { buildTickets, type Ticket } from "../../../../examples/support-desk/tickets.ts";
import { decide } from "../../src/demo/simulated-reviewers.ts";

const TICKETS = buildTickets();
const BY_ID = new Map(TICKETS.map((t) => [t.id, t]));
const calm = TICKETS.find((t) => t.intent === "fees" && t.flavours.length === 0)!;
const angry = TICKETS.find((t) => t.intent === "top_up" && t.flavours.includes("angry"))!;
const refund = TICKETS.find((t) => t.intent === "duplicate_charge")!;
const move = TICKETS.find((t) => t.intent === "change_address")!;

function proposal(
  ticket: Ticket,
  type: string,
  payload: Record<string, unknown>,
  extra: object = {},
): Proposal {
  return {
    context: { ticket: ticket.id },
    action: { type, payload },
    signals: { agent: { intent: ticket.intent } },
    evidence: [],
    ...extra,
  } as unknown as Proposal;
}
const reply = (ticket: Ticket, intent = ticket.intent) =>
  proposal(
    ticket,
    "support.reply",
    {
      to: ticket.customer.email,
      body: `Hi ${ticket.customer.name},\n\nSome answer.\n\nKind regards,\nLarkspur Support`,
    },
    { signals: { agent: { intent } } },
  );
const review = (level = 0) => ({ level }) as ReviewItem;

/** The verdicts of `runs` independent decisions on the same packet. */
function verdicts(p: Proposal, r: ReviewItem, runs = 300) {
  const random = mulberry32(11);
  return Array.from({ length: runs }, () => decide(r, p, BY_ID, random));
}
const share = (list: { verdict: string }[], verdict: string) =>
  list.filter((d) => d.verdict === verdict).length / list.length;

describe("simulated reviewers decide as people would", () => {
  it("mostly approve a reply that answers the question, sometimes ask for more or escalate, rarely err", () => {
    const decisions = verdicts(reply(calm), review());
    expect(share(decisions, "approve")).toBeGreaterThan(0.8);
    expect(share(decisions, "request_info")).toBeGreaterThan(0);
    expect(share(decisions, "escalate")).toBeGreaterThan(0);
    expect(share(decisions, "reject") + share(decisions, "edit")).toBeLessThan(0.1); // the mistakes
  });

  it("rewrite a reply that answers the wrong question with the right answer, or reject it", () => {
    const decisions = verdicts(reply(calm, "card_delivery"), review());
    const edits = decisions.filter((d) => d.verdict === "edit");
    expect(edits.length / decisions.length).toBeGreaterThan(0.5);
    expect(String(edits[0]?.patch?.body)).toContain(ANSWERS.fees![0]!.slice(0, 40));
    expect(edits[0]).toMatchObject({ category: "wrong_answer" });
    expect(share(decisions, "reject")).toBeGreaterThan(0.2);
  });

  it("warm up the tone for an upset customer, and hand some escalated replies to a person", () => {
    const warmed = verdicts(reply(angry), review()).filter((d) => d.category === "wrong_tone");
    expect(warmed.length).toBeGreaterThan(100);
    expect(String(warmed[0]?.patch?.body)).toMatch(/^Hi [^\n]+\n\nI'm sorry this has been so frustrating/);
    expect(share(verdicts(reply(calm), review(1)), "handle_manually")).toBeGreaterThan(0.25);
  });

  it("approve a refund the account supports, halving some as goodwill; refuse a change without identity", () => {
    const payload = { amount: 40, currency: "EUR" };
    const refunds = verdicts(proposal(refund, "billing.refund", payload), review(1));
    expect(share(refunds, "approve")).toBeGreaterThan(0.75);
    expect(refunds.find((d) => d.verdict === "edit")?.patch).toEqual({ amount: 20 });
    const change = proposal(move, "account.update_details", {
      field: "address",
      newValue: move.facts.newValue,
    });
    expect(share(verdicts(change, review()), "reject")).toBeGreaterThan(0.9);
    const verified = proposal(
      move,
      "account.update_details",
      { newValue: move.facts.newValue },
      { evidence: [{ source: "identity" }] },
    );
    expect(share(verdicts(verified, review()), "approve")).toBeGreaterThan(0.9);
  });

  it("produce every kind of decision across the desk", () => {
    const all = [
      ...verdicts(reply(calm), review()),
      ...verdicts(reply(calm, "pin_reset"), review()),
      ...verdicts(reply(angry), review(1)),
      ...verdicts(proposal(refund, "billing.refund", { amount: 12 }), review(1)),
    ];
    expect(new Set(all.map((d) => d.verdict))).toEqual(
      new Set(["approve", "edit", "reject", "escalate", "request_info", "handle_manually"]),
    );
  });
});
