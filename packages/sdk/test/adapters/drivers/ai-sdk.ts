import { generateText, jsonSchema, type ModelMessage, stepCountIs, tool } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { gateTool, loopgateApprovalResponses, withLoopgate } from "../../../src/ai/index.ts";
import type { JsonObject } from "../../../src/types.ts";
import { ACTIONS, type AdapterDriver, describeCall, refundTool, textOf, uniqueTag } from "../support.ts";

const USAGE = {
  inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 1, text: 1, reasoning: 0 },
};

/**
 * A scripted model: first it calls `toolName` with `args`; once the prompt holds that call's result, it
 * records what it read there and answers in text.
 */
export function scriptedModel(toolName: string, args: JsonObject, read: (text: string) => void) {
  const toolCallId = uniqueTag("call");
  return new MockLanguageModelV4({
    doGenerate: async ({ prompt }) => {
      const result = prompt
        .flatMap((m) => (m.role === "tool" ? m.content : []))
        .find((p) => p.type === "tool-result" && p.toolCallId === toolCallId);
      if (result?.type === "tool-result") {
        read(textOf(result.output));
        return {
          content: [{ type: "text", text: "done" }],
          finishReason: { unified: "stop", raw: undefined },
          usage: USAGE,
          warnings: [],
        };
      }
      return {
        content: [{ type: "tool-call", toolCallId, toolName, input: JSON.stringify(args) }],
        finishReason: { unified: "tool-calls", raw: undefined },
        usage: USAGE,
        warnings: [],
      };
    },
  });
}

const INPUT = jsonSchema<JsonObject>({
  type: "object",
  properties: { amount: { type: "number" }, note: { type: "string" } },
});

function deferred() {
  let resolve!: (text: string) => void;
  const promise = new Promise<string>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** `gateTool`: the tool's `execute` waits for the decision inside one `generateText`. */
export const aiSdkGateTool: AdapterDriver = {
  name: "AI SDK gateTool",
  start(env, action, args) {
    const { tool: name, actionType } = ACTIONS[action];
    const ran: JsonObject[] = [];
    const read = deferred();
    const gated = gateTool(tool({ inputSchema: INPUT, execute: refundTool(ran) }), {
      actionType,
      loopgate: env.agent,
      describe: describeCall,
    });
    const done = generateText({
      model: scriptedModel(name, args, read.resolve),
      tools: { [name]: gated },
      stopWhen: stepCountIs(3),
      prompt: "refund the customer",
    }).then(() => read.promise);
    return { ran, done };
  },
};

/**
 * `withLoopgate`: the AI SDK's own approval flow. The first `generateText` ends with a
 * `tool-approval-request`; the conversation goes through JSON (as if stored), Loopgate's decision is
 * turned into the `tool-approval-response`, and a second `generateText` runs the tool or tells the model.
 */
export const aiSdkToolApproval: AdapterDriver = {
  name: "AI SDK toolApproval",
  start(env, action, args) {
    const { tool: name, actionType } = ACTIONS[action];
    const ran: JsonObject[] = [];
    const read = deferred();
    const actions = { [name]: { actionType, describe: describeCall } };
    const model = scriptedModel(name, args, read.resolve);
    const gated = withLoopgate(
      { [name]: tool({ inputSchema: INPUT, execute: refundTool(ran) }) },
      { actions, loopgate: env.agent },
    );
    const done = (async () => {
      const prompt: ModelMessage[] = [{ role: "user", content: "refund the customer" }];
      const first = await generateText({ model, ...gated, messages: prompt, stopWhen: stepCountIs(3) });
      if (first.content.some((p) => p.type === "tool-approval-request" && !p.isAutomatic)) {
        // Stored and read back, as an app would between two requests (or two processes).
        const messages: ModelMessage[] = JSON.parse(JSON.stringify([...prompt, ...first.response.messages]));
        messages.push(await loopgateApprovalResponses(messages, { actions, loopgate: env.agent }));
        await generateText({ model, ...gated, messages, stopWhen: stepCountIs(3) });
      }
      return read.promise;
    })();
    return { ran, done };
  },
};
