import { Loopgate } from "@loopgate/sdk";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createLoopgateMcpServer } from "../../src/mcp/loopgate-mcp-server.ts";
import { startTestServer, type TestServer } from "../http/test-server.ts";

const POLICY = new URL("../../../../examples/mcp-gateway/policy.yaml", import.meta.url).pathname;
let server: TestServer;
let client: Client;
let reviewer: Loopgate;

function body(result: unknown): any {
  return JSON.parse((result as { content: { text: string }[] }).content[0]!.text);
}

beforeAll(async () => {
  server = await startTestServer("sqlite", { policyFile: POLICY });
  const connection = { url: server.url, apiKey: await server.key("mcp-agent", "agent") };
  const mcp = createLoopgateMcpServer(new Loopgate(connection), connection);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await mcp.connect(serverSide);
  client = new Client({ name: "test", version: "1" });
  await client.connect(clientSide);
  reviewer = new Loopgate({ url: server.url, apiKey: await server.key("anna", "reviewer") });
});
afterAll(async () => {
  await client?.close();
  await server?.close();
});

it("lists the policy's action types", async () => {
  const types = body(await client.callTool({ name: "list_action_types", arguments: {} }));
  expect(types.map((t: { type: string }) => t.type)).toEqual(["files.write", "files.read"]);
});

it("proposes an action and reads the reviewer's decision, edits and comment included", async () => {
  const proposed = body(
    await client.callTool({
      name: "propose_action",
      arguments: {
        type: "files.write",
        payload: { path: "/tmp/a.txt", content: "x" },
        summary: "Write a.txt",
      },
    }),
  );
  expect(proposed.status).toBe("pending_review");
  const [review] = (await reviewer.listReviews()).items;
  await reviewer.decide(review!.id, {
    verdict: "edit",
    payload: { path: "/tmp/a.txt", content: "y" },
    comment: "Say y",
  });
  const decided = body(
    await client.callTool({ name: "get_decision", arguments: { proposalId: proposed.id, waitSeconds: 5 } }),
  );
  expect(decided).toMatchObject({
    status: "approved_with_edits",
    finalPayload: { path: "/tmp/a.txt", content: "y" },
  });
  expect(decided.decisions[0].comment).toBe("Say y");
});

it("a proposal the policy auto-approves says so at once", async () => {
  const proposed = body(
    await client.callTool({
      name: "propose_action",
      arguments: { type: "files.read", payload: { path: "/tmp/a" } },
    }),
  );
  expect(proposed.status).toBe("auto_approved");
});
