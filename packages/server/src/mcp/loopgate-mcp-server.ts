import type { LoopgateClient, Proposal } from "@loopgate/sdk";
import { outcomeOf } from "@loopgate/sdk/adapters";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { fetchActionTypes, type LoopgateConnection } from "./action-map.ts";

/** The longest a single `get_decision` call holds, in seconds: MCP clients time requests out. */
const MAX_WAIT_SECONDS = 60;

/**
 * An MCP server that gives any MCP client (a desktop assistant, an IDE agent) Loopgate's agent verbs as
 * tools: `list_action_types`, `propose_action` and `get_decision`. The client acts as the agent whose
 * key it runs with; it can propose and read, never decide.
 *
 * @example
 * ```ts
 * const server = createLoopgateMcpServer(new Loopgate(), { url, apiKey });
 * await server.connect(new StdioServerTransport());
 * ```
 */
export function createLoopgateMcpServer(loopgate: LoopgateClient, connection: LoopgateConnection): McpServer {
  const server = new McpServer(
    { name: "loopgate", version: "0.1.0" },
    {
      instructions:
        "Loopgate puts a person between you and consequential actions. Before acting, call propose_action " +
        "with the action type and payload; act only on an approved proposal, with its finalPayload " +
        "(a reviewer may have edited it). A rejection's comment says why.",
    },
  );

  server.registerTool(
    "list_action_types",
    {
      description: "The action types Loopgate's policy declares, with their payload JSON Schemas",
      annotations: { readOnlyHint: true },
    },
    async () => json(await fetchActionTypes(connection)),
  );

  server.registerTool(
    "propose_action",
    {
      description:
        "Propose an action for review. Returns the proposal: status auto_approved or approved means go " +
        "ahead with finalPayload; pending_review means wait (get_decision); rejected or blocked means don't.",
      inputSchema: {
        type: z.string().describe("the action type, e.g. support.reply (see list_action_types)"),
        payload: z.record(z.string(), z.unknown()).describe("the action's payload, per its schema"),
        summary: z.string().optional().describe("one line for the reviewer"),
        request: z.string().optional().describe("the original request, e.g. the customer's message"),
        evidence: z
          .array(z.object({ source: z.string(), id: z.string().optional(), snippet: z.string().optional() }))
          .optional(),
        confidence: z.number().min(0).max(1).optional().describe("your own confidence, 0–1"),
        idempotencyKey: z.string().optional().describe("reuse to make a retry return the same proposal"),
        waitSeconds: z.number().int().min(0).max(MAX_WAIT_SECONDS).optional(),
      },
    },
    async (input) => {
      const proposal = await loopgate.propose(
        {
          action: { type: input.type, payload: input.payload },
          ...(input.summary === undefined ? {} : { summary: input.summary }),
          ...(input.request === undefined ? {} : { request: { text: input.request } }),
          ...(input.evidence === undefined ? {} : { evidence: input.evidence }),
          ...(input.confidence === undefined ? {} : { signals: { agentConfidence: input.confidence } }),
        },
        input.idempotencyKey === undefined ? {} : { idempotencyKey: input.idempotencyKey },
      );
      return answer(await waitUpTo(loopgate, proposal, input.waitSeconds ?? 0));
    },
  );

  server.registerTool(
    "get_decision",
    {
      description: "Read a proposal's decision, waiting up to waitSeconds for a person to decide",
      inputSchema: {
        proposalId: z.string(),
        waitSeconds: z.number().int().min(0).max(MAX_WAIT_SECONDS).optional(),
      },
      annotations: { readOnlyHint: true },
    },
    async ({ proposalId, waitSeconds }) => {
      const proposal = await loopgate.getProposal(proposalId);
      return answer(await waitUpTo(loopgate, proposal, waitSeconds ?? 0));
    },
  );

  return server;
}

async function waitUpTo(loopgate: LoopgateClient, proposal: Proposal, seconds: number): Promise<Proposal> {
  if (seconds <= 0 || outcomeOf(proposal).approved !== null) return proposal;
  return loopgate
    .waitForDecision(proposal.id, { timeoutMs: seconds * 1000 })
    .catch(() => loopgate.getProposal(proposal.id));
}

/** The proposal's essentials as text, and whole as structured content; refusals carry the reason. */
function answer(proposal: Proposal): CallToolResult {
  const outcome = outcomeOf(proposal);
  const view = {
    id: proposal.id,
    status: proposal.status,
    finalPayload: proposal.finalPayload,
    reason: outcome.approved === false ? outcome.reason : null,
    route: proposal.route,
    decisions: proposal.decisions.map((d) => ({
      verdict: d.verdict,
      category: d.category,
      comment: d.comment,
    })),
  };
  return { content: [{ type: "text", text: JSON.stringify(view, null, 2) }] };
}

function json(value: unknown): CallToolResult {
  return { content: [{ type: "text", text: JSON.stringify(value, null, 2) }] };
}
