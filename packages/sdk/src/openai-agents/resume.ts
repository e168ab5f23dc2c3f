import { type Agent, type RunResult, RunState, run } from "@openai/agents";
import { awaitDecided, clientOrDefault, proposeToolCall, type ToolGate } from "../adapters/tool-call.ts";
import type { LoopgateClient } from "../loopgate-client.ts";
import { DEFAULT_WAIT_MS, type JsonObject } from "../types.ts";
import { agentsKey } from "./gate-agent-tool.ts";

/** Which tools go through Loopgate: a tool name → its action type, or a {@link ToolGate}. */
export type AgentToolActions = Record<string, string | ToolGate>;

/**
 * A run stopped for approval, in a form to store (it is plain JSON): the serialised `RunState` and the
 * Loopgate proposal of each interruption. Give it to {@link resumeFromLoopgate}, in this process or a
 * new one.
 */
export interface PendingRun {
  state: string;
  proposals: { callId: string; toolName: string; proposalId: string }[];
}

/** The interruption fields read here (`RunToolApprovalItem`). */
interface ApprovalItem {
  name?: string | undefined;
  arguments?: string | undefined;
  rawItem: { callId?: string } | object;
}

/** Options of {@link proposeInterruptions} and {@link resumeFromLoopgate}. */
export interface AgentsLoopgateOptions {
  /** The gated tools: the same map as the tools' `actionType`s. */
  actions: AgentToolActions;
  /** The Loopgate client. @defaultValue `new Loopgate()` (`LOOPGATE_URL`, `LOOPGATE_API_KEY`) */
  loopgate?: LoopgateClient;
  /** How long to wait for all decisions. @defaultValue 600000 (10 minutes) */
  waitMs?: number;
  signal?: AbortSignal;
}

/**
 * Proposes a stopped run's interruptions to Loopgate (finding the proposals `needsApproval` already made)
 * and returns the {@link PendingRun} to store: from here a restart loses nothing.
 *
 * @example
 * ```ts
 * const result = await run(agent, "Refund the duplicate charge of c_123");
 * if (result.interruptions.length > 0) {
 *   const pending = await proposeInterruptions(result, { actions: { refund: "billing.refund" } });
 *   await writeFile("pending-run.json", JSON.stringify(pending));
 * }
 * ```
 */
export async function proposeInterruptions(
  result: { interruptions: readonly ApprovalItem[]; state: { toString(): string } },
  options: AgentsLoopgateOptions,
): Promise<PendingRun> {
  const loopgate = clientOrDefault(options.loopgate);
  const proposals: PendingRun["proposals"] = [];
  for (const item of result.interruptions) {
    const callId = callIdOf(item);
    const gate = gateFor(options.actions, item.name);
    if (callId === undefined || gate === undefined || item.name === undefined) continue;
    const input = JSON.parse(item.arguments ?? "{}") as JsonObject;
    const proposal = await proposeToolCall(loopgate, gate, input, agentsKey(callId));
    proposals.push({ callId, toolName: item.name, proposalId: proposal.id });
  }
  return { state: result.state.toString(), proposals };
}

/**
 * Decides a restored `RunState`'s interruptions from Loopgate: waits for each proposal, then approves it
 * or rejects it with the reviewer's reason as the message the model reads. Interruptions that are not
 * Loopgate's are left for the caller. Throws `DecisionTimeoutError` if one is undecided after `waitMs`.
 *
 * @example
 * ```ts
 * const state = await RunState.fromString(agent, pending.state);
 * await applyLoopgateDecisions(state, pending, { actions: { refund: "billing.refund" } });
 * const result = await run(agent, state);
 * ```
 */
export async function applyLoopgateDecisions(
  state: {
    getInterruptions(): ApprovalItem[];
    approve(item: never): void;
    reject(item: never, options?: { message?: string }): void;
  },
  pending: PendingRun,
  options: AgentsLoopgateOptions,
): Promise<void> {
  const loopgate = clientOrDefault(options.loopgate);
  const deadline = Date.now() + (options.waitMs ?? DEFAULT_WAIT_MS);
  const approve = state.approve.bind(state) as (item: ApprovalItem) => void;
  const reject = state.reject.bind(state) as (item: ApprovalItem, o: { message: string }) => void;
  for (const item of state.getInterruptions()) {
    const entry = pending.proposals.find((p) => p.callId === callIdOf(item));
    if (entry === undefined) continue;
    const proposal = await loopgate.getProposal(entry.proposalId);
    const outcome = await awaitDecided(
      loopgate,
      proposal,
      deadline,
      options.waitMs ?? DEFAULT_WAIT_MS,
      options.signal,
    );
    // An edited approval is approved as the model called it; `gateAgentTool` runs the edited payload.
    if (outcome.approved) approve(item);
    else reject(item, { message: outcome.reason });
  }
}

/**
 * Resumes a stopped run once Loopgate has decided: restores the `RunState`, applies the decisions and
 * runs the agent on. Works in a new process: `pending` is all it needs.
 *
 * @example
 * ```ts
 * import { resumeFromLoopgate } from "@loopgate/sdk/openai-agents";
 *
 * const pending = JSON.parse(await readFile("pending-run.json", "utf8"));
 * const result = await resumeFromLoopgate(agent, pending, { actions: { refund: "billing.refund" } });
 * console.log(result.finalOutput);
 * ```
 */
// biome-ignore lint/suspicious/noExplicitAny: `run` itself takes `Agent<any, any>`; any agent may be resumed.
export async function resumeFromLoopgate<TAgent extends Agent<any, any>>(
  agent: TAgent,
  pending: PendingRun,
  options: AgentsLoopgateOptions,
): Promise<RunResult<unknown, TAgent>> {
  const state = await RunState.fromString(agent, pending.state);
  await applyLoopgateDecisions(state, pending, options);
  return run(agent, state);
}

function callIdOf(item: ApprovalItem): string | undefined {
  const callId = (item.rawItem as { callId?: unknown }).callId;
  return typeof callId === "string" ? callId : undefined;
}

function gateFor(actions: AgentToolActions, name: string | undefined): ToolGate | undefined {
  const entry = name !== undefined && Object.hasOwn(actions, name) ? actions[name] : undefined;
  return typeof entry === "string" ? { actionType: entry } : entry;
}
