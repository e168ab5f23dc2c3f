import { hashPayload, sha256Hex } from "@loopgate/core";
import { describe, expect, it } from "vitest";
import { hashPayloadNative, sha256HexNative } from "../../src/app/native-hash.ts";

describe("native hashing", () => {
  it("gives exactly core's hashes", () => {
    const values = [
      { amount: 42.5, to: "anna@example.com", body: "Grüße — ✓" },
      [1, "two", null],
      "text",
      0,
      { a: { b: [] } },
    ];
    for (const value of values) expect(hashPayloadNative(value)).toBe(hashPayload(value));
    expect(sha256HexNative("é𝄞")).toBe(sha256Hex("é𝄞"));
  });
});
