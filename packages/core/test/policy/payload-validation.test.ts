import { describe, expect, test } from "vitest";
import { type CompiledPolicy, validatePayload } from "../../src/policy/index.ts";
import { load } from "./support.ts";

const POLICY = `
version: 1
actions:
  billing.refund:
    reversible: compensate
    payload:
      type: object
      required: [orderId, amount]
      additionalProperties: false
      properties:
        orderId: { type: string, pattern: "^o-[0-9]+$" }
        amount: { type: number, exclusiveMinimum: 0, maximum: 10000 }
        currency: { enum: [EUR, USD] }
        email: { type: string, format: email }
        lines:
          type: array
          maxItems: 2
          items: { type: object, required: [sku], properties: { sku: { type: string, minLength: 3 }, qty: { type: integer } } }
  support.note: {}
`;

describe("validatePayload", () => {
  const policy = load(POLICY);

  test("a valid payload has no issues", () => {
    expect(
      validatePayload(policy, "billing.refund", { orderId: "o-12", amount: 25.5, currency: "EUR" }),
    ).toEqual([]);
  });

  test("messages say what to do, paths start at action.payload", () => {
    expect(validatePayload(policy, "billing.refund", { amount: "ten", refundAll: true })).toEqual([
      { path: "action.payload.orderId", message: "is required" },
      { path: "action.payload.refundAll", message: "is not allowed: remove it" },
      { path: "action.payload.amount", message: "must be a number" },
    ]);
  });

  test("nested paths, limits, enums, patterns and formats", () => {
    const issues = validatePayload(policy, "billing.refund", {
      orderId: "12",
      amount: 0,
      currency: "JPY",
      email: "not-an-email",
      lines: [{ sku: "ab", qty: 1.5 }, {}, { sku: "abc" }],
    });
    expect(issues).toEqual([
      { path: "action.payload.orderId", message: "must match the pattern ^o-[0-9]+$" },
      { path: "action.payload.amount", message: "must be more than 0" },
      { path: "action.payload.currency", message: 'must be one of: "EUR", "USD"' },
      { path: "action.payload.email", message: "must be a valid email" },
      { path: "action.payload.lines", message: "must have at most 2 items" },
      { path: "action.payload.lines[0].sku", message: "must have at least 3 characters" },
      { path: "action.payload.lines[0].qty", message: "must be an integer" },
      { path: "action.payload.lines[1].sku", message: "is required" },
    ]);
  });

  test("a payload that is not an object", () => {
    expect(validatePayload(policy, "billing.refund", [1])).toEqual([
      { path: "action.payload", message: "must be an object" },
    ]);
    expect(validatePayload(policy, "billing.refund", null)).toEqual([
      { path: "action.payload", message: "must be an object" },
    ]);
  });

  test("an action type without a schema accepts any object", () => {
    expect(validatePayload(policy, "support.note", { anything: [1, 2] })).toEqual([]);
  });

  test("an undeclared action type is an issue on action.type", () => {
    expect(validatePayload(policy, "crm.delete", {})).toEqual([
      {
        path: "action.type",
        message: '"crm.delete" is not declared in policy version 1: use billing.refund, support.note',
      },
    ]);
  });

  test("a policy object not built by loadPolicy compiles its validators on first use", () => {
    const copy: CompiledPolicy = { ...policy };
    expect(validatePayload(copy, "billing.refund", { orderId: "o-1" })).toEqual([
      { path: "action.payload.amount", message: "is required" },
    ]);
  });
});
