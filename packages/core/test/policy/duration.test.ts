import { describe, expect, test } from "vitest";
import { parseDuration } from "../../src/policy/index.ts";

describe("parseDuration", () => {
  test.each([
    ["90s", 90_000],
    ["30m", 1_800_000],
    ["4h", 14_400_000],
    ["2d", 172_800_000],
    ["1h30m", 5_400_000],
    ["1d2h3m4s", 93_784_000],
    ["500ms", 500],
    ["1m30s", 90_000],
    ["0s", 0],
    [" 15m ", 900_000],
  ])("%s is %d ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  test.each(["", "4", "h", "4 hours", "1.5h", "30m1h", "1h1h", "-5m", "1w", "1h 30m", "abc"])(
    "%j is refused with a message that says how to write one",
    (text) => {
      expect(() => parseDuration(text)).toThrow(/invalid duration .*e\.g\. 90s, 30m, 4h, 2d or 1h30m/);
    },
  );
});
