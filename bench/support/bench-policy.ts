/**
 * A 20-rule policy of realistic shape for the benchmarks: PII, topics, grounding, amounts, agent
 * confidence and payload fields, so every proposal evaluates twenty CEL conditions.
 */
export const BENCH_POLICY = `version: 1
defaults: { route: review, review: { sla: 4h, onExpiry: escalate } }
actions:
  support.reply:
    reversible: false
    payload: { type: object, required: [to, body], properties: { to: { type: string }, body: { type: string } } }
    execute: { via: agent }
    review: { queue: support, sla: 2h, escalateTo: support-leads }
  billing.refund:
    reversible: compensate
    payload: { type: object, required: [amount, currency, customerId], properties: { amount: { type: number }, currency: { type: string }, customerId: { type: string } } }
    execute: { via: agent }
    review: { queue: billing, approvals: 2 }
queues:
  support-leads: { sla: 1h, onExpiry: reject }
rules:
  - { id: card-number, when: signals.pii.cardNumber, route: block }
  - { id: iban, when: signals.pii.iban, route: escalate }
  - { id: national-id, when: signals.pii.nationalId, route: block }
  - { id: legal, when: '"legal" in signals.topics', route: escalate, queue: support-leads }
  - { id: regulator, when: '"regulator" in signals.topics', route: escalate, queue: support-leads }
  - { id: self-harm, when: '"self_harm" in signals.topics', route: escalate, queue: support-leads }
  - { id: chargeback, when: '"chargeback" in signals.topics', route: review }
  - { id: angry, when: 'signals.sentiment != null && signals.sentiment < -0.6', route: review }
  - { id: no-evidence, when: 'action.type == "support.reply" && size(evidence) == 0', route: needs_info }
  - { id: low-grounding, when: 'signals.grounding != null && signals.grounding < 0.3', route: review }
  - { id: huge-refund, when: 'action.type == "billing.refund" && action.payload.amount > 1000', route: escalate }
  - { id: large-refund, when: 'action.type == "billing.refund" && action.payload.amount > 100', route: review }
  - { id: gbp-refund, when: 'action.type == "billing.refund" && action.payload.currency == "GBP"', route: review }
  - { id: vip, when: 'has(context.tier) && context.tier == "vip"', route: review }
  - { id: low-confidence, when: 'agentConfidence < 0.5', route: review }
  - { id: margin, when: 'has(signals.agent.margin) && signals.agent.margin < 0.1', route: review }
  - { id: long-draft, when: 'action.type == "support.reply" && size(action.payload.body) > 4000', route: review }
  - { id: small-refund, when: 'action.type == "billing.refund" && action.payload.amount <= 20 && agentConfidence >= 0.9', route: auto }
  - { id: confident-grounded, when: 'action.type == "support.reply" && agentConfidence >= 0.9 && signals.grounding >= 0.8', route: auto }
  - { id: threshold, when: 'confidence >= thresholds.auto', route: auto }
`;

/** A typical support-reply proposal of about 1 KB, varied by `i`. */
export function benchProposal(i: number): unknown {
  return proposalWith(String(i), confidenceOf(i), String(i % 5000));
}

/**
 * {@link benchProposal} as the JSON text a client sends: exactly `JSON.stringify(benchProposal(i))`,
 * filled into the text serialised once with placeholders. The load generator shares the cores it
 * measures, and serialising the object for every request cost it ~2.5 µs a request.
 */
export function benchBody(i: number): string {
  let text = BODY_PARTS[0]!;
  for (let k = 1; k < BODY_PARTS.length; k += 2) {
    const hole = BODY_PARTS[k];
    text += hole === REF ? String(i) : hole === ENTITY ? String(i % 5000) : `${confidenceOf(i)}`;
    text += BODY_PARTS[k + 1]!;
  }
  return text;
}

const confidenceOf = (i: number): number => 0.62 + (i % 30) / 100;

function proposalWith(ref: string, agentConfidence: number, entity: string): unknown {
  return {
    action: {
      type: "support.reply",
      payload: {
        to: `customer${ref}@example.com`,
        body: `Hi, thanks for getting in touch. Your new card was sent on Monday and usually arrives within five working days. If it has not arrived by Friday, reply and we will send another one. Reference ${ref}.`,
      },
    },
    request: {
      text: "I ordered a new card last week and it still has not arrived. When will it come?",
      channel: "email",
    },
    summary: "Tell the customer when the replacement card arrives",
    evidence: [
      {
        source: "kb",
        id: "kb-12",
        title: "Card delivery times",
        snippet: "New cards are sent within one working day and usually arrive within five working days.",
        score: 0.84,
      },
      {
        source: "kb",
        id: "kb-13",
        title: "Card not arrived",
        snippet: "If a card has not arrived after seven working days we send another one.",
        score: 0.71,
      },
    ],
    signals: { agentConfidence, agent: { margin: 0.3 } },
    context: { entity: `customer:c_${entity}` },
  };
}

const REF = "@@ref@@";
const ENTITY = "@@entity@@";
/** A number no proposal holds, standing for the agent's confidence in the template. */
const CONFIDENCE = "123456.789";

/** The body's JSON text split around its placeholders: text, placeholder, text, …, text. */
const BODY_PARTS = JSON.stringify(proposalWith(REF, Number(CONFIDENCE), ENTITY)).split(
  new RegExp(`(${REF}|${ENTITY}|${CONFIDENCE.replace(".", "\\.")})`),
);
