import { describe, expect, it } from "vitest";
import { computeSignals, type SignalInput } from "../../src/signals/compute-signals.ts";
import { DEFAULT_TOPICS } from "../../src/signals/default-topics.ts";
import { Signals } from "../../src/wire/proposal.ts";

const base: SignalInput = {
  action: {
    type: "support.reply",
    payload: {
      to: "anna@example.com",
      body: "Hi Anna,\nThe duplicate charge will be refunded within 5 business days.\nBest regards,\nSam",
      amount: 42.5,
    },
  },
  request: {
    subject: "Charged twice",
    text: "You charged me twice. This is ridiculous, I will contact my bank.",
  },
  summary: "Refund a duplicate charge",
  evidence: [{ title: "Refund policy", snippet: "Duplicate charges are refunded within 5 business days." }],
  supplied: { agentConfidence: 0.82, agent: { retrievalScore: 0.9, validated: true } },
  settings: { topics: DEFAULT_TOPICS, amountField: null, draftField: null },
};

describe("computeSignals", () => {
  it("computes every built-in signal of a typical proposal", () => {
    const signals = computeSignals(base);
    expect(Signals.parse(signals)).toEqual(signals);
    expect(signals).toMatchObject({
      pii: { email: true, phone: false, cardNumber: false, iban: false, nationalId: false, any: true },
      topics: ["chargeback"],
      grounding: 1,
      amount: 42.5,
      novelty: null,
      history: { overrideRate: null },
      agentConfidence: 0.82,
      agent: { retrievalScore: 0.9, validated: true },
    });
    expect(signals.sentiment).toBeLessThan(-0.3);
  });

  it("looks for topics in the summary and payload too, but PII only in the payload", () => {
    const signals = computeSignals({
      ...base,
      request: { text: "my number is +44 20 7946 0958" },
      summary: "Customer mentions a lawsuit",
      action: { type: "support.reply", payload: { note: "ombudsman" } },
    });
    expect(signals.topics).toEqual(["legal", "regulator"]);
    expect(signals.pii.any).toBe(false);
    expect(signals.grounding).toBeNull();
    expect(signals.amount).toBeNull();
  });

  it("reads the amount and the draft from the configured fields", () => {
    const signals = computeSignals({
      ...base,
      action: {
        type: "billing.refund",
        payload: { refund: { total: "19.99" }, message: "Unrelated claims about free flights for everyone." },
      },
      settings: { ...base.settings, amountField: "refund.total", draftField: "message" },
    });
    expect(signals.amount).toBe(19.99);
    expect(signals.grounding).toBe(0);
    const notANumber = computeSignals({ ...base, action: { type: "x", payload: { amount: "€20" } } });
    expect(notANumber.amount).toBeNull();
  });

  it("gives null sentiment without a request and passes no agent signals through as {}", () => {
    const signals = computeSignals({ ...base, request: null, supplied: {} });
    expect(signals.sentiment).toBeNull();
    expect(signals.agentConfidence).toBeNull();
    expect(signals.agent).toEqual({});
  });
});
