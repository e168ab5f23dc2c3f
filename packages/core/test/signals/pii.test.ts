import { describe, expect, it } from "vitest";
import { ibanValid, luhnValid } from "../../src/signals/checksums.ts";
import { detectPii, maskPii } from "../../src/signals/pii.ts";
import { PII_DETECTORS, PII_MASK_PATTERN } from "../../src/signals/pii-detectors.ts";

const kinds = (value: unknown) =>
  Object.entries(detectPii(value))
    .filter(([kind, found]) => found && kind !== "any")
    .map(([kind]) => kind);

describe("luhnValid", () => {
  it.each([
    "4111111111111111",
    "5500 0000 0000 0004",
    "3782-822463-10005",
    "6011111111111117",
    "79927398713",
  ])("accepts %s", (n) => expect(luhnValid(n)).toBe(true));
  it.each(["4111111111111112", "1234567812345678", "79927398710", "", "0", "4111x111"])("refuses %s", (n) =>
    expect(luhnValid(n)).toBe(false),
  );
});

describe("ibanValid", () => {
  it.each([
    "GB82 WEST 1234 5698 7654 32",
    "DE89370400440532013000",
    "fr1420041010050500013m02606",
    "NL91ABNA0417164300",
  ])("accepts %s", (iban) => expect(ibanValid(iban)).toBe(true));
  it.each(["GB82 WEST 1234 5698 7654 33", "DE89370400440532013001", "GB82", "XX00 0000 0000 0000 00"])(
    "refuses %s",
    (iban) => expect(ibanValid(iban)).toBe(false),
  );
});

describe("detectPii", () => {
  it("finds card numbers in text, with spaces or dashes, and only when Luhn passes", () => {
    expect(kinds("my card is 4111 1111 1111 1111, exp 12/27")).toEqual(["cardNumber"]);
    expect(kinds({ note: "4111-1111-1111-1111" })).toEqual(["cardNumber"]);
    expect(kinds("Amex 3782 822463 10005")).toEqual(["cardNumber"]);
    expect(kinds("card 4111 1111 1111 1111 2 items")).toEqual(["cardNumber"]);
    expect(kinds("order 4111111111111112")).toEqual([]);
    expect(kinds("order number 1234567812345678")).toEqual([]);
    // Touching a word: still a card.
    expect(kinds("card4111111111111111 x")).toEqual(["cardNumber"]);
    expect(kinds("ref_4111-1111-1111-1111x")).toEqual(["cardNumber"]);
    expect(maskPii("card4111111111111111 x")).toBe("card[card ••••1111] x");
  });

  it("does not read timestamps, tracking numbers or amounts as cards", () => {
    expect(kinds("at 1700000000000 ms")).toEqual([]);
    expect(kinds("tracking 9400111899223100012345")).toEqual([]);
    expect(kinds({ amount: 4111111111111111 })).toEqual([]);
    expect(kinds("total 4,111,111,111,111,111.00")).toEqual([]);
  });

  it("finds IBANs with valid check digits", () => {
    expect(kinds("pay to GB82 WEST 1234 5698 7654 32 please")).toEqual(["iban"]);
    expect(kinds("IBAN DE89370400440532013000")).toEqual(["iban"]);
    expect(kinds("IBAN DE89370400440532013001")).toEqual([]);
  });

  it("finds emails", () => {
    expect(kinds({ to: "anna.b+orders@example.co.uk" })).toEqual(["email"]);
    expect(kinds("write to ANNA@EXAMPLE.COM.")).toEqual(["email"]);
    expect(kinds("not an email: a@b, @handle, user@localhost")).toEqual([]);
  });

  it.each([
    "+44 20 7946 0958",
    "+1 (555) 123-4567",
    "+33612345678",
    "(555) 123-4567",
    "555.123.4567",
    "1-800-555-1234",
    "020 7946 0958",
    "07700 900123",
    "07700900123",
    "06 12 34 56 78",
  ])("finds the phone number %s", (phone) => expect(kinds(`call me on ${phone} today`)).toEqual(["phone"]));

  it.each([
    "due 2024-01-15",
    "on 15/01/2024 at 10:30",
    "at 2024-01-15T10:30:00Z",
    "total $1,234,567.89",
    "EUR 1.234.567,00",
    "Order 123456789",
    "order #10023456789",
    "ref ORD-2024-000123",
    "invoice 20240115001",
    "version 1.2.3",
    "+12",
    "sum 1234567890.50",
  ])("finds no phone in %s", (text) => expect(kinds(text)).toEqual([]));

  it("finds US SSNs outside the never-issued ranges and UK NI numbers", () => {
    expect(kinds("SSN 123-45-6789")).toEqual(["nationalId"]);
    expect(kinds("SSN 000-45-6789")).toEqual([]);
    expect(kinds("SSN 666-45-6789")).toEqual([]);
    expect(kinds("SSN 912-45-6789")).toEqual([]);
    expect(kinds("SSN 123-00-6789")).toEqual([]);
    expect(kinds("SSN 123-45-0000")).toEqual([]);
    expect(kinds("NI number AB 12 34 56 C")).toEqual(["nationalId"]);
    expect(kinds("NI number JG103759A")).toEqual(["nationalId"]);
    expect(kinds("NI number GB 12 34 56 C")).toEqual([]);
  });

  it("walks nested objects, arrays and keys, and sets any", () => {
    const deep = { a: [{ b: { c: ["x", { d: "call +44 20 7946 0958" }] } }], "anna@example.com": true };
    expect(detectPii(deep)).toEqual({
      email: true,
      phone: true,
      cardNumber: false,
      iban: false,
      nationalId: false,
      any: true,
    });
    let nested: unknown = "4111 1111 1111 1111";
    for (let i = 0; i < 10_000; i++) nested = [nested];
    expect(detectPii(nested).cardNumber).toBe(true);
    expect(detectPii({ n: 1, ok: true, nothing: null }).any).toBe(false);
  });

  it("stays linear on long strings", () => {
    const long = `${"a".repeat(50_000)}@${"b".repeat(50_000)} ${"1 ".repeat(20_000)}`;
    const started = performance.now();
    detectPii(long);
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe("maskPii", () => {
  it("replaces each kind with its placeholder and keeps the rest", () => {
    const masked = maskPii({
      to: "anna@example.com",
      body: "Card 4111-1111-1111-1111, IBAN GB82 WEST 1234 5698 7654 32, call +44 20 7946 0958, SSN 123-45-6789.",
      amount: 20,
      lines: ["no pii here", null],
    });
    expect(masked).toEqual({
      to: "[email]",
      body: "Card [card ••••1111], IBAN [iban ••••5432], call [phone], SSN [national id].",
      amount: 20,
      lines: ["no pii here", null],
    });
  });

  it("leaves no detectable PII behind, and its placeholders match PII_MASK_PATTERN", () => {
    const value = {
      text: "anna@example.com 4111 1111 1111 1111 DE89370400440532013000 (555) 123-4567 AB123456C",
    };
    const masked = maskPii(value) as { text: string };
    expect(detectPii(masked).any).toBe(false);
    expect(masked.text.replace(new RegExp(PII_MASK_PATTERN.source, "g"), "").trim()).toBe("");
    expect(masked.text.match(new RegExp(PII_MASK_PATTERN.source, "g"))).toHaveLength(5);
    expect(PII_MASK_PATTERN.test("Dear [email], your order")).toBe(true);
    expect(PII_MASK_PATTERN.test("see [1] and [card]")).toBe(false);
  });

  it("masks exactly what running every detector would, though it skips those a string has too few digits for", () => {
    // Every detector in order on every string, as before the digit counts: the reference.
    const everyDetector = (text: string): string => {
      let out = text;
      for (const detector of PII_DETECTORS) {
        if (detector.needs === "at" ? !out.includes("@") : !/\d/.test(out)) continue;
        out = out.replace(detector.pattern, (candidate) => detector.mask(candidate) ?? candidate);
      }
      return out;
    };
    const texts = [
      "Order 1234, ref 56",
      "4111 1111 1111 1111 and 12",
      "call 020 7946 0958 or +44 20 7946 0958",
      "SSN 123-45-6789, NI AB123456C",
      "GB82WEST12345698765432 / DE89370400440532013000",
      "a1@b2.co 4111-1111-1111-1111 (555) 123-4567",
      "4111111111111 4111111111111111111 123456789",
      "no digits at all",
    ];
    for (const text of texts) expect(maskPii(text), text).toBe(everyDetector(text));
  });

  it("masks keys, does not change its input, and cuts off absurd nesting", () => {
    const input = { "anna@example.com": "x" };
    expect(maskPii(input)).toEqual({ "[email]": "x" });
    expect(input).toEqual({ "anna@example.com": "x" });
    let nested: unknown = "anna@example.com";
    for (let i = 0; i < 100; i++) nested = [nested];
    expect(JSON.stringify(maskPii(nested))).not.toContain("anna");
  });
});
