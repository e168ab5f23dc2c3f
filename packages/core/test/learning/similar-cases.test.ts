import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { rankSimilarCases } from "../../src/learning/similar-cases.ts";

const BANKING77 = resolve(import.meta.dirname, "../../../../../shared/datasets/banking77/train.csv");

describe("rankSimilarCases", () => {
  const cases = [
    { id: "p_1", text: "Charged twice for the same order, please refund one" },
    { id: "p_2", text: "How do I change my address?" },
    { id: "p_3", text: "My card was charged twice at the same shop" },
    { id: "p_4", text: "Where is my new card? It has not arrived" },
  ];

  it("puts the cases that share the rare words first, and leaves out those sharing nothing", () => {
    const ranked = rankSimilarCases("I was charged twice for my order", cases, { limit: 5 });
    expect(ranked.map((r) => r.id)).toEqual(["p_1", "p_3"]);
    expect(ranked[0]!.similarity).toBeGreaterThan(ranked[1]!.similarity);
    for (const r of ranked) expect(r.similarity).toBeLessThanOrEqual(1);
  });

  it("scores an identical text 1, honours the limit and the floor, and answers nothing for no words", () => {
    expect(rankSimilarCases(cases[1]!.text, cases, { limit: 1 })).toEqual([{ id: "p_2", similarity: 1 }]);
    expect(rankSimilarCases("charged twice", cases, { limit: 1 })).toHaveLength(1);
    expect(rankSimilarCases("charged twice", cases, { limit: 5, minSimilarity: 0.99 })).toEqual([]);
    expect(rankSimilarCases("the and of", cases, { limit: 5 })).toEqual([]);
    expect(rankSimilarCases("charged", [], { limit: 5 })).toEqual([]);
  });

  it.skipIf(!existsSync(BANKING77))(
    "on Banking77's real queries, the most similar past query shares the intent ~30 times more often than chance",
    () => {
      const rows = readFileSync(BANKING77, "utf8")
        .split("\n")
        .slice(1)
        .filter((line) => line.trim() !== "" && !line.startsWith('"'))
        .map((line) => {
          const comma = line.lastIndexOf(",");
          return { text: line.slice(0, comma), category: line.slice(comma + 1).trim() };
        });
      // The file is grouped by intent: every 50th query is a case under review, 4 in 5 of the others
      // are the past cases (200 a probe, as the server compares), so every intent is on both sides.
      const probes = rows.filter((_, i) => i % 50 === 0);
      const pool = rows
        .filter((_, i) => i % 50 !== 0 && i % 5 !== 0)
        .map((row, i) => ({ id: String(i), ...row }));
      const past = (i: number) => pool.filter((_, j) => j % 40 === i % 40);
      let same = 0;
      let answered = 0;
      probes.forEach((probe, i) => {
        const [top] = rankSimilarCases(probe.text, past(i), { limit: 1 });
        if (top === undefined) return;
        answered += 1;
        if (pool[Number(top.id)]!.category === probe.category) same += 1;
      });
      // 77 intents, ~3 past cases of each in a pool of ~217: picking at random would match ~1.3 % of
      // the time. The most similar case shares the intent ~43 % of the time (73 of 171).
      expect(answered).toBeGreaterThan(probes.length * 0.9);
      expect(same / answered).toBeGreaterThan(0.35);
    },
  );
});
