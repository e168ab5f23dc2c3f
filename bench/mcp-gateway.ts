/**
 * bench/mcp-gateway — what Loopgate adds to a tool call the policy routes `auto`:
 *
 * 1. MCP: `read_text_file` on `@modelcontextprotocol/server-filesystem`, called directly over stdio vs
 *    through `loopgate mcp gateway` (itself over stdio, proposing each call to a Loopgate server);
 * 2. the adapters' auto path (`proposeToolCall` → outcome → `runApproved`, shared by the AI SDK, OpenAI
 *    Agents and LangGraph adapters) vs calling the tool function itself;
 * 3. the gateway in this process (in-memory MCP transport) by how it reports results: sent at once
 *    after each answer, sent along with the next call's proposal (what the gateway does), not at all.
 *
 * One caller, calls in sequence (latency, not throughput), the paths taking turns in blocks; the server
 * runs in its own process on the embedded store. Prints the load average, since the machine may be shared.
 *
 *   node --import tsx bench/mcp-gateway.ts [--calls 500] [--warmup 50]
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { Loopgate } from "@loopgate/sdk";
import { awaitOutcome, proposeToolCall, runApproved } from "@loopgate/sdk/adapters";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { summarize, table } from "./support/latency.ts";
import {
  FILESYSTEM_SERVER,
  LOOPGATE_BIN,
  reportingVariants,
  startLoopgate,
} from "./support/mcp-processes.ts";
import { SERVER_NODE_FLAGS } from "./support/server-node-flags.ts";

type Summary = ReturnType<typeof summarize>;

const { values } = parseArgs({
  options: { calls: { type: "string", default: "500" }, warmup: { type: "string", default: "50" } },
});
const calls = Number(values.calls);
const warmup = Number(values.warmup);
const POLICY = new URL("../examples/mcp-gateway/policy.yaml", import.meta.url).pathname;

/**
 * Measures every path in turn, `BLOCK` calls at a time, until each has `calls`: on a shared machine the
 * load drifts, and interleaving exposes each path (and the base it is compared with) to the same drift.
 * Each path is warmed up first.
 */
async function measureInterleaved(
  paths: Record<string, (i: number) => Promise<unknown>>,
): Promise<Record<string, number[]>> {
  const latencies: Record<string, number[]> = {};
  for (const [name, call] of Object.entries(paths)) {
    latencies[name] = [];
    for (let i = 0; i < warmup; i++) await call(i);
  }
  const BLOCK = 25;
  for (let done = 0; done < calls; done += BLOCK) {
    for (const [name, call] of Object.entries(paths)) {
      for (let i = done; i < Math.min(calls, done + BLOCK); i++) {
        const started = performance.now();
        await call(warmup + i);
        latencies[name]!.push(performance.now() - started);
      }
    }
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

const loadAtStart = loadavg();
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
    [
      ...SERVER_NODE_FLAGS,
      LOOPGATE_BIN,
      "mcp",
      "gateway",
      "--upstream",
      `${process.execPath} ${FILESYSTEM_SERVER} ${files}`,
    ],
    { LOOPGATE_URL: loopgate.url, LOOPGATE_API_KEY: loopgate.key },
  );
  const client = new Loopgate({ url: loopgate.url, apiKey: loopgate.key });
  const tool = async (payload: Record<string, unknown>) => ({ read: payload.path });
  const measured = await measureInterleaved({
    direct: () => direct.callTool(read),
    gateway: () => gateway.callTool(read),
    bare: () => tool({ path }),
    adapter: async (i) => {
      const proposal = await proposeToolCall(client, { actionType: "files.read" }, { path }, `bench:${i}`);
      const outcome = await awaitOutcome(client, proposal, 0);
      if (outcome.approved !== true) throw new Error(`not auto-approved: ${proposal.status}`);
      return runApproved(client, outcome.proposal, outcome.payload, tool);
    },
    // What one durable write costs here: the floor under both gated paths.
    propose: (i) =>
      client.propose(
        { action: { type: "files.read", payload: { path } } },
        { idempotencyKey: `bench-p:${i}` },
      ),
  });
  await direct.close();
  await gateway.close();

  const upstreamUrl = `${process.execPath} ${FILESYSTEM_SERVER} ${files}`;
  const variants = await reportingVariants(upstreamUrl, { url: loopgate.url, apiKey: loopgate.key });
  const byReporting = await measureInterleaved(
    Object.fromEntries(Object.entries(variants.clients).map(([name, c]) => [name, () => c.callTool(read)])),
  );
  await variants.close();
  const [directMs, gatewayMs, bareMs, adapterMs, proposeMs] = [
    "direct",
    "gateway",
    "bare",
    "adapter",
    "propose",
  ].map((name) => summarize(measured[name]!)) as [Summary, Summary, Summary, Summary, Summary];

  const ms = (n: number) => n.toFixed(2);
  const row = (what: string, s: Summary, base?: Summary) => ({
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
  console.log(
    `\n${table(
      Object.entries(byReporting).map(([how, latencies]) => {
        const s = summarize(latencies);
        return { "gateway in this process, results reported": how, "p50 ms": ms(s.p50), "p99 ms": ms(s.p99) };
      }),
    )}`,
  );
  const load = (l: number[]) => l.map((n) => n.toFixed(2)).join(" ");
  console.log(
    `\n${calls} sequential calls per path after ${warmup} warm-up, the paths taking turns in blocks of 25; node ${process.version}`,
  );
  console.log(
    `load average (1, 5, 15 min): ${load(loadAtStart)} at the start, ${load(loadavg())} at the end`,
  );
  console.log(`command: node --import tsx bench/mcp-gateway.ts --calls ${calls} --warmup ${warmup}`);
} finally {
  loopgate.child.kill("SIGTERM");
  await new Promise((r) => loopgate.child.once("exit", r));
  await rm(dir, { recursive: true, force: true });
}
