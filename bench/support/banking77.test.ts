import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BANKING77_DIR, loadBanking77, parseCsv, seededSplit } from "./banking77.ts";
import { trainNaiveBayes } from "./intent-classifier.ts";
import { indexQueries } from "./nearest-queries.ts";

describe("Banking77 support for the calibration benchmark", () => {
  it("parses quoted CSV fields with commas, quotes and newlines", () => {
    expect(parseCsv('text,category\n"a, ""b""\nc",x\r\nplain,y\n')).toEqual([
      ["text", "category"],
      ['a, "b"\nc', "x"],
      ["plain", "y"],
    ]);
  });

  it("splits deterministically into disjoint parts of the given shares", () => {
    const items = Array.from({ length: 100 }, (_, i) => i);
    const [a, b, c] = seededSplit(items, 7, [0.6, 0.2, 0.2]);
    expect([a!.length, b!.length, c!.length]).toEqual([60, 20, 20]);
    expect(new Set([...a!, ...b!, ...c!]).size).toBe(100);
    expect(seededSplit(items, 7, [0.6, 0.2, 0.2])).toEqual([a, b, c]);
    expect(seededSplit(items, 8, [0.6, 0.2, 0.2])[0]).not.toEqual(a);
  });

  it("classifies and retrieves on a tiny fixture", () => {
    const train = [
      { text: "my card has not arrived", category: "card_arrival" },
      { text: "when will my card arrive", category: "card_arrival" },
      { text: "I was charged twice", category: "duplicate_charge" },
      { text: "there is a double charge on my statement", category: "duplicate_charge" },
    ];
    const prediction = trainNaiveBayes(train).predict("card not arrived yet");
    expect(prediction.category).toBe("card_arrival");
    expect(prediction.confidence).toBeGreaterThan(0.5);
    expect(prediction.margin).toBeGreaterThan(0);
    expect(prediction.unseenShare).toBeCloseTo(1 / 4, 12); // "yet"
    const evidence = indexQueries(train, 2).evidenceFor("charged twice", "duplicate_charge");
    expect(evidence.bestSimilarity).toBeGreaterThan(0.5);
    // One of the 2 nearest: the other query shares no word, and a missing neighbour does not agree.
    expect(evidence.agreement).toBe(0.5);
  });

  it.skipIf(!existsSync(join(BANKING77_DIR, "train.csv")))(
    "reads the 10,003 queries of the data set (skipped when ../shared/datasets/banking77 is missing)",
    () => {
      const queries = loadBanking77();
      expect(queries).toHaveLength(10_003);
      expect(new Set(queries.map((q) => q.category)).size).toBe(77);
    },
  );
});
