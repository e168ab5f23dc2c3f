import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  type ExampleServer,
  firstReview,
  runScript,
  startExampleServer,
  until,
} from "../../packages/sdk/test/adapters/example-server.ts";

const SCRIPT = new URL("./refund-agent.ts", import.meta.url).pathname;
let ex: ExampleServer;

beforeAll(async () => {
  ex = await startExampleServer(new URL("./policy.yaml", import.meta.url).pathname);
});
afterAll(async () => ex?.close());

it("survives a kill between proposal and decision: a new process resumes and runs the edited refund", async () => {
  const state = join(ex.dir, "run.json");
  const first = runScript(SCRIPT, ["start", state], ex.env);
  const review = await firstReview(ex.reviewer);
  await until(() => existsSync(state)); // the run is stored: the kill can come now
  first.kill("SIGKILL"); // the agent dies while the refund waits for review
  await new Promise((resolve) => first.once("exit", resolve));
  expect(existsSync(ex.env.REFUNDS_LOG!)).toBe(false);

  await ex.reviewer.decide(review.id, {
    verdict: "edit",
    payload: { amount: 40, currency: "EUR", customerId: "c_123" },
    comment: "Only one charge was duplicated",
  });
  const out = JSON.parse(await runScript(SCRIPT, ["resume", state], ex.env).output);
  expect(out.finalOutput).toContain("refunded 40 EUR to c_123");
  expect(await readFile(ex.env.REFUNDS_LOG!, "utf8")).toBe(
    `${JSON.stringify({ amount: 40, currency: "EUR", customerId: "c_123" })}\n`,
  );
});
