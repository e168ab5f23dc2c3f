import type { Loopgate } from "../../src/client.ts";
import type { DecideInput, JsonObject, ReviewItem } from "../../src/types.ts";

/** The action types of `conformance-policy.yaml`, and the tool name each adapter's agent calls. */
export const ACTIONS = {
  review: { actionType: "test.refund", tool: "refund" },
  expiring: { actionType: "test.expiring", tool: "expiring_refund" },
  auto: { actionType: "test.lookup", tool: "lookup" },
} as const;

export type ActionKey = keyof typeof ACTIONS;

/** What a driver's agent run gives the scenario to look at. */
export interface AgentRun {
  /** The arguments the tool actually ran with, live: filled in when (and if) it runs. */
  ran: JsonObject[];
  /** Ends with what the model (or caller) read as the tool's result: its output, or the refusal. */
  done: Promise<string>;
}

/** One adapter under test: starts an agent whose model calls one gated tool once. */
export interface AdapterDriver {
  name: string;
  setUp?(env: ConformanceEnv): Promise<void>;
  tearDown?(): Promise<void>;
  start(env: ConformanceEnv, action: ActionKey, args: JsonObject): AgentRun;
}

export interface ConformanceEnv {
  url: string;
  agentKey: string;
  /** An owner's key, for stops. */
  ownerKey: string;
  agent: Loopgate;
  reviewer: Loopgate;
}

/** The tool every driver gates: records its arguments, answers with what it did. */
export function refundTool(ran: JsonObject[]) {
  return (input: JsonObject) => {
    ran.push(input);
    return `refunded ${String(input.amount)}`;
  };
}

/** What the reviewer sees as the summary of the suite's proposals. */
export function describeCall(input: JsonObject) {
  return { summary: `conformance ${String(input.note)}` };
}

/** Waits for the open review of the proposal tagged `note` and decides it. */
export async function decide(env: ConformanceEnv, note: string, decision: DecideInput): Promise<ReviewItem> {
  const review = await waitForReview(env.reviewer, note);
  await env.reviewer.decide(review.id, decision);
  return review;
}

/** The open review whose proposal carries `note` in its payload (every test's arguments hold a fresh one). */
export async function waitForReview(
  reviewer: Loopgate,
  note: string,
  timeoutMs = 10_000,
): Promise<ReviewItem> {
  const deadline = Date.now() + timeoutMs;
  const seen = new Set<string>();
  for (;;) {
    for (const review of (await reviewer.listReviews({ limit: 500 })).items) {
      if (seen.has(review.id)) continue;
      const proposal = await reviewer.getProposal(review.proposalId);
      if (proposal.action.payload.note === note) return review;
      seen.add(review.id);
    }
    if (Date.now() > deadline) throw new Error(`no review for ${note}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

let counter = 0;
/** A tag unique in this process, for notes and call ids. */
export function uniqueTag(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

/** The text a framework shows a model for a tool result part, whatever its form. */
export function textOf(output: unknown): string {
  if (typeof output === "string") return output;
  if (output !== null && typeof output === "object") {
    const o = output as { type?: string; value?: unknown; reason?: unknown; text?: unknown };
    if (o.type === "execution-denied") return String(o.reason ?? "");
    if (typeof o.text === "string") return o.text;
    if (o.value !== undefined) return textOf(o.value);
  }
  return JSON.stringify(output);
}
