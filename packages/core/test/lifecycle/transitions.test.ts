import { describe, expect, it } from "vitest";
import { ProposalStatus, RouteVerdict, TERMINAL_PROPOSAL_STATUSES } from "../../src/lifecycle/statuses.ts";
import {
  assertNever,
  isTerminal,
  PROPOSAL_TRANSITIONS,
  type ProposalEvent,
  type ProposalTransition,
  proposalTransition,
  routeStatus,
} from "../../src/lifecycle/transitions.ts";

/** The event a table row describes, with the data its guard asks for. */
function eventFor(row: ProposalTransition): ProposalEvent {
  const [, value] = row.guard?.split(":") ?? [];
  switch (row.event) {
    case "routed":
      return { kind: "routed", verdict: value as RouteVerdict | "held" };
    case "approved":
      return { kind: "approved", complete: value !== "incomplete", edited: value === "edited" };
    case "expired":
      return { kind: "expired", rule: value as "escalate" | "reject" | "expire" | "approve" };
    default:
      return { kind: row.event } as ProposalEvent;
  }
}

const ALL_EVENTS: ProposalEvent[] = [
  ...[...RouteVerdict.options, "held" as const].map((verdict) => ({ kind: "routed" as const, verdict })),
  { kind: "approved", edited: false, complete: true },
  { kind: "approved", edited: true, complete: true },
  { kind: "approved", edited: false, complete: false },
  { kind: "rejected" },
  { kind: "escalated" },
  { kind: "info_requested" },
  { kind: "handled_manually" },
  { kind: "info_provided" },
  ...(["escalate", "reject", "expire", "approve"] as const).map((rule) => ({
    kind: "expired" as const,
    rule,
  })),
  { kind: "info_expired" },
  { kind: "cancelled" },
  { kind: "held" },
  { kind: "released" },
];

describe("PROPOSAL_TRANSITIONS", () => {
  it("is frozen, row by row", () => {
    expect(Object.isFrozen(PROPOSAL_TRANSITIONS)).toBe(true);
    expect(PROPOSAL_TRANSITIONS.every((row) => Object.isFrozen(row))).toBe(true);
  });

  it("has no two rows for the same from, event and guard", () => {
    const keys = PROPOSAL_TRANSITIONS.map((r) => `${r.from}|${r.event}|${r.guard ?? ""}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("never leaves a terminal status", () => {
    expect(PROPOSAL_TRANSITIONS.filter((r) => r.from !== "new" && isTerminal(r.from))).toEqual([]);
  });

  it.each(
    PROPOSAL_TRANSITIONS.map(
      (row) => [`${row.from} --${row.event}${row.guard ? `[${row.guard}]` : ""}--> ${row.to}`, row] as const,
    ),
  )("%s", (_name, row) => {
    expect(proposalTransition(row.from, eventFor(row))).toEqual({ ok: true, to: row.to });
  });
});

describe("proposalTransition", () => {
  it("routes a new proposal by its verdict", () => {
    expect(proposalTransition("new", { kind: "routed", verdict: "auto" })).toEqual({
      ok: true,
      to: "auto_approved",
    });
    expect(proposalTransition("new", { kind: "routed", verdict: "block" })).toEqual({
      ok: true,
      to: "blocked",
    });
    expect(proposalTransition("new", { kind: "routed", verdict: "held" })).toEqual({ ok: true, to: "held" });
  });

  it("keeps a waiting proposal where it is until the required approvals are reached", () => {
    const partial = { kind: "approved", edited: true, complete: false } as const;
    expect(proposalTransition("pending_review", partial)).toEqual({ ok: true, to: "pending_review" });
    expect(proposalTransition("escalated", partial)).toEqual({ ok: true, to: "escalated" });
    expect(proposalTransition("escalated", { ...partial, complete: true })).toEqual({
      ok: true,
      to: "approved_with_edits",
    });
  });

  it("applies each on-expiry rule", () => {
    const expire = (rule: "escalate" | "reject" | "expire" | "approve") =>
      proposalTransition("pending_review", { kind: "expired", rule });
    expect(expire("escalate")).toEqual({ ok: true, to: "escalated" });
    expect(expire("reject")).toEqual({ ok: true, to: "rejected" });
    expect(expire("expire")).toEqual({ ok: true, to: "expired" });
    expect(expire("approve")).toEqual({ ok: true, to: "approved" });
  });

  it("re-routes a held proposal after release and a needs_info one after the agent's answer", () => {
    expect(proposalTransition("held", { kind: "released" })).toEqual({ ok: true, to: "held" });
    expect(proposalTransition("held", { kind: "routed", verdict: "review" })).toEqual({
      ok: true,
      to: "pending_review",
    });
    expect(proposalTransition("needs_info", { kind: "info_provided" })).toEqual({
      ok: true,
      to: "needs_info",
    });
    expect(proposalTransition("needs_info", { kind: "routed", verdict: "auto" })).toEqual({
      ok: true,
      to: "auto_approved",
    });
    expect(proposalTransition("needs_info", { kind: "info_expired" })).toEqual({ ok: true, to: "expired" });
  });

  it.each(TERMINAL_PROPOSAL_STATUSES.map((s) => [s]))("refuses every event once %s", (status) => {
    for (const event of ALL_EVENTS) {
      const result = proposalTransition(status, event);
      expect(result).toEqual({
        ok: false,
        reason: `the proposal is ${status}, which is final: nothing can change it`,
      });
    }
  });

  it("refuses every event not in the table, with a reason naming where it is allowed", () => {
    const froms = ["new", ...ProposalStatus.options.filter((s) => !isTerminal(s))] as const;
    let refused = 0;
    for (const from of froms) {
      for (const event of ALL_EVENTS) {
        const allowed = PROPOSAL_TRANSITIONS.some((r) => r.from === from && r.event === event.kind);
        const result = proposalTransition(from, event);
        expect(result.ok).toBe(allowed);
        if (!result.ok) {
          refused += 1;
          expect(result.reason).toContain(`"${event.kind}" is not allowed for a proposal that is ${from}`);
        }
      }
    }
    expect(refused).toBeGreaterThan(40);
    expect(proposalTransition("needs_info", { kind: "approved", edited: false, complete: true })).toEqual({
      ok: false,
      reason: `"approved" is not allowed for a proposal that is needs_info (only from pending_review, escalated)`,
    });
    expect(proposalTransition("new", { kind: "rejected" }).ok).toBe(false);
    expect(proposalTransition("held", { kind: "held" }).ok).toBe(false);
  });
});

describe("routeStatus, isTerminal, assertNever", () => {
  it("maps each verdict to its status", () => {
    expect([...RouteVerdict.options, "held" as const].map(routeStatus)).toEqual([
      "blocked",
      "escalated",
      "needs_info",
      "pending_review",
      "auto_approved",
      "held",
    ]);
  });

  it("agrees with TERMINAL_PROPOSAL_STATUSES", () => {
    for (const status of ProposalStatus.options) {
      expect(isTerminal(status)).toBe(TERMINAL_PROPOSAL_STATUSES.includes(status));
    }
  });

  it("throws on a value outside the type", () => {
    expect(() => assertNever("bogus" as never)).toThrow(/unexpected value: "bogus"/);
    expect(() => routeStatus("bogus" as never)).toThrow(/bogus/);
    expect(() => isTerminal("bogus" as never)).toThrow(/bogus/);
  });
});
