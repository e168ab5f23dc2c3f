import { type Command, InvalidArgumentError } from "commander";
import { note } from "./output.ts";

interface ConnectionFlags {
  url?: string;
  apiKey?: string;
}

interface GatewayFlags extends ConnectionFlags {
  upstream: string;
  wait: number;
  serverName?: string;
  publicUrl?: string;
}

/** `--wait` when not given: ten minutes, as SPEC §7 says. */
const DEFAULT_WAIT_SECONDS = 600;

/** `loopgate mcp serve` and `loopgate mcp gateway`: MCP over stdio, for MCP clients. */
export function registerMcp(program: Command): void {
  const mcp = program
    .command("mcp")
    .description("MCP over stdio: Loopgate's tools, or a gateway in front of another MCP server")
    .addHelpText(
      "after",
      `
Both read LOOPGATE_URL and LOOPGATE_API_KEY (an agent key) unless given --url and --api-key.
stdout is the MCP channel; notes go to stderr.

Examples:
  $ loopgate mcp serve
  $ loopgate mcp gateway --upstream "npx -y @modelcontextprotocol/server-filesystem /srv/files"
  $ loopgate mcp gateway --upstream https://tools.internal.example/mcp --wait 120`,
    );

  mcp
    .command("serve")
    .description("an MCP server with tools to propose an action and read its decision")
    .option("--url <url>", "Loopgate's URL (default: $LOOPGATE_URL or http://localhost:4747)")
    .option("--api-key <key>", "the agent's API key (default: $LOOPGATE_API_KEY)")
    .addHelpText(
      "after",
      `
Speaks MCP on stdin/stdout until the client closes stdin; an MCP client starts it as a command.

Examples:
  $ LOOPGATE_API_KEY=lg_agent_… loopgate mcp serve
  $ loopgate mcp serve --url https://loopgate.internal.example --api-key "$SUPPORT_BOT_KEY"`,
    )
    .action(async (flags: ConnectionFlags) => serveMcp(flags));

  mcp
    .command("gateway")
    .description("an MCP proxy that sends calls of tools mapped in the policy (mcpTool:) through Loopgate")
    .requiredOption(
      "--upstream <command or URL>",
      "the MCP server to front: a command line (stdio) or an http(s) URL",
    )
    .option(
      "--wait <seconds>",
      "how long a gated call waits for its decision",
      parseSeconds,
      DEFAULT_WAIT_SECONDS,
    )
    .option(
      "--server-name <name>",
      "the name matched against mcpServer: in the policy (default: the name the upstream reports)",
    )
    .option(
      "--public-url <url>",
      "the reviewer app's URL, for the review link a client with elicitation is shown (default: $LOOPGATE_PUBLIC_URL or --url)",
    )
    .option("--url <url>", "Loopgate's URL (default: $LOOPGATE_URL or http://localhost:4747)")
    .option("--api-key <key>", "the agent's API key (default: $LOOPGATE_API_KEY)")
    .addHelpText(
      "after",
      `
Tools mapped by an action type's mcpTool: wait for a decision (up to --wait), then go upstream with the
approved arguments; a rejection or a decision still pending comes back as an error result. Other tools
pass through untouched.

Examples:
  $ loopgate mcp gateway --upstream "npx -y @modelcontextprotocol/server-filesystem /srv/files"
  $ loopgate mcp gateway --upstream https://tools.internal.example/mcp --server-name tools --wait 120`,
    )
    .action(async (flags: GatewayFlags) => runGateway(flags));
}

async function serveMcp(flags: ConnectionFlags): Promise<void> {
  const { Loopgate } = await import("@loopgate/sdk");
  const { StdioServerTransport } = await import("@modelcontextprotocol/sdk/server/stdio.js");
  const { createLoopgateMcpServer } = await import("../mcp/loopgate-mcp-server.ts");
  const connection = connectionFrom(flags);
  const server = createLoopgateMcpServer(new Loopgate(connection), connection);
  await server.connect(new StdioServerTransport());
  note(`loopgate mcp serve: ready (Loopgate at ${connection.url})`);
  await untilClosed(() => server.close());
}

async function runGateway(flags: GatewayFlags): Promise<void> {
  const { Loopgate } = await import("@loopgate/sdk");
  const { StdioServerTransport } = await import("@modelcontextprotocol/sdk/server/stdio.js");
  const { McpActionMap } = await import("../mcp/action-map.ts");
  const { createMcpGateway } = await import("../mcp/gateway.ts");
  const { connectUpstream } = await import("../mcp/upstream.ts");
  const { ResultReporter } = await import("../mcp/result-reporter.ts");
  const connection = connectionFrom(flags);
  const upstream = await connectUpstream(flags.upstream);
  const serverName = flags.serverName ?? upstream.getServerVersion()?.name;
  const actions = new McpActionMap(connection, serverName === undefined ? {} : { serverName });
  // Read the map before accepting calls: a gateway that cannot reach Loopgate must not start open.
  await actions.actionTypeFor("").catch(async (error: unknown) => {
    await upstream.close();
    throw error;
  });
  const loopgate = new Loopgate(connection);
  const reporter = new ResultReporter(loopgate, { log: note });
  const gateway = createMcpGateway({
    upstream,
    loopgate,
    actions,
    waitMs: flags.wait * 1000,
    reporter,
    reviewerAppUrl: flags.publicUrl ?? envValue("LOOPGATE_PUBLIC_URL") ?? connection.url,
  });
  await gateway.connect(new StdioServerTransport());
  note(`loopgate mcp gateway: fronting ${flags.upstream} (Loopgate at ${connection.url})`);
  await untilClosed(async () => {
    await gateway.close();
    await reporter.close(); // the results of calls already answered
    actions.close();
    await upstream.close();
  });
}

function connectionFrom(flags: ConnectionFlags): { url: string; apiKey: string | undefined } {
  return {
    url: flags.url ?? envValue("LOOPGATE_URL") ?? "http://localhost:4747",
    apiKey: flags.apiKey ?? envValue("LOOPGATE_API_KEY"),
  };
}

function envValue(name: string): string | undefined {
  return process.env[name]?.trim() ? process.env[name] : undefined;
}

/** Runs until stdin closes (the MCP client went away) or a signal arrives, then closes. */
async function untilClosed(close: () => Promise<void>): Promise<void> {
  await new Promise<void>((resolve) => {
    process.stdin.once("end", resolve);
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await close().catch(() => {});
}

function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !Number.isFinite(seconds)) {
    throw new InvalidArgumentError("give a number of seconds, e.g. 600");
  }
  return seconds;
}
