/**
 * bench/mcp-gateway — what Loopgate adds to a tool call the policy routes `auto`:
 *
 * 1. MCP: `read_text_file` on `@modelcontextprotocol/server-filesystem`, called directly over stdio vs
 *    through `loopgate mcp gateway` (itself over stdio, proposing each call to a Loopgate server);
 * 2. the adapters' auto path (`proposeToolCall` → outcome → `runApproved`, shared by the AI SDK, OpenAI
 *    Agents and LangGraph adapters) vs calling the tool function itself.
 *
 * One caller, calls in sequence (latency, not throughput); the server runs in its own process on the
 * embedded store.
 *
 *   node --import tsx bench/mcp-gateway.ts [--calls 500] [--warmup 50]
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { Loopgate } from "@loopgate/sdk";
import { awaitOutcome, proposeToolCall, runApproved } from "@loopgate/sdk/adapters";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { summarize, table } from "./support/latency.ts";
import { FILESYSTEM_SERVER, LOOPGATE_BIN, startLoopgate } from "./support/mcp-processes.ts";

const { values } = parseArgs({
  options: { calls: { type: "string", default: "500" }, warmup: { type: "string", default: "50" } },
});
const calls = Number(values.calls);
const warmup = Number(values.warmup);
const POLICY = new URL("../examples/mcp-gateway/policy.yaml", import.meta.url).pathname;

async function measure(call: (i: number) => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await call(i);
  const latencies: number[] = [];
  for (let i = 0; i < calls; i++) {
    const started = performance.now();
    await call(warmup + i);
    latencies.push(performance.now() - started);
  }
  return latencies;
}

async function mcpClient(command: string, args: string[], env: Record<string, string> = {}): Promise<Client> {
  const client = new Client({ name: "bench", version: "1" });
  await client.connect(
    new StdioClientTransport({
      command,
      args,
      env: { ...(process.env as Record<string, string>), ...env },
      stderr: "ignore",
    }),
  );
  return client;
}

const dir = await mkdtemp(join(tmpdir(), "loopgate-bench-mcp-"));
const loopgate = await startLoopgate(join(dir, "data"), POLICY);
try {
  const files = join(dir, "files");
  await import("node:fs/promises").then((fs) => fs.mkdir(files));
  const path = join(files, "note.txt");
  await writeFile(path, "hello");
  const read = { name: "read_text_file", arguments: { path } };

  const direct = await mcpClient(process.execPath, [FILESYSTEM_SERVER, files]);
  const gateway = await mcpClient(
    process.execPath,
    [LOOPGATE_BIN, "mcp", "gateway", "--upstream", `${process.execPath} ${FILESYSTEM_SERVER} ${files}`],
    { LOOPGATE_URL: loopgate.url, LOOPGATE_API_KEY: loopgate.key },
  );
  const directMs = summarize(await measure(() => direct.callTool(read)));
  const gatewayMs = summarize(await measure(() => gateway.callTool(read)));
  await direct.close();
  await gateway.close();

  const client = new Loopgate({ url: loopgate.url, apiKey: loopgate.key });
  const tool = async (payload: Record<string, unknown>) => ({ read: payload.path });
  const bareMs = summarize(await measure(() => tool({ path })));
  const adapterMs = summarize(
    await measure(async (i) => {
      const proposal = await proposeToolCall(client, { actionType: "files.read" }, { path }, `bench:${i}`);
      const outcome = await awaitOutcome(client, proposal, 0);
      if (outcome.approved !== true) throw new Error(`not auto-approved: ${proposal.status}`);
      return runApproved(client, outcome.proposal, outcome.payload, tool);
    }),
  );

  // What one durable write costs here: the floor under both gated paths.
  const proposeMs = summarize(
    await measure((i) =>
      client.propose(
        { action: { type: "files.read", payload: { path } } },
        { idempotencyKey: `bench-p:${i}` },
      ),
    ),
  );

  const ms = (n: number) => n.toFixed(2);
  const row = (what: string, s: ReturnType<typeof summarize>, base?: ReturnType<typeof summarize>) => ({
    path: what,
    "p50 ms": ms(s.p50),
    "p99 ms": ms(s.p99),
    "added p50 ms": base === undefined ? "—" : ms(s.p50 - base.p50),
    "added p99 ms": base === undefined ? "—" : ms(s.p99 - base.p99),
  });
  console.log(
    table([
      row("MCP read_text_file, direct (stdio)", directMs),
      row("MCP read_text_file, through loopgate mcp gateway (auto)", gatewayMs, directMs),
      row("tool function, bare", bareMs),
      row("adapter auto path (propose → outcome → run → report)", adapterMs, bareMs),
      row("for scale: POST /v1/proposals alone (auto, durable)", proposeMs),
    ]),
  );
  console.log(`\n${calls} sequential calls each after ${warmup} warm-up; node ${process.version}`);
  console.log(`command: node --import tsx bench/mcp-gateway.ts --calls ${calls} --warmup ${warmup}`);
} finally {
  loopgate.child.kill("SIGTERM");
  await new Promise((r) => loopgate.child.once("exit", r));
  await rm(dir, { recursive: true, force: true });
}
