import { ExecutedByLoopgateError, gate, Loopgate } from "@loopgate/sdk";
import { afterEach, describe, expect, it } from "vitest";
import { engines } from "../http/test-server.ts";
import { eventually } from "./receiver.ts";
import { type ExecutionRig, startExecutionRig } from "./support.ts";

/**
 * An action Loopgate carries out itself (a webhook executor) runs once, through Loopgate: the SDK's
 * `gate` does not run it in the agent too, and the server refuses an agent's report of its result.
 */
describe.each(engines())("an action Loopgate executes, gated by an agent (%s)", (engine) => {
  let rig: ExecutionRig;
  afterEach(async () => rig?.close());

  it("gate throws ExecutedByLoopgateError before running it, and Loopgate delivers it once", async () => {
    rig = await startExecutionRig(engine);
    const client = new Loopgate({ url: rig.api.url, apiKey: rig.agent });
    let ran = 0;
    const gated = gate(client, { type: "ledger.post", payload: { amount: 45 } }, async () => {
      ran += 1;
      return "posted by the agent";
    });
    let reviewId = "";
    await eventually(async () => {
      reviewId = (await rig.api.call("GET", "/v1/reviews", { key: rig.reviewer })).body.items[0]?.id ?? "";
      return reviewId !== "";
    }, "the review");
    await rig.api.call("POST", `/v1/reviews/${reviewId}/decisions`, {
      key: rig.reviewer,
      body: { verdict: "approve" },
    });
    const error = await gated.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExecutedByLoopgateError);
    expect((error as ExecutedByLoopgateError).message).toMatch(/Loopgate carries out ledger.post itself/);
    expect(ran).toBe(0);
    await eventually(() => rig.receiver.deliveries.length === 1, "Loopgate's delivery");

    // The agent's report of a result it should not have produced is refused, and changes nothing.
    const proposalId = (error as ExecutedByLoopgateError).proposal.id;
    const reported = await rig.api.call("POST", `/v1/proposals/${proposalId}/result`, {
      key: rig.agent,
      body: { status: "succeeded", output: "posted by the agent" },
    });
    expect(reported).toMatchObject({ status: 409, body: { error: { code: "executed_by_loopgate" } } });
    expect(rig.receiver.deliveries).toHaveLength(1);
  });
});
