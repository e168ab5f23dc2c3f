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

const SCRIPT = new URL("./refund-graph.ts", import.meta.url).pathname;
let ex: ExampleServer;

beforeAll(async () => {
  ex = await startExampleServer(new URL("./policy.yaml", import.meta.url).pathname);
});
afterAll(async () => ex?.close());

it("survives a kill while the thread waits: a new process resumes it from the SQLite checkpoint", async () => {
  const db = join(ex.dir, "graph.sqlite");
  const first = runScript(SCRIPT, ["start", db, "ticket-812"], ex.env);
  const review = await firstReview(ex.reviewer);
  await until(() => first.stderr().includes("waiting for review")); // the checkpoint holds the interrupt
  first.kill("SIGKILL");
  await new Promise((resolve) => first.once("exit", resolve));
  expect(existsSync(ex.env.REFUNDS_LOG!)).toBe(false);

  await ex.reviewer.decide(review.id, {
    verdict: "edit",
    payload: { amount: 40, currency: "EUR", customerId: "c_123" },
  });
  const out = JSON.parse(await runScript(SCRIPT, ["resume", db, "ticket-812"], ex.env).output);
  expect(out.reply).toBe("refunded 40 EUR to c_123");
  expect(await readFile(ex.env.REFUNDS_LOG!, "utf8")).toBe(
    `${JSON.stringify({ amount: 40, currency: "EUR", customerId: "c_123" })}\n`,
  );
});

it("a rejection reaches the graph's state with the reviewer's reason; nothing runs", async () => {
  const db = join(ex.dir, "graph2.sqlite");
  const run = runScript(SCRIPT, ["start", db, "ticket-900"], ex.env);
  const review = await firstReview(ex.reviewer);
  await ex.reviewer.decide(review.id, { verdict: "reject", comment: "The customer was already refunded" });
  const out = JSON.parse(await run.output);
  expect(out.reply).toContain("The customer was already refunded");
});
