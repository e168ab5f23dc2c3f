// biome-ignore-all lint/suspicious/noThenProperty: the fake's rules are written `{ when, then }`, as documented.
// An agent's test, run by plain `node` against the built package: the fake decides, `gate` runs the
// approved (or edited) payload, and the typed errors come through. Prints what happened as JSON.
import { ActionRejectedError, gate, isSettled, Loopgate, NeedsInfoError, verifyGrant } from "@loopgate/sdk";
import { createFakeLoopgate } from "@loopgate/sdk/testing";

const fake = createFakeLoopgate({
  rules: [
    {
      when: { type: "billing.refund", payload: (p) => p.amount > 100 },
      then: { verdict: "edit", payload: (p) => ({ ...p, amount: 100 }), comment: "capped" },
    },
    { when: { type: "support.reply" }, then: { verdict: "approve", afterMs: 20 } },
    {
      when: { type: "account.delete" },
      then: { verdict: "reject", category: "policy_violation", comment: "never" },
    },
    { when: { type: "card.freeze", revision: 1 }, then: { verdict: "request_info", comment: "which card?" } },
  ],
  default: { verdict: "approve" },
});

const refund = await gate(
  fake,
  { type: "billing.refund", payload: { orderId: "o_1", amount: 250 } },
  (p) => ({
    refunded: p.amount,
  }),
);
const reply = await fake.gate(
  { type: "support.reply", payload: { to: "ada@example.com", body: "Hi" } },
  () => "sent",
);
const rejected = await fake
  .gate({ type: "account.delete", payload: { id: "c_1" } }, () => "deleted")
  .catch((e) => e);
const freeze = await fake.gate({ type: "card.freeze", payload: {} }, (p) => p.card, {
  onNeedsInfo: () => ({ action: { type: "card.freeze", payload: { card: "c_9" } } }),
});
const unanswered = await fake.gate({ type: "card.freeze", payload: {} }, () => "frozen").catch((e) => e);

const [grant, payload, publicKey] = JSON.parse(process.argv[2] ?? "[]");
console.log(
  JSON.stringify({
    refund: {
      result: refund.result,
      status: refund.proposal.status,
      settled: isSettled(refund.proposal.status),
    },
    reply: { result: reply.result, status: reply.proposal.status },
    rejected: { isTyped: rejected instanceof ActionRejectedError, comment: rejected.comment },
    freeze: { result: freeze.result, revision: freeze.proposal.revision },
    unanswered: { isTyped: unanswered instanceof NeedsInfoError, question: unanswered.question },
    results: fake.results.map((r) => r.status),
    client: typeof new Loopgate({ url: "http://127.0.0.1:1", apiKey: "lg_test" }).gate,
    grant: verifyGrant(grant, payload, publicKey).ok,
    tampered: verifyGrant(grant, { ...payload, amount: payload.amount + 1 }, publicKey),
  }),
);
