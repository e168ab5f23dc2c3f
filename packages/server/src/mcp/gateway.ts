import { randomUUID } from "node:crypto";
import type { LoopgateClient } from "@loopgate/sdk";
import { awaitOutcome, outcomeOf, proposeToolCall } from "@loopgate/sdk/adapters";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  CallToolRequestSchema,
  type CallToolResult,
  ListToolsRequestSchema,
  type Tool,
} from "@modelcontextprotocol/sdk/types.js";
import type { McpActionMap } from "./action-map.ts";
import { InputChecker } from "./input-check.ts";
import { ResultReporter } from "./result-reporter.ts";
import { noticeOfReview } from "./review-notice.ts";

/** Options of {@link createMcpGateway}. */
export interface McpGatewayOptions {
  /** The upstream MCP server, connected. */
  upstream: Client;
  /** The agent's Loopgate client. */
  loopgate: LoopgateClient;
  /** Which tools are gated, from the policy's `mcpTool:`. */
  actions: McpActionMap;
  /**
   * How long a gated call waits for its decision before it answers with an error naming the proposal.
   * @defaultValue 600000 (10 minutes, as `--wait 600`)
   */
  waitMs?: number;
  /** Where the gateway's own notes go (never stdout: that is the MCP channel). */
  log?: (line: string) => void;
  /**
   * Reports the results of forwarded calls to Loopgate, off the calls' path. Give one to flush it at
   * shutdown (`await reporter.close()`); by default the gateway makes its own and flushes it when the
   * MCP connection closes.
   */
  reporter?: ResultReporter;
  /**
   * The reviewer app's base URL, for the link in the notice a client with elicitation is sent when a
   * call waits for review. @defaultValue null (the notice names the proposal and review, without a link)
   */
  reviewerAppUrl?: string | null;
}

/**
 * An MCP server that fronts another one. It lists the upstream's tools unchanged; a call of a tool the
 * policy maps to an action type (`mcpTool:`) is proposed to Loopgate with the call's arguments as the
 * payload, and goes upstream only once approved — with the approved, possibly edited, arguments. Calls of
 * unmapped tools, and calls the policy routes `auto`, go straight through.
 *
 * - rejected, blocked, expired, more information needed → an error result (`isError: true`) carrying the
 *   reviewer's reason and comment, and the proposal id;
 * - still pending after `waitMs` → an error result naming the proposal, to ask about later (`loopgate mcp
 *   serve`'s `get_decision`, or the reviewer app);
 * - arguments that fail the tool's `inputSchema` → the upstream's own validation error, with no proposal.
 *
 * A call is forwarded only once its proposal, routing and audit entry are committed; its result is
 * reported afterwards, in the next pause between calls or in batches (see {@link ResultReporter}), so an
 * auto-routed call costs one durable write on its path, not two. A client that declared elicitation is told when a call
 * waits for a person (see {@link noticeOfReview}); the call waits all the same.
 *
 * @example
 * ```ts
 * const upstream = await connectUpstream("node fs-server.js /tmp/work");
 * const gateway = createMcpGateway({ upstream, loopgate: new Loopgate(), actions: new McpActionMap(conn) });
 * await gateway.connect(new StdioServerTransport());
 * ```
 */
export function createMcpGateway(options: McpGatewayOptions): Server {
  const { upstream, loopgate, actions } = options;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const waitMs = options.waitMs ?? 600_000;
  const upstreamInfo = upstream.getServerVersion();
  const server = new Server(
    {
      name: `loopgate-gateway(${upstreamInfo?.name ?? "upstream"})`,
      version: upstreamInfo?.version ?? "0.0.0",
    },
    { capabilities: { tools: {} }, instructions: upstream.getInstructions() },
  );
  const schemas = new Map<string, Tool["inputSchema"]>();
  const checker = new InputChecker();
  const reporter = options.reporter ?? new ResultReporter(loopgate, { log });
  if (options.reporter === undefined) {
    server.onclose = () => {
      void reporter.close();
    };
  }

  server.setRequestHandler(ListToolsRequestSchema, async (request) => {
    const listed = await upstream.listTools(request.params);
    for (const tool of listed.tools) schemas.set(tool.name, tool.inputSchema);
    return listed; // unchanged: names, descriptions and schemas are the upstream's
  });

  server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const { name } = request.params;
    const args = request.params.arguments ?? {};
    const actionType = await actions.actionTypeFor(name);
    if (actionType === undefined) return (await upstream.callTool(request.params)) as CallToolResult;

    const check = checker.check(name, await schemaOf(name), args);
    if (check.kind === "ask_upstream") return (await upstream.callTool(request.params)) as CallToolResult;
    if (check.kind === "invalid") return errorResult(check.message);

    reporter.callStarted(); // results of earlier calls hold back while this one is proposed
    const proposal = await proposeToolCall(
      loopgate,
      { actionType, describe: () => ({ summary: `MCP tool call: ${name}` }) },
      args,
      `mcp:${randomUUID()}`,
    );
    let outcome = outcomeOf(proposal);
    if (outcome.approved === null) {
      const notice = noticeOfReview(server, proposal, {
        tool: name,
        reviewerAppUrl: options.reviewerAppUrl ?? null,
        waitMs,
        relatedRequestId: extra.requestId,
        log,
      });
      try {
        outcome = await awaitOutcome(loopgate, proposal, waitMs);
      } finally {
        notice.withdraw();
      }
    }
    if (outcome.approved === false) return errorResult(outcome.reason);
    if (outcome.approved === null) {
      return errorResult(
        `Not done yet: ${name} is waiting for review in Loopgate (proposal ${proposal.id}). ` +
          "Ask again later; nothing was sent to the tool.",
      );
    }
    const result = (await upstream.callTool({
      ...request.params,
      arguments: outcome.payload,
    })) as CallToolResult;
    reporter.report(
      proposal.id,
      result.isError ? { status: "failed", error: textOf(result) } : { status: "succeeded" },
    );
    return result;
  });

  async function schemaOf(tool: string): Promise<unknown> {
    if (!schemas.has(tool)) {
      checker.clear();
      let cursor: string | undefined;
      do {
        const page = await upstream.listTools(cursor === undefined ? {} : { cursor });
        for (const t of page.tools) schemas.set(t.name, t.inputSchema);
        cursor = page.nextCursor;
      } while (cursor !== undefined);
    }
    return schemas.get(tool);
  }

  return server;
}

function errorResult(text: string): CallToolResult {
  return { isError: true, content: [{ type: "text", text }] };
}

function textOf(result: CallToolResult): string {
  return result.content
    .flatMap((c) => (c.type === "text" ? [c.text] : []))
    .join("\n")
    .slice(0, 2000);
}
