import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { McpActionMap } from "../../../../server/src/mcp/action-map.ts";
import { createMcpGateway } from "../../../../server/src/mcp/gateway.ts";
import type { JsonObject } from "../../../src/types.ts";
import { ACTIONS, type AdapterDriver, type ConformanceEnv, refundTool } from "../support.ts";

/** An upstream MCP server with the suite's three tools, each recording what it ran with. */
function upstreamServer(ran: () => JsonObject[]) {
  const server = new McpServer({ name: "refunds", version: "1" });
  for (const { tool } of Object.values(ACTIONS)) {
    server.registerTool(
      tool,
      { description: "Refund a customer", inputSchema: { amount: z.number(), note: z.string() } },
      async (input) => ({ content: [{ type: "text", text: refundTool(ran())(input) }] }),
    );
  }
  return server;
}

async function linked(server: { connect(t: InMemoryTransport): Promise<void> }): Promise<Client> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: "conformance", version: "1" });
  await client.connect(clientSide);
  return client;
}

let current: JsonObject[] = [];
let gatewayClient: Client | undefined;

/**
 * The MCP gateway: an MCP client (standing in for the model) calls a tool through `loopgate mcp
 * gateway`'s server, in front of an upstream whose tools the policy maps with `mcpTool:`. The summary
 * the reviewer finds the call by is the gateway's own (`MCP tool call: …`), so calls are told apart by
 * running one at a time: the suite's tests run in sequence.
 */
export const mcpGateway: AdapterDriver = {
  name: "MCP gateway",
  async setUp(env: ConformanceEnv) {
    const upstream = await linked(upstreamServer(() => current));
    const connection = { url: env.url, apiKey: env.agentKey };
    gatewayClient = await linked(
      createMcpGateway({
        upstream,
        loopgate: env.agent,
        actions: new McpActionMap(connection),
        waitMs: 10_000,
        log: () => {},
      }),
    );
  },
  async tearDown() {
    await gatewayClient?.close();
  },
  start(_env, action, args) {
    const ran: JsonObject[] = [];
    current = ran;
    const done = gatewayClient!
      .callTool({ name: ACTIONS[action].tool, arguments: args })
      .then((result) => (result.content as { text?: string }[]).map((c) => c.text ?? "").join("\n"));
    return { ran, done };
  },
};
