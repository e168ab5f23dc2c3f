import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  type ExampleServer,
  firstReview,
  startExampleServer,
} from "../../packages/sdk/test/adapters/example-server.ts";

let ex: ExampleServer;
let chat: typeof import("./refund-chat.ts");

beforeAll(async () => {
  ex = await startExampleServer(new URL("./policy.yaml", import.meta.url).pathname);
  // The example reads LOOPGATE_URL, LOOPGATE_API_KEY and REFUNDS_LOG when it loads, as a user's app would.
  Object.assign(process.env, {
    LOOPGATE_URL: ex.env.LOOPGATE_URL,
    LOOPGATE_API_KEY: ex.env.LOOPGATE_API_KEY,
    REFUNDS_LOG: ex.env.REFUNDS_LOG,
  });
  chat = await import("./refund-chat.ts");
});
afterAll(async () => ex?.close());

it("a refund waits for review through the AI SDK's approval flow and runs as approved", async () => {
  const file = join(ex.dir, "chat.json");
  expect(await chat.start(file, "I was charged twice")).toBeNull();
  const review = await firstReview(ex.reviewer);
  await ex.reviewer.decide(review.id, { verdict: "approve" });
  expect(await chat.resume(file)).toBe("Refund tool said: refunded 42.5 EUR to c_123");
  expect(await readFile(ex.env.REFUNDS_LOG!, "utf8")).toBe(
    `${JSON.stringify({ amount: 42.5, currency: "EUR", customerId: "c_123" })}\n`,
  );
});

it("a rejection reaches the model with the reviewer's reason", async () => {
  const file = join(ex.dir, "chat2.json");
  expect(await chat.start(file, "Refund me again")).toBeNull();
  const review = await firstReview(ex.reviewer);
  await ex.reviewer.decide(review.id, { verdict: "reject", comment: "Already refunded on 2 May" });
  expect(await chat.resume(file)).toContain("Already refunded on 2 May");
});
