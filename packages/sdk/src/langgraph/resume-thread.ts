import { Command } from "@langchain/langgraph";
import { awaitDecided, clientOrDefault } from "../adapters/tool-call.ts";
import type { LoopgateClient } from "../loopgate-client.ts";
import { DEFAULT_WAIT_MS } from "../types.ts";
import type { LoopgateInterruptValue } from "./request-approval.ts";

/** The part of a compiled graph the resumer uses, typed structurally. */
export interface ResumableGraph<Output> {
  getState(config: { configurable: { thread_id: string } }): Promise<{
    tasks: readonly { interrupts: readonly { id?: string; value?: unknown }[] }[];
  }>;
  /** Takes the `Command`; typed `never` so any graph's own input type fits. */
  invoke(input: never, config: { configurable: { thread_id: string } }): Promise<Output>;
}

/** Options of {@link resumeFromLoopgate}. */
export interface ResumeOptions {
  /** The Loopgate client. @defaultValue `new Loopgate()` (`LOOPGATE_URL`, `LOOPGATE_API_KEY`) */
  loopgate?: LoopgateClient;
  /** How long to wait for the decisions, in all. @defaultValue 600000 (10 minutes) */
  waitMs?: number;
  signal?: AbortSignal;
}

/**
 * Resumes a thread stopped by `requestApproval` once Loopgate has decided: reads the thread's open
 * Loopgate interrupts from the checkpointer, waits for their proposals' decisions, and invokes the graph
 * with `Command({ resume })` keyed by interrupt id. Returns `null` when the thread has no Loopgate
 * interrupt open. Use a durable checkpointer (e.g. `SqliteSaver`) and this works in a new process; call it
 * from a loop, a job runner or a webhook handler for `/v1/events`.
 *
 * @example
 * ```ts
 * import { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
 * import { resumeFromLoopgate } from "@loopgate/sdk/langgraph";
 *
 * const graph = builder.compile({ checkpointer: SqliteSaver.fromConnString("agent.sqlite") });
 * const output = await resumeFromLoopgate(graph, "ticket-812");
 * ```
 */
export async function resumeFromLoopgate<Output>(
  graph: ResumableGraph<Output>,
  threadId: string,
  options: ResumeOptions = {},
): Promise<Output | null> {
  const loopgate = clientOrDefault(options.loopgate);
  const config = { configurable: { thread_id: threadId } };
  const state = await graph.getState(config);
  const open = state.tasks.flatMap((t) => t.interrupts).filter(isLoopgateInterrupt);
  if (open.length === 0) return null;
  const deadline = Date.now() + (options.waitMs ?? DEFAULT_WAIT_MS);
  const resume: Record<string, { proposalId: string; status: string }> = {};
  for (const item of open) {
    const proposal = await loopgate.getProposal(item.value.loopgate.proposalId);
    const outcome = await awaitDecided(
      loopgate,
      proposal,
      deadline,
      options.waitMs ?? DEFAULT_WAIT_MS,
      options.signal,
    );
    // Only a pointer: the node reads the decision from Loopgate itself.
    resume[item.id] = { proposalId: proposal.id, status: outcome.proposal.status };
  }
  return graph.invoke(new Command({ resume }) as never, config);
}

function isLoopgateInterrupt(item: {
  id?: string;
  value?: unknown;
}): item is { id: string; value: LoopgateInterruptValue } {
  const loopgate = (item.value as Partial<LoopgateInterruptValue> | undefined)?.loopgate;
  return typeof item.id === "string" && typeof loopgate?.proposalId === "string";
}
