import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../server/test/http/test-server.ts";
import { Loopgate } from "../src/client.ts";
import { gate } from "../src/gate.ts";
import * as sdk from "../src/index.ts";
import { DecisionTimeoutError, HeldByStopError } from "../src/wait-errors.ts";

/**
 * `gate` against a real server (embedded store, scenario policy) while an owner's stop holds the
 * agent's proposals: the wait ends with `HeldByStopError`, still a `DecisionTimeoutError`, and the action
 * does not run; once the stop is lifted the same proposal is routed again and `gate` picks it up.
 */
describe("gate on a proposal held by a stop", () => {
  let server: TestServer;
  let client: Loopgate;
  let owner: string;

  beforeAll(async () => {
    server = await startTestServer("sqlite", {
      policyFile: new URL("./support/scenario-policy.yaml", import.meta.url).pathname,
    });
    const retry = { minDelayMs: 5, maxDelayMs: 100 };
    client = new Loopgate({ url: server.url, apiKey: await server.key("held-agent", "agent"), retry });
    owner = await server.key("olga", "owner");
  });
  afterAll(async () => server.close());

  it("throws HeldByStopError, runs nothing, and picks the proposal up again once the stop is lifted", async () => {
    const stopped = await server.call("POST", "/v1/stops", {
      key: owner,
      body: { scope: { agent: "held-agent" }, reason: "refunds went to the wrong customers" },
    });
    expect(stopped.status, JSON.stringify(stopped.body)).toBe(201);
    const stopId: string = stopped.body.id;

    let ran = 0;
    const action = { type: "test.auto", payload: { amount: 5 } };
    const options = { idempotencyKey: "refund-c_1-5", timeoutMs: 1_200 };
    const error = await gate(client, action, () => ++ran, options).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(HeldByStopError);
    expect(error).toBeInstanceOf(DecisionTimeoutError); // existing `catch`es of timeouts still match
    const held = error as HeldByStopError;
    expect(held).toMatchObject({ name: "HeldByStopError", code: "decision_timeout", stopIds: [stopId] });
    expect(held.proposal.status).toBe("held");
    expect(held.message).toMatch(
      new RegExp(
        `^proposal ${held.proposal.id} \\(test\\.auto\\) is held by a stop \\(${stopId}\\), still after 1200 ms: ` +
          "nothing in the stop's scope runs while it is in force, and the proposal will be routed again when the stop is lifted$",
      ),
    );
    // The wait the caller asked for, not what was left of it after proposing.
    expect(held.timeoutMs).toBe(1_200);
    expect(held.reasons).toHaveLength(1);
    expect(held.reasons[0]?.message).toContain("refunds went to the wrong customers");
    expect(ran).toBe(0);

    // Lifted: the held proposal is routed again (auto), and gate with the same key picks it up.
    const lifted = await server.call("DELETE", `/v1/stops/${stopId}`, { key: owner, body: {} });
    expect(lifted.status, JSON.stringify(lifted.body)).toBe(200);
    const outcome = await gate(client, action, () => ++ran, { ...options, timeoutMs: 10_000 });
    expect(outcome.proposal.id).toBe(held.proposal.id);
    expect(outcome.result).toBe(1);
    expect(ran).toBe(1);
  });

  it("keeps a plain DecisionTimeoutError for a proposal that simply waits for a person", async () => {
    const error = await gate(client, { type: "test.review", payload: { amount: 7 } }, () => "ran", {
      timeoutMs: 1_000,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DecisionTimeoutError);
    expect(error).not.toBeInstanceOf(HeldByStopError);
    expect((error as DecisionTimeoutError).proposal.status).toBe("pending_review");
    expect((error as DecisionTimeoutError).timeoutMs).toBe(1_000);
    expect((error as DecisionTimeoutError).message).toMatch(/ is still pending_review after 1000 ms$/);
  });

  it("is exported from the package entry", () => {
    expect(sdk.HeldByStopError).toBe(HeldByStopError);
  });
});
