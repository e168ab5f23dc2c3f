/**
 * A refund agent on the OpenAI Agents SDK whose refunds wait for a person in Loopgate — and survive a
 * restart while they wait. Offline: a scripted model stands in for OpenAI.
 *
 *   LOOPGATE_URL=… LOOPGATE_API_KEY=<agent key> node --import tsx refund-agent.ts start run.json
 *   (it waits for the decision; kill it, restart the machine, decide in Loopgate… then)
 *   LOOPGATE_URL=… LOOPGATE_API_KEY=<agent key> node --import tsx refund-agent.ts resume run.json
 */
import { randomUUID } from "node:crypto";
import { appendFile, readFile, rename, writeFile } from "node:fs/promises";
import { gateAgentTool, proposeInterruptions, resumeFromLoopgate } from "@loopgate/sdk/openai-agents";
import {
  Agent,
  type Model,
  type ModelRequest,
  type ModelResponse,
  run,
  setTracingDisabled,
  tool,
  Usage,
} from "@openai/agents";
import { z } from "zod";

setTracingDisabled(true);

/** Calls `refund` once, then repeats what the tool answered. Replace with a real model in production. */
class ScriptedModel implements Model {
  async getResponse(request: ModelRequest): Promise<ModelResponse> {
    const items = Array.isArray(request.input) ? request.input : [];
    const result = items.find((i) => i.type === "function_call_result");
    if (result !== undefined && "output" in result) {
      const output = result.output as { text?: string } | string;
      const text = typeof output === "string" ? output : (output.text ?? JSON.stringify(output));
      return { usage: new Usage(), output: [message(`Refund tool said: ${text}`)] };
    }
    const args = { amount: 42.5, currency: "EUR", customerId: "c_123" };
    return {
      usage: new Usage(),
      output: [
        {
          type: "function_call",
          callId: `call_${randomUUID()}`,
          name: "refund",
          arguments: JSON.stringify(args),
          status: "completed",
        },
      ],
    };
  }
  // biome-ignore lint/correctness/useYield: never streamed in this example
  async *getStreamedResponse(): AsyncIterable<never> {
    throw new Error("not streamed");
  }
}

function message(text: string) {
  return {
    type: "message" as const,
    role: "assistant" as const,
    status: "completed" as const,
    content: [{ type: "output_text" as const, text }],
  };
}

const refund = gateAgentTool(
  tool({
    name: "refund",
    description: "Refund a customer",
    parameters: z.object({ amount: z.number(), currency: z.string(), customerId: z.string() }),
    execute: async (input) => {
      // The "payment system": a log file, so you can see what ran (and that it ran once).
      await appendFile(process.env.REFUNDS_LOG ?? "refunds.log", `${JSON.stringify(input)}\n`);
      return `refunded ${input.amount} ${input.currency} to ${input.customerId}`;
    },
  }),
  { actionType: "billing.refund", describe: (p) => ({ summary: `Refund ${p.amount} ${p.currency}` }) },
);

export const agent = new Agent({
  name: "refunds",
  instructions: "Refund duplicate charges.",
  model: new ScriptedModel(),
  tools: [refund],
});
const actions = { refund: "billing.refund" };

const [command, file = "run.json"] = process.argv.slice(2);
if (command === "start") {
  const result = await run(agent, "I was charged twice for order o_1");
  if (result.interruptions.length === 0) console.log(JSON.stringify({ finalOutput: result.finalOutput }));
  else {
    const pending = await proposeInterruptions(result, { actions });
    // Written whole or not at all (a kill mid-write must not leave half a file); from here a restart loses nothing.
    await writeFile(`${file}.tmp`, JSON.stringify(pending));
    await rename(`${file}.tmp`, file);
    console.error(`waiting for review: ${pending.proposals.map((p) => p.proposalId).join(", ")}`);
    const resumed = await resumeFromLoopgate(agent, pending, { actions });
    console.log(JSON.stringify({ finalOutput: resumed.finalOutput }));
  }
} else if (command === "resume") {
  const pending = JSON.parse(await readFile(file, "utf8"));
  const result = await resumeFromLoopgate(agent, pending, { actions });
  console.log(JSON.stringify({ finalOutput: result.finalOutput }));
} else {
  console.error("usage: refund-agent.ts start|resume [run.json]");
  process.exitCode = 2;
}
