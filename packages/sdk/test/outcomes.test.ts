import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OutcomeList as OutcomeListSchema, Outcome as OutcomeSchema } from "../../core/src/wire/autonomy.ts";
import { startTestServer, type TestServer } from "../../server/test/http/test-server.ts";
import { Loopgate } from "../src/client.ts";
import { ConflictError, InvalidInputError, LoopgateError, NotFoundError } from "../src/errors.ts";
import type { LoopgateClient } from "../src/loopgate-client.ts";
import { createFakeLoopgate, type FakeLoopgate } from "../src/testing/index.ts";
import type { Proposal } from "../src/types.ts";
import { reviewOf, SCENARIO_RULES } from "./support/harness.ts";

/**
 * `recordOutcome` and `listOutcomes`, played the same way against a real server (in-process, on the
 * embedded store, with the scenario policy: every action type `execute: { via: agent }`) and against the
 * in-memory fake, so the fake keeps the server's semantics.
 */

interface Backend {
  agent: LoopgateClient;
  reviewer: LoopgateClient;
  close(): Promise<void>;
}

const PAYLOAD = { amount: 42, note: "duplicate charge" };

let server: TestServer;
let realAgent: Loopgate;
let realReviewer: Loopgate;
/** A second agent's client on the real server. */
let otherAgent: Loopgate;

const backends: { name: string; make(): Backend }[] = [
  {
    name: "real server",
    make: () => ({
      agent: realAgent,
      reviewer: realReviewer,
      close: async () => {},
    }),
  },
  {
    name: "fake",
    make: () => {
      const fake = createFakeLoopgate(SCENARIO_RULES);
      return { agent: fake, reviewer: fake, close: async () => {} };
    },
  },
];

beforeAll(async () => {
  server = await startTestServer("sqlite", {
    policyFile: new URL("./support/scenario-policy.yaml", import.meta.url).pathname,
  });
  const retry = { minDelayMs: 5, maxDelayMs: 100 };
  realAgent = new Loopgate({ url: server.url, apiKey: await server.key("refund-agent", "agent"), retry });
  otherAgent = new Loopgate({ url: server.url, apiKey: await server.key("other-agent", "agent"), retry });
  realReviewer = new Loopgate({ url: server.url, apiKey: await server.key("ops-lead", "reviewer"), retry });
});

afterAll(() => server?.close());

/** Proposes an action the policy sends to review and has the reviewer approve it; it has not run yet. */
async function approved(b: Backend): Promise<Proposal> {
  const proposal = await b.agent.propose({ action: { type: "test.review", payload: PAYLOAD } });
  const review = await reviewOf(b.reviewer, proposal.id);
  await b.reviewer.decide(review.id, { verdict: "approve" });
  return b.agent.waitForDecision(proposal.id, { timeoutMs: 5_000 });
}

async function failure(promise: Promise<unknown>): Promise<LoopgateError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof LoopgateError)) throw new Error(`expected a LoopgateError, got ${String(error)}`);
  return error;
}

describe.each(backends)("outcomes against the $name", ({ make }) => {
  it("an agent that ran a refund later records the incident it caused, and reads it back", async () => {
    const b = make();
    const { proposal } = await b.agent.gate({ type: "test.auto", payload: PAYLOAD }, (p) => ({
      refunded: p.amount,
    }));
    expect(proposal.execution.status).toBe("executed");

    const fine = OutcomeSchema.parse(await b.agent.recordOutcome(proposal.id, { kind: "fine" }));
    const incident = OutcomeSchema.parse(
      await b.agent.recordOutcome(proposal.id, {
        kind: "incident",
        severity: "high",
        comment: "The refund was paid twice",
      }),
    );
    expect(incident).toMatchObject({
      proposalId: proposal.id,
      kind: "incident",
      severity: "high",
      comment: "The refund was paid twice",
      by: { kind: "agent", id: proposal.agent, name: proposal.agent },
    });
    expect(fine).toMatchObject({ kind: "fine", severity: null, comment: null });
    expect(incident.id).not.toBe(fine.id);

    const list = OutcomeListSchema.parse(await b.agent.listOutcomes(proposal.id));
    expect(list.items).toEqual([fine, incident]);
    await b.close();
  });

  it("accepts an incident after a failed run, and lists outcomes per proposal", async () => {
    const b = make();
    const ran = await b.agent.propose({ action: { type: "test.auto", payload: PAYLOAD } });
    const failed = await b.agent.reportResult(ran.id, { status: "failed", error: "card expired" });
    expect(failed.execution.status).toBe("failed");
    const other = await b.agent.propose({ action: { type: "test.auto", payload: { amount: 1 } } });

    const incident = await b.agent.recordOutcome(ran.id, { kind: "incident", severity: "low" });
    expect(incident).toMatchObject({ kind: "incident", severity: "low" });
    expect((await b.agent.listOutcomes(other.id)).items).toEqual([]);
    expect((await b.agent.listOutcomes(ran.id)).items.map((o) => o.id)).toEqual([incident.id]);
    await b.close();
  });

  it("refuses an incident on an action that never ran with ConflictError not_executed; a note is fine", async () => {
    const b = make();
    const proposal = await approved(b);
    expect(proposal.execution.status).not.toBe("executed");

    const error = await failure(b.agent.recordOutcome(proposal.id, { kind: "incident", severity: "high" }));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({
      status: 409,
      code: "not_executed",
      details: { executionStatus: proposal.execution.status },
    });
    expect((await b.agent.listOutcomes(proposal.id)).items).toEqual([]);

    const note = await b.agent.recordOutcome(proposal.id, { kind: "note", comment: "Customer called" });
    expect(note).toMatchObject({ kind: "note", severity: null, comment: "Customer called" });

    const blocked = await b.agent.propose({ action: { type: "test.blocked", payload: PAYLOAD } });
    const onBlocked = await failure(b.agent.recordOutcome(blocked.id, { kind: "incident" }));
    expect(onBlocked).toMatchObject({ status: 409, code: "not_executed" });
    await b.close();
  });

  it("names each invalid field with its path, and records nothing", async () => {
    const b = make();
    const { proposal } = await b.agent.gate({ type: "test.auto", payload: PAYLOAD }, () => "done");

    const bad = { kind: "disaster", severity: "urgent", comment: 7, blame: "me" } as never;
    const error = await failure(b.agent.recordOutcome(proposal.id, bad));
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.code).toBe("invalid_outcome");
    expect((error as InvalidInputError).fieldIssues.map((i) => i.path).sort()).toEqual([
      "body.blame",
      "body.comment",
      "body.kind",
      "body.severity",
    ]);

    const tooLong = await failure(
      b.agent.recordOutcome(proposal.id, { kind: "note", comment: "x".repeat(4001) }),
    );
    expect((tooLong as InvalidInputError).fieldIssues.map((i) => i.path)).toEqual(["body.comment"]);

    const severityOnFine = await failure(
      b.agent.recordOutcome(proposal.id, { kind: "fine", severity: "low" }),
    );
    expect(severityOnFine).toBeInstanceOf(InvalidInputError);
    expect((severityOnFine as InvalidInputError).fieldIssues).toEqual([
      { path: "body.severity", message: expect.stringContaining("incident only") },
    ]);
    expect((await b.agent.listOutcomes(proposal.id)).items).toEqual([]);
    await b.close();
  });

  it("answers an unknown proposal with NotFoundError", async () => {
    const b = make();
    const recorded = await failure(b.agent.recordOutcome("p_missing", { kind: "fine" }));
    expect(recorded).toBeInstanceOf(NotFoundError);
    expect(await failure(b.agent.listOutcomes("p_missing"))).toBeInstanceOf(NotFoundError);
    await b.close();
  });
});

describe("outcomes on the real server: who may record", () => {
  it("hides another agent's proposal (404), and records a reviewer's outcome as a user", async () => {
    const { proposal } = await realAgent.gate({ type: "test.auto", payload: PAYLOAD }, () => "done");

    const stranger = await failure(otherAgent.recordOutcome(proposal.id, { kind: "incident" }));
    expect(stranger).toBeInstanceOf(NotFoundError);
    expect(await failure(otherAgent.listOutcomes(proposal.id))).toBeInstanceOf(NotFoundError);

    const byReviewer = await realReviewer.recordOutcome(proposal.id, {
      kind: "incident",
      severity: "medium",
      comment: "Found in the weekly audit",
    });
    expect(byReviewer.by).toMatchObject({ kind: "user", name: "ops-lead" });
    expect((await realAgent.listOutcomes(proposal.id)).items).toEqual([byReviewer]);
  });
});

describe("the fake's record of outcomes", () => {
  it("keeps every outcome, in order, as copies", async () => {
    const fake: FakeLoopgate = createFakeLoopgate({ default: { verdict: "auto" }, agent: "refund-bot" });
    const { proposal } = await fake.gate({ type: "billing.refund", payload: { amount: 5 } }, () => "ok");
    const first = await fake.recordOutcome(proposal.id, { kind: "incident", severity: "medium" });
    const second = await fake.recordOutcome(proposal.id, { kind: "note", comment: "refunded the fee too" });

    expect(fake.outcomes).toEqual([first, second]);
    expect(first.by).toEqual({ kind: "agent", id: "refund-bot", name: "refund-bot" });
    const outcomes = fake.outcomes;
    outcomes[0]!.kind = "fine";
    expect(fake.outcomes[0]?.kind).toBe("incident");
  });
});
