import { describe, expect, it } from "vitest";
import { canonicalJson, canonicalJsonWithPart } from "../../src/audit/canonical-json.ts";

describe("canonicalJson (RFC 8785)", () => {
  it("matches the RFC's worked example (§3.2.2)", () => {
    const input = JSON.parse(String.raw`{
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
      "literals": [null, true, false]
    }`);
    expect(canonicalJson(input)).toBe(
      String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`,
    );
  });

  it("sorts keys by UTF-16 code units (§3.2.3)", () => {
    const input = JSON.parse(String.raw`{
      "\u20ac": "Euro Sign", "\r": "Carriage Return", "\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One", "\ud83d\ude00": "Emoji: Grinning Face", "\u0080": "Control",
      "\u00f6": "Latin Small Letter O With Diaeresis"
    }`);
    expect(canonicalJson(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","ö":"Latin Small Letter O With Diaeresis",' +
        '"€":"Euro Sign","😀":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it.each([
    [0, "0"],
    [-0, "0"],
    [5e-324, "5e-324"],
    [-5e-324, "-5e-324"],
    [1.7976931348623157e308, "1.7976931348623157e+308"],
    [9007199254740992, "9007199254740992"],
    [295147905179352830000, "295147905179352830000"],
    [9.999999999999997e22, "9.999999999999997e+22"],
    [1e23, "1e+23"],
    [0.000001, "0.000001"],
    [9.999999999999997e-7, "9.999999999999997e-7"],
    [999999999999999700000, "999999999999999700000"],
    [1e21, "1e+21"],
    [0.1, "0.1"],
    [0.1 + 0.2, "0.30000000000000004"],
  ])("formats the number %s as %s (Appendix B)", (value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  it("refuses non-finite numbers, bigints and functions", () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(TypeError);
    expect(() => canonicalJson({ a: Number.POSITIVE_INFINITY })).toThrow(/Infinity/);
    expect(() => canonicalJson({ a: 1n })).toThrow(/bigint/);
    expect(() => canonicalJson({ a: () => 1 })).toThrow(/function/);
  });

  it("drops undefined members, writes undefined array items as null, and honours toJSON", () => {
    expect(canonicalJson({ b: undefined, a: [undefined, 1], d: new Date(0) })).toBe(
      '{"a":[null,1],"d":"1970-01-01T00:00:00.000Z"}',
    );
  });

  it("escapes only what JSON must, keeping non-ASCII text literal", () => {
    expect(canonicalJson({ s: "café \u2028 \u0007 \t ☃" })).toBe('{"s":"café \u2028 \\u0007 \\t ☃"}');
  });

  it("sorts small and large objects alike, whatever their order", () => {
    const keys = ["b", "a", "é", "Z", "a1", "", "10", "9", "\u00e9", "ab", "aa", "\ud83d\ude00", "z"];
    for (const count of [2, 5, 16, 17, 40]) {
      const names = Array.from(
        { length: count },
        (_, i) => `${keys[i % keys.length]}${Math.floor(i / keys.length) || ""}`,
      );
      const shuffled = [...names].reverse();
      const expected = `{${[...new Set(names)]
        .sort()
        .map((k) => `${JSON.stringify(k)}:1`)
        .join(",")}}`;
      expect(canonicalJson(Object.fromEntries(shuffled.map((k) => [k, 1])))).toBe(expected);
      expect(canonicalJson(Object.fromEntries(names.map((k) => [k, 1])))).toBe(expected);
    }
  });

  it("is independent of insertion order and nests", () => {
    expect(canonicalJson({ z: { y: 1, x: [{ b: 2, a: 1 }] }, a: null })).toBe(
      '{"a":null,"z":{"x":[{"a":1,"b":2}],"y":1}}',
    );
    expect(canonicalJson({ b: 1, a: 2 })).toBe(canonicalJson({ a: 2, b: 1 }));
  });

  it("writes a part inside a value as canonicalJson writes the part alone, in the same walk", () => {
    const payload = { z: [1, { b: "é\n", a: null }], a: 0.1, skip: undefined };
    const list = [{ y: 2, x: 1 }];
    const value = { action: { type: "t", payload }, list, other: { payload: { ...payload } } };
    expect(canonicalJsonWithPart(value, payload)).toEqual({
      text: canonicalJson(value),
      part: canonicalJson(payload),
    });
    expect(canonicalJsonWithPart(value, list).part).toBe('[{"x":1,"y":2}]');
    // A part that is not inside the value is written on its own; nothing carries over to the next call.
    expect(canonicalJsonWithPart({ a: 1 }, { b: 2 })).toEqual({ text: '{"a":1}', part: '{"b":2}' });
    expect(canonicalJson(value)).toBe(canonicalJsonWithPart(value, payload).text);
  });

  it("reports a cycle instead of overflowing the stack", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(/cycle/);
  });
});
