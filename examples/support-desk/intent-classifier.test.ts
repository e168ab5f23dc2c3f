import { describe, expect, it } from "vitest";
import { TRAINING_EXAMPLES } from "./data/training-examples.ts";
import { IntentClassifier } from "./intent-classifier.ts";
import { KnowledgeIndex } from "./knowledge-index.ts";
import { buildTickets, TICKET_COUNTS } from "./tickets.ts";

describe("the intent classifier and the retrieval index", () => {
  const classifier = IntentClassifier.train(TRAINING_EXAMPLES);
  const tickets = buildTickets();

  it("is accurate on the demo tickets, which it never saw in training", () => {
    let right = 0;
    const perIntent = new Map<string, { right: number; total: number }>();
    for (const ticket of tickets) {
      const ok = classifier.predict(`${ticket.subject}\n${ticket.text}`).intent === ticket.intent;
      right += ok ? 1 : 0;
      const row = perIntent.get(ticket.intent) ?? { right: 0, total: 0 };
      perIntent.set(ticket.intent, { right: row.right + (ok ? 1 : 0), total: row.total + 1 });
    }
    const accuracy = right / tickets.length;
    const trainingSize = Object.values(TRAINING_EXAMPLES).reduce((n, texts) => n + texts.length, 0);
    console.log(
      `intent accuracy on ${tickets.length} held-out tickets: ${(accuracy * 100).toFixed(1)}% (trained on ${trainingSize} labelled examples)\n` +
        [...perIntent].map(([intent, row]) => `  ${intent.padEnd(22)} ${row.right}/${row.total}`).join("\n"),
    );
    expect(accuracy).toBeGreaterThan(0.9);
  });

  it("is unsure when it is wrong: misread tickets have low probability and a thin margin", () => {
    const misread = tickets
      .map((ticket) => ({ ticket, prediction: classifier.predict(`${ticket.subject}\n${ticket.text}`) }))
      .filter(({ ticket, prediction }) => prediction.intent !== ticket.intent);
    for (const { prediction } of misread) {
      expect(prediction.probability).toBeLessThan(0.6);
      expect(prediction.margin).toBeLessThan(0.3);
    }
  });

  it("is deterministic and reports probabilities that add up to one", () => {
    const again = IntentClassifier.train(TRAINING_EXAMPLES);
    const text = "I was charged twice at the cafe";
    expect(again.predict(text)).toEqual(classifier.predict(text));
    const { ranked, probability, margin } = classifier.predict(text);
    expect(ranked.reduce((sum, r) => sum + r.probability, 0)).toBeCloseTo(1, 10);
    expect(margin).toBeCloseTo(probability - ranked[1]!.probability, 10);
  });

  it("retrieves an article written for the ticket's intent first for most tickets", () => {
    const index = new KnowledgeIndex();
    const hits = tickets.filter((ticket) =>
      index.search(`${ticket.subject}\n${ticket.text}`)[0]?.article.intents.includes(ticket.intent),
    ).length;
    console.log(
      `retrieval: the top article answers the ticket's intent for ${hits}/${tickets.length} tickets`,
    );
    expect(hits / tickets.length).toBeGreaterThan(0.8);
    const [top] = index.search("my card never arrived in the post");
    expect(top?.article.intents).toContain("card_delivery");
    expect(top!.score).toBeGreaterThan(0);
    expect(top!.score).toBeLessThan(1);
  });

  it("holds 320 tickets with every kind the desk sees", () => {
    expect(tickets).toHaveLength(Object.values(TICKET_COUNTS).reduce((a, b) => a + b, 0));
    expect(new Set(tickets.map((t) => t.text)).size).toBeGreaterThan(300);
    for (const flavour of ["angry", "legal", "regulator", "card_number"] as const) {
      expect(tickets.some((t) => t.flavours.includes(flavour))).toBe(true);
    }
    expect(buildTickets()).toEqual(tickets);
  });
});
