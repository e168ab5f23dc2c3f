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
import { gateAgentTool, proposeInterruptions, resumeFromLoopgate } from "../../../src/openai-agents/index.ts";
import type { JsonObject } from "../../../src/types.ts";
import { ACTIONS, type AdapterDriver, describeCall, refundTool, textOf, uniqueTag } from "../support.ts";

setTracingDisabled(true); // offline: no trace exporter

/**
 * A scripted Agents SDK model: first it calls `toolName` with `args`; once the input holds that call's
 * output, it records what it read there and answers in text.
 */
export class ScriptedModel implements Model {
  readonly callId = uniqueTag("call");
  constructor(
    private readonly toolName: string,
    private readonly args: JsonObject,
    private readonly read: (text: string) => void,
  ) {}

  async getResponse(request: ModelRequest): Promise<ModelResponse> {
    const items = Array.isArray(request.input) ? request.input : [];
    const result = items.find(
      (i) => i.type === "function_call_result" && "callId" in i && i.callId === this.callId,
    );
    if (result !== undefined && "output" in result) {
      this.read(textOf(result.output));
      return {
        usage: new Usage(),
        output: [
          {
            type: "message",
            role: "assistant",
            status: "completed",
            content: [{ type: "output_text", text: "done" }],
          },
        ],
      };
    }
    return {
      usage: new Usage(),
      output: [
        {
          type: "function_call",
          callId: this.callId,
          name: this.toolName,
          arguments: JSON.stringify(this.args),
          status: "completed",
        },
      ],
    };
  }

  // biome-ignore lint/correctness/useYield: this scripted model is never streamed
  async *getStreamedResponse(): AsyncIterable<never> {
    throw new Error("the scripted model does not stream");
  }
}

/**
 * `gateAgentTool` + `proposeInterruptions` + `resumeFromLoopgate`: the run stops with a
 * `RunToolApprovalItem`, the pending run goes through JSON (as if stored), and is resumed from it.
 */
export const openAiAgents: AdapterDriver = {
  name: "OpenAI Agents SDK",
  start(env, action, args) {
    const { tool: name, actionType } = ACTIONS[action];
    const ran: JsonObject[] = [];
    let resolveRead!: (text: string) => void;
    const read = new Promise<string>((r) => {
      resolveRead = r;
    });
    const parameters = {
      type: "object" as const,
      properties: { amount: { type: "number" }, note: { type: "string" } },
      required: ["amount", "note"],
      additionalProperties: false as const,
    };
    const refund = gateAgentTool(
      tool({
        name,
        description: "Refund a customer",
        parameters,
        strict: true,
        execute: async (input) => refundTool(ran)(input as JsonObject),
      }),
      { actionType, loopgate: env.agent, describe: describeCall },
    );
    const agent = new Agent({
      name: "support",
      instructions: "Refund when asked.",
      model: new ScriptedModel(name, args, resolveRead),
      tools: [refund],
    });
    const actions = { [name]: { actionType, describe: describeCall } };
    const done = (async () => {
      const result = await run(agent, "refund the customer");
      if (result.interruptions.length > 0) {
        const pending = JSON.parse(
          JSON.stringify(await proposeInterruptions(result, { actions, loopgate: env.agent })),
        );
        await resumeFromLoopgate(agent, pending, { actions, loopgate: env.agent });
      }
      return read;
    })();
    return { ran, done };
  },
};
