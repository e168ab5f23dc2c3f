import { describe, expect, it } from "vitest";
import { DEFAULT_TOPICS } from "../../src/signals/default-topics.ts";
import { groundingScore } from "../../src/signals/grounding.ts";
import { forEachSentimentToken, sentimentScore } from "../../src/signals/sentiment.ts";
import { contentStems, splitSentences, stem, tokenize } from "../../src/signals/text-tokens.ts";
import { findTopics } from "../../src/signals/topics.ts";

describe("findTopics", () => {
  it("finds whole words and phrases, case-insensitively, with plurals and hyphen variants", () => {
    expect(findTopics(["I have spoken to my LAWYERS"], DEFAULT_TOPICS)).toEqual(["legal"]);
    expect(findTopics(["I'll file a charge-back"], DEFAULT_TOPICS)).toEqual(["chargeback"]);
    expect(findTopics(["complaint to the Financial Ombudsman"], DEFAULT_TOPICS)).toEqual(["regulator"]);
    expect(findTopics(["I want to end my life"], DEFAULT_TOPICS)).toEqual(["self_harm"]);
    expect(findTopics(["my husband passed away last month", "I don’t want to live"], DEFAULT_TOPICS)).toEqual(
      ["self_harm", "vulnerability"],
    );
    expect(findTopics(["someone made an unauthorised charge on my card"], DEFAULT_TOPICS)).toEqual(["fraud"]);
  });

  it("does not match inside other words or across texts", () => {
    expect(
      findTopics(["thanks for your courtesy", "a legalistic reading", "Hi Sue"], DEFAULT_TOPICS),
    ).toEqual([]);
    expect(findTopics(["legal", "action"], { legal: ["legal action"] })).toEqual([]);
    expect(findTopics([], DEFAULT_TOPICS)).toEqual([]);
  });

  it("uses the topics it is given, in their order", () => {
    const topics = { b: ["refund"], a: ["c++ bug"], empty: [] };
    expect(findTopics(["Refunds and a C++ bug"], topics)).toEqual(["b", "a"]);
  });

  it("finds each topic even where another topic's phrase covers its word", () => {
    const topics = { legal: ["legal action"], action: ["action"], none: ["refund"] };
    expect(findTopics(["We will take legal action"], topics)).toEqual(["legal", "action"]);
    expect(findTopics(["No topic here"], topics)).toEqual([]);
    expect(findTopics(["anything"], { empty: [], blank: ["  "] })).toEqual([]);
  });
});

describe("splitSentences", () => {
  it("splits as /(?<=[.!?…])\\s+|\\s*\\n\\s*/ does, trimmed and without empty pieces", () => {
    const pattern = /(?<=[.!?…])\s+|\s*\n\s*/;
    const bySplit = (text: string) =>
      text
        .split(pattern)
        .map((part) => part.trim())
        .filter((part) => part.length > 0);
    // Every string of up to four of these pieces: sentence ends, commas, ASCII and Unicode spaces, line breaks.
    const pieces = [
      "a",
      "b.",
      " ",
      "\n",
      "!",
      "?",
      "…",
      ",",
      "\t",
      "\u00a0",
      "\u2003",
      "\r\n",
      "\ufeff",
      "\u2028",
    ];
    let texts = [""];
    for (let length = 1; length <= 4; length++) {
      texts = texts.flatMap((text) => pieces.map((piece) => text + piece));
      for (const text of texts) expect(splitSentences(text), JSON.stringify(text)).toEqual(bySplit(text));
    }
  });
});

describe("text tokens", () => {
  it("tokenises, stems and drops stopwords", () => {
    expect(tokenize("We'll refund €25.00 today.")).toEqual(["well", "refund", "25", "today"]);
    expect(stem("refunded")).toBe(stem("refunds"));
    expect(stem("charged")).toBe(stem("charge"));
    expect(stem("shipping")).toBe(stem("shipped"));
    expect(stem("process")).toBe("process");
    expect([...contentStems("Your refund was processed on Monday")]).toEqual(["refund", "process", "monday"]);
    expect(splitSentences("Hi Anna,\nIt shipped. Really? Yes!")).toEqual([
      "Hi Anna,",
      "It shipped.",
      "Really?",
      "Yes!",
    ]);
  });
});

describe("groundingScore", () => {
  const snippets = [
    "Duplicate charges are refunded automatically within 5 business days of the request.",
    "Orders ship from our Leeds warehouse; standard delivery takes 2-3 working days.",
  ];

  it("scores a draft whose claims are in the evidence as 1, ignoring greeting and sign-off", () => {
    const draft =
      "Hi Anna,\n\nThe duplicate charge will be refunded within 5 business days. Your order ships from our Leeds warehouse.\n\nBest regards,\nSam";
    expect(groundingScore(draft, snippets)).toBe(1);
  });

  it("scores unsupported claims as unsupported", () => {
    const draft =
      "Hi Anna, we have added a £50 voucher to your account as compensation. The duplicate charge will be refunded within 5 business days.";
    expect(groundingScore(draft, snippets)).toBe(0.5);
    expect(
      groundingScore("Our CEO personally guarantees free flights for life to every customer.", snippets),
    ).toBe(0);
  });

  it("needs the claim in a single snippet, not scattered over several", () => {
    const scattered = ["warehouse one", "refund two", "leeds three", "duplicate four"];
    expect(groundingScore("The Leeds warehouse will refund the duplicate.", scattered)).toBe(0);
  });

  it("is 0 without evidence and null without anything to ground", () => {
    expect(groundingScore("Your refund of the duplicate charge is on its way.", [])).toBe(0);
    expect(groundingScore("", snippets)).toBeNull();
    expect(groundingScore("Hi Anna,\nThanks!\nBest regards,\nSam", snippets)).toBeNull();
  });
});

describe("sentimentScore", () => {
  it("scores an angry message strongly negative", () => {
    expect(sentimentScore("This is UNACCEPTABLE. You charged me twice and I am furious!")).toBeLessThan(-0.7);
    expect(sentimentScore("Worst service ever, a total scam")).toBeLessThan(-0.7);
  });

  it("scores a happy message positive", () => {
    expect(sentimentScore("Thanks so much, that was really helpful and the team was great")).toBeGreaterThan(
      0.7,
    );
  });

  it("scores a neutral message 0 and a blank one null", () => {
    expect(sentimentScore("My order number is 12345 and it was sent on Monday.")).toBe(0);
    expect(sentimentScore("   ")).toBeNull();
  });

  it("handles negation, intensifiers and shouting", () => {
    const happy = sentimentScore("I am happy")!;
    expect(sentimentScore("I am not happy")).toBeLessThan(0);
    expect(sentimentScore("I am not unhappy, just curious")).toBeGreaterThanOrEqual(0);
    expect(sentimentScore("I am very happy")).toBeGreaterThan(happy);
    expect(sentimentScore("this is BAD")).toBeLessThan(sentimentScore("this is bad")!);
    expect(sentimentScore("not happy. Great support though")).toBeGreaterThan(0);
  });

  it("lets what follows 'but' outweigh what precedes it", () => {
    expect(sentimentScore("The app is great but the delivery was terrible")).toBeLessThan(0);
  });

  it("reads the tokens of its pattern, scanned by hand", () => {
    const pattern = /[A-Za-z]+(?:['’][A-Za-z]+)*|[.!?;,]/g;
    const alphabet = [
      "a",
      "B",
      "z",
      "Q",
      "'",
      "’",
      " ",
      ".",
      "!",
      "?",
      ";",
      ",",
      "-",
      "1",
      "é",
      "\n",
      "ß",
      "_",
    ];
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const texts = ["I don't like it, at ALL!", "rock'n'roll isn’t it''s", "'quoted' ends'", ""];
    for (let t = 0; t < 2000; t++) {
      texts.push(
        Array.from(
          { length: 1 + Math.floor(random() * 30) },
          () => alphabet[Math.floor(random() * alphabet.length)],
        ).join(""),
      );
    }
    for (const text of texts) {
      const scanned: (string | null)[] = [];
      forEachSentimentToken(text, (token) => scanned.push(token));
      const matched = [...text.matchAll(pattern)].map(([token]) => (/^[A-Za-z]/.test(token) ? token : null));
      expect(scanned, JSON.stringify(text)).toEqual(matched);
    }
  });

  it("stays within [-1, 1]", () => {
    expect(sentimentScore("furious ".repeat(1000))).toBeGreaterThanOrEqual(-1);
    expect(sentimentScore("amazing ".repeat(1000))).toBeLessThanOrEqual(1);
  });
});
