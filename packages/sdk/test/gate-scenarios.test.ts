import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type GateOptions, gate } from "../src/gate.ts";
import {
  ActionBlockedError,
  ActionCancelledError,
  ActionHandledManuallyError,
  ActionNotApprovedError,
  ActionRejectedError,
  NeedsInfoError,
} from "../src/gate-errors.ts";
import type { JsonObject, Proposal } from "../src/types.ts";
import { type Harness, harnesses, reviewOf } from "./support/harness.ts";
import { Proposal as ProposalSchema } from "./support/wire.ts";

/**
 * One table of `gate` scenarios, played against every backend in `harnesses()`: the in-memory fake,
 * the HTTP client against the scripted server, and a real server when `LOOPGATE_TEST_URL` is set.
 * The reviewer's part is played through the reviewer API (list, decide), as a person would.
 */

interface Played {
  /** What `run` was called with, once per call. */
  calls: { payload: JsonObject; edited: boolean }[];
  result?: unknown;
  error?: unknown;
  /** The proposal as the agent reads it at the end. */
  final: Proposal;
}

interface Scenario {
  name: string;
  type: keyof Harness["types"];
  payload?: JsonObject;
  /** The reviewer's part, started as soon as the proposal exists. */
  review?: (h: Harness, proposal: Proposal) => Promise<void>;
  run?: (payload: JsonObject) => unknown;
  onNeedsInfo?: GateOptions["onNeedsInfo"];
  check: (played: Played) => void;
}

const PAYLOAD = { amount: 42, note: "duplicate charge" };

const decideOnce =
  (decision: Parameters<Harness["reviewer"]["decide"]>[1]) => async (h: Harness, proposal: Proposal) => {
    const review = await reviewOf(h.reviewer, proposal.id);
    await h.reviewer.decide(review.id, decision);
  };

const SCENARIOS: Scenario[] = [
  {
    name: "approve: run gets the proposed payload and its result is reported",
    type: "review",
    review: decideOnce({ verdict: "approve" }),
    run: (p) => ({ refunded: p.amount }),
    check: ({ calls, result, final }) => {
      expect(calls).toEqual([{ payload: PAYLOAD, edited: false }]);
      expect(result).toEqual({ refunded: 42 });
      expect(final.status).toBe("approved");
      expect(final.execution.status).toBe("executed");
    },
  },
  {
    name: "edit: run gets the reviewer's payload",
    type: "review",
    review: decideOnce({
      verdict: "edit",
      payload: { amount: 40, note: "one charge only" },
      category: "wrong_amount",
      comment: "Only one charge was duplicated",
    }),
    check: ({ calls, final }) => {
      expect(calls).toEqual([{ payload: { amount: 40, note: "one charge only" }, edited: true }]);
      expect(final.status).toBe("approved_with_edits");
      expect(final.finalPayload).toEqual({ amount: 40, note: "one charge only" });
      expect(final.execution.status).toBe("executed");
    },
  },
  {
    name: "reject: a typed error with the reviewer's category and comment; run is not called",
    type: "review",
    review: decideOnce({
      verdict: "reject",
      category: "policy_violation",
      comment: "Refunds need an order id",
    }),
    check: ({ calls, error, final }) => {
      expect(calls).toEqual([]);
      expect(error).toBeInstanceOf(ActionRejectedError);
      const rejected = error as ActionRejectedError;
      expect(rejected.category).toBe("policy_violation");
      expect(rejected.comment).toBe("Refunds need an order id");
      expect(rejected.message).toContain("Refunds need an order id");
      expect(final.status).toBe("rejected");
    },
  },
  {
    name: "blocked: a typed error with the route's reasons; run is not called",
    type: "blocked",
    check: ({ calls, error, final }) => {
      expect(calls).toEqual([]);
      expect(error).toBeInstanceOf(ActionBlockedError);
      expect((error as ActionBlockedError).reasons.length).toBeGreaterThan(0);
      expect(final.status).toBe("blocked");
    },
  },
  {
    name: "auto-approved: run at once with the proposed payload",
    type: "auto",
    check: ({ calls, final }) => {
      expect(calls).toEqual([{ payload: PAYLOAD, edited: false }]);
      expect(final.status).toBe("auto_approved");
      expect(final.execution.status).toBe("executed");
    },
  },
  {
    name: "needs_info: onNeedsInfo answers, the new revision is approved, run is called",
    type: "review",
    review: async (h, proposal) => {
      const first = await reviewOf(h.reviewer, proposal.id);
      await h.reviewer.decide(first.id, { verdict: "request_info", comment: "Which order?" });
      const second = await reviewOf(h.reviewer, proposal.id, first.id);
      await h.reviewer.decide(second.id, { verdict: "approve" });
    },
    onNeedsInfo: (proposal, question) => {
      expect(proposal.status).toBe("needs_info");
      expect(question).toBe("Which order?");
      return { message: "Order 4411" };
    },
    check: ({ calls, final }) => {
      expect(calls).toHaveLength(1);
      expect(final.status).toBe("approved");
      expect(final.revision).toBe(2);
      expect(final.info.map((i) => i.message)).toContain("Order 4411");
    },
  },
  {
    name: "needs_info without an answer: NeedsInfoError with the reviewer's question",
    type: "review",
    review: decideOnce({ verdict: "request_info", comment: "Which order?" }),
    check: ({ calls, error, final }) => {
      expect(calls).toEqual([]);
      expect(error).toBeInstanceOf(NeedsInfoError);
      expect((error as NeedsInfoError).question).toBe("Which order?");
      expect(final.status).toBe("needs_info");
    },
  },
  {
    name: "run throws: the failure is reported and the same error rethrown",
    type: "review",
    review: decideOnce({ verdict: "approve" }),
    run: () => {
      throw new Error("payment provider is down");
    },
    check: ({ calls, error, final }) => {
      expect(calls).toHaveLength(1);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toBe("payment provider is down");
      expect(final.execution.status).toBe("failed");
    },
  },
  {
    name: "handle_manually: a typed error; run is not called",
    type: "review",
    review: decideOnce({ verdict: "handle_manually", comment: "I'll call the customer" }),
    check: ({ calls, error, final }) => {
      expect(calls).toEqual([]);
      expect(error).toBeInstanceOf(ActionHandledManuallyError);
      expect((error as ActionHandledManuallyError).comment).toBe("I'll call the customer");
      expect(final.status).toBe("handled_manually");
    },
  },
  {
    name: "cancelled while waiting: a typed error",
    type: "review",
    review: async (h, proposal) => {
      await reviewOf(h.reviewer, proposal.id);
      await h.agent.cancel(proposal.id);
    },
    check: ({ calls, error, final }) => {
      expect(calls).toEqual([]);
      expect(error).toBeInstanceOf(ActionCancelledError);
      expect(final.status).toBe("cancelled");
    },
  },
];

async function play(h: Harness, scenario: Scenario): Promise<Played> {
  const calls: Played["calls"] = [];
  let proposalId: string | undefined;
  let reviewing: Promise<unknown> = Promise.resolve();
  const played = await gate(
    h.agent,
    { type: h.types[scenario.type], payload: PAYLOAD },
    async (payload, context) => {
      calls.push({ payload, edited: context.edited });
      return scenario.run ? scenario.run(payload) : { done: true };
    },
    {
      timeoutMs: 15_000,
      onProposed: (proposal) => {
        proposalId = proposal.id;
        // Kept as a settled promise, so a failing reviewer does not surface as an unhandled rejection.
        reviewing = Promise.allSettled([scenario.review?.(h, proposal)]).then(([r]) => {
          if (r?.status === "rejected") throw r.reason;
        });
      },
      onNeedsInfo: scenario.onNeedsInfo,
    },
  ).then(
    (outcome) => ({ result: outcome.result, proposal: outcome.proposal }),
    (error: unknown) => ({
      error,
      proposal: error instanceof ActionNotApprovedError ? error.proposal : undefined,
    }),
  );
  await reviewing;
  if (played.proposal) ProposalSchema.parse(played.proposal);
  expect(proposalId).toBeDefined();
  const final = ProposalSchema.parse(await h.agent.getProposal(proposalId!));
  return { calls, final, ...("error" in played ? { error: played.error } : { result: played.result }) };
}

describe.each(harnesses())("gate against $name", (factory) => {
  let h: Harness;
  beforeEach(async () => {
    h = await factory.make();
  });
  afterEach(async () => {
    await h.close();
  });

  it.each(SCENARIOS)("$name", async (scenario) => {
    scenario.check(await play(h, scenario));
  });
});
