/**
 * An MCP client (standing in for an assistant such as Claude Desktop or an IDE agent) that reaches the
 * filesystem MCP server only through `loopgate mcp gateway`: writes wait for a person, reads run.
 *
 *   LOOPGATE_URL=… LOOPGATE_API_KEY=<agent key> node --import tsx files-agent.ts /tmp/work
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const require = createRequire(import.meta.url);

/** Starts `loopgate mcp gateway` in front of `@modelcontextprotocol/server-filesystem` on `dir`, and connects. */
export async function connectThroughGateway(
  dir: string,
  env: Record<string, string> = {},
  wait = 600,
): Promise<Client> {
  const loopgate = new URL("../../packages/server/bin/loopgate.js", import.meta.url).pathname;
  const filesystem = require.resolve("@modelcontextprotocol/server-filesystem/dist/index.js");
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [
      loopgate,
      "mcp",
      "gateway",
      "--upstream",
      `${process.execPath} ${filesystem} ${dir}`,
      "--wait",
      String(wait),
    ],
    env: { ...(process.env as Record<string, string>), ...env },
    stderr: "ignore",
  });
  const client = new Client({ name: "files-agent", version: "1.0.0" });
  await client.connect(transport);
  return client;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2] ?? process.cwd();
  const client = await connectThroughGateway(dir);
  console.log("tools:", (await client.listTools()).tools.map((t) => t.name).join(", "));
  console.log("writing hello.txt — approve it in Loopgate…");
  const result = await client.callTool({
    name: "write_file",
    arguments: { path: join(dir, "hello.txt"), content: "Hello from an agent" },
  });
  console.log(JSON.stringify(result, null, 2));
  await client.close();
}
