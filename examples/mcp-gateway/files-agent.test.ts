import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  type ExampleServer,
  firstReview,
  startExampleServer,
} from "../../packages/sdk/test/adapters/example-server.ts";
import { connectThroughGateway } from "./files-agent.ts";

let ex: ExampleServer;
let client: Client;

beforeAll(async () => {
  ex = await startExampleServer(new URL("./policy.yaml", import.meta.url).pathname);
  client = await connectThroughGateway(ex.dir, {
    LOOPGATE_URL: ex.env.LOOPGATE_URL!,
    LOOPGATE_API_KEY: ex.env.LOOPGATE_API_KEY!,
  });
});
afterAll(async () => {
  await client?.close();
  await ex?.close();
});

it("the real `loopgate mcp gateway` process: write_file waits and writes the edited content; reads pass", async () => {
  const path = join(ex.dir, "reply.txt");
  const call = client.callTool({ name: "write_file", arguments: { path, content: "draft" } });
  const review = await firstReview(ex.reviewer);
  expect(existsSync(path)).toBe(false);
  await ex.reviewer.decide(review.id, { verdict: "edit", payload: { path, content: "final" } });
  expect((await call).isError).toBeFalsy();
  expect(await readFile(path, "utf8")).toBe("final");

  await writeFile(join(ex.dir, "in.txt"), "read me");
  const read = await client.callTool({ name: "read_text_file", arguments: { path: join(ex.dir, "in.txt") } });
  expect((read.content as { text: string }[])[0]?.text).toBe("read me");
});
