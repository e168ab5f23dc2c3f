import { ClaimNextInput, DecisionInput, ProposalInput } from "@loopgate/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError } from "../../src/app/app-error.ts";
import { parseInput } from "../../src/app/zod-issues.ts";

const action = { type: "billing.refund", payload: { amount: 5 } };

/** The field issues a 400 for `input` would carry. */
function issuesOf(
  schema: Parameters<typeof parseInput>[0],
  input: unknown,
): { path: string; message: string }[] {
  try {
    parseInput(schema, input, "invalid_input");
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    const app = error as AppError;
    expect(app.kind).toBe("invalid_input");
    return (app.details as { issues: { path: string; message: string }[] }).issues;
  }
  throw new Error("expected the input to be refused");
}

describe("parseInput's field messages", () => {
  it("tells a missing field from a wrongly typed one", () => {
    expect(issuesOf(ProposalInput, {})).toEqual([
      { path: "action", message: "is required (expected object)" },
    ]);
    expect(issuesOf(ProposalInput, { action, summary: 5 })).toEqual([
      { path: "summary", message: "must be a string, not a number" },
    ]);
    expect(issuesOf(ProposalInput, { action, evidence: "x" })).toEqual([
      { path: "evidence", message: "must be an array, not a string" },
    ]);
    expect(issuesOf(ProposalInput, { action, context: [] })).toEqual([
      { path: "context", message: "must be an object, not an array" },
    ]);
    expect(issuesOf(ProposalInput, [])).toEqual([{ path: "", message: "must be an object, not an array" }]);
    expect(issuesOf(ProposalInput, { action, signals: { agentConfidence: "high" } })).toEqual([
      { path: "signals.agentConfidence", message: "must be a number, not a string" },
    ]);
  });

  it("says the bound, the allowed values and the unknown field in the API's words", () => {
    expect(issuesOf(ProposalInput, { action, signals: { agentConfidence: 2 } })).toEqual([
      { path: "signals.agentConfidence", message: "must be at most 1" },
    ]);
    expect(issuesOf(DecisionInput, { verdict: "nope" })[0]).toEqual({
      path: "verdict",
      message:
        'must be one of "approve", "edit", "reject", "escalate", "request_info", "handle_manually" (a reconciliation review takes "mark_executed", "mark_failed" or "retry")',
    });
    expect(issuesOf(DecisionInput, {})[0]?.message).toMatch(/^is required: one of "approve", /);
    // A query number that was not one ("limit=abc", coerced to NaN).
    expect(issuesOf(z.object({ limit: z.coerce.number() }), { limit: "abc" })[0]).toEqual({
      path: "limit",
      message: "must be a number",
    });
    expect(issuesOf(ProposalInput, { action, extra: true })).toEqual([
      { path: "extra", message: 'unknown field "extra": remove it' },
    ]);
    expect(issuesOf(ProposalInput, { action, signals: { agent: { x: {} } } })).toEqual([
      { path: "signals.agent.x", message: "must be a number, a boolean or a string, not an object" },
    ]);
    expect(issuesOf(ClaimNextInput, { leaseSeconds: "x" })[0]?.message).toBe(
      "must be a number, not a string",
    );
  });

  it("keeps the messages a schema sets itself", () => {
    const [issue] = issuesOf(ProposalInput, { action: { type: "Billing Refund", payload: {} } });
    expect(issue).toEqual({
      path: "action.type",
      message: "use lower-case words joined by dots, e.g. billing.refund",
    });
  });

  it("answers the parsed value when the input is good", () => {
    expect(parseInput(ProposalInput, { action }, "invalid_input").action).toEqual(action);
  });
});
