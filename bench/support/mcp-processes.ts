import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { Loopgate } from "@loopgate/sdk";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { McpActionMap } from "../../packages/server/src/mcp/action-map.ts";
import { createMcpGateway } from "../../packages/server/src/mcp/gateway.ts";
import { type ForwardedResult, ResultReporter } from "../../packages/server/src/mcp/result-reporter.ts";
import { connectUpstream } from "../../packages/server/src/mcp/upstream.ts";

import { LOOPGATE_BIN, SERVER_NODE_FLAGS } from "./server-node-flags.ts";

/** The real filesystem MCP server, the upstream of the MCP gateway benchmark. */
export const FILESYSTEM_SERVER = createRequire(import.meta.url).resolve(
  "@modelcontextprotocol/server-filesystem/dist/index.js",
);
export { LOOPGATE_BIN };

/**
 * `loopgate serve --json` on a data dir, plus an agent key made with `loopgate keys create`. `nodeFlags`
 * go to the server's node, e.g. `["--cpu-prof", "--cpu-prof-dir=/tmp/prof"]` to profile it.
 */
export async function startLoopgate(
  dataDir: string,
  policy: string,
  nodeFlags: string[] = [],
): Promise<{ url: string; key: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [
      ...SERVER_NODE_FLAGS,
      ...nodeFlags,
      LOOPGATE_BIN,
      "serve",
      "--port",
      "0",
      "--data-dir",
      dataDir,
      "--policy",
      policy,
      "--json",
    ],
    { stdio: ["ignore", "pipe", "ignore"], env: { ...process.env, LOOPGATE_LOG_LEVEL: "silent" } },
  );
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`loopgate serve exited with ${code}`)));
  });
  const { url } = JSON.parse(line) as { url: string };
  const { stdout } = await promisify(execFile)(process.execPath, [
    LOOPGATE_BIN,
    "keys",
    "create",
    "--data-dir",
    dataDir,
    "--name",
    "bench-agent",
    "--role",
    "agent",
  ]);
  return { url, key: stdout.trim(), child };
}

/** Sends each result as soon as it is queued, as the gateway did before reports waited for a pause. */
class ReportAtOnce extends ResultReporter {
  override report(proposalId: string, result: ForwardedResult): void {
    super.report(proposalId, result);
    this.sendNow();
  }
}

/** Reports nothing: the floor, one durable write per call. */
class ReportNothing extends ResultReporter {
  override report(): void {}
}

/**
 * Three gateways in this process in front of one upstream, differing only in how they report results,
 * each with an MCP client over an in-memory transport.
 */
export async function reportingVariants(
  upstreamCommand: string,
  connection: { url: string; apiKey: string },
): Promise<{ clients: Record<string, Client>; close(): Promise<void> }> {
  const upstream = await connectUpstream(upstreamCommand);
  const loopgate = new Loopgate(connection);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const reporters: Record<string, ResultReporter> = {
    "at once, after each answer": new ReportAtOnce(loopgate, { log }),
    "in pauses, or 32 together (the gateway's way)": new ResultReporter(loopgate, { log }),
    "not at all (the floor)": new ReportNothing(loopgate, { log }),
  };
  const clients: Record<string, Client> = {};
  const maps: McpActionMap[] = [];
  for (const [name, reporter] of Object.entries(reporters)) {
    const actions = new McpActionMap(connection);
    maps.push(actions);
    const gateway = createMcpGateway({ upstream, loopgate, actions, reporter, log });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await gateway.connect(serverSide);
    clients[name] = new Client({ name: "bench", version: "1" });
    await clients[name].connect(clientSide);
  }
  return {
    clients,
    async close() {
      for (const client of Object.values(clients)) await client.close();
      for (const reporter of Object.values(reporters)) await reporter.close();
      for (const map of maps) map.close();
      await upstream.close();
    },
  };
}
