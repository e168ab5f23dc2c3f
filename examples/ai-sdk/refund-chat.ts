/**
 * A refund assistant on the Vercel AI SDK whose refunds wait for a person in Loopgate, through the AI
 * SDK's own approval flow: the turn ends with a `tool-approval-request`, the conversation is stored, and
 * a later `resume` (any process) answers it from Loopgate's decision. Offline: `MockLanguageModelV4`
 * from `ai/test` stands in for the model.
 *
 *   LOOPGATE_URL=… LOOPGATE_API_KEY=<agent key> node --import tsx refund-chat.ts start chat.json
 *   LOOPGATE_URL=… LOOPGATE_API_KEY=<agent key> node --import tsx refund-chat.ts resume chat.json
 */
import { randomUUID } from "node:crypto";
import { appendFile, readFile, writeFile } from "node:fs/promises";
import { loopgateApprovalResponses, withLoopgate } from "@loopgate/sdk/ai";
import { generateText, type ModelMessage, stepCountIs, tool } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { z } from "zod";

const usage = {
  inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 1, text: 1, reasoning: 0 },
};

/** Calls `refund` once; after a tool result, repeats it. Replace with a real model in production. */
const model = new MockLanguageModelV4({
  doGenerate: async ({ prompt }) => {
    const result = prompt
      .flatMap((m) => (m.role === "tool" ? m.content : []))
      .find((p) => p.type === "tool-result");
    if (result?.type === "tool-result") {
      const o = result.output as { type: string; value?: unknown; reason?: string };
      const said = o.type === "execution-denied" ? `denied: ${o.reason}` : String(o.value);
      return {
        content: [{ type: "text", text: `Refund tool said: ${said}` }],
        finishReason: { unified: "stop", raw: undefined },
        usage,
        warnings: [],
      };
    }
    const input = JSON.stringify({ amount: 42.5, currency: "EUR", customerId: "c_123" });
    return {
      content: [{ type: "tool-call", toolCallId: `call_${randomUUID()}`, toolName: "refund", input }],
      finishReason: { unified: "tool-calls", raw: undefined },
      usage,
      warnings: [],
    };
  },
});

const refund = tool({
  description: "Refund a customer",
  inputSchema: z.object({ amount: z.number(), currency: z.string(), customerId: z.string() }),
  execute: async (input) => {
    await appendFile(process.env.REFUNDS_LOG ?? "refunds.log", `${JSON.stringify(input)}\n`);
    return `refunded ${input.amount} ${input.currency} to ${input.customerId}`;
  },
});

const actions = { refund: "billing.refund" };
const gated = withLoopgate({ refund }, { actions });

/** One turn: the text answer, or `null` when a refund waits for review (the conversation is stored). */
export async function start(file: string, text: string): Promise<string | null> {
  const messages: ModelMessage[] = [{ role: "user", content: text }];
  const result = await generateText({ model, ...gated, messages, stopWhen: stepCountIs(3) });
  if (!result.content.some((p) => p.type === "tool-approval-request" && !p.isAutomatic)) return result.text;
  await writeFile(file, JSON.stringify([...messages, ...result.response.messages]));
  return null;
}

/** Answers the stored approval requests from Loopgate (waiting for the decision) and finishes the turn. */
export async function resume(file: string): Promise<string> {
  const messages: ModelMessage[] = JSON.parse(await readFile(file, "utf8"));
  messages.push(await loopgateApprovalResponses(messages, { actions }));
  const result = await generateText({ model, ...gated, messages, stopWhen: stepCountIs(3) });
  return result.text;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [command, file = "chat.json"] = process.argv.slice(2);
  if (command === "start")
    console.log((await start(file, "I was charged twice")) ?? "waiting for review in Loopgate");
  else if (command === "resume") console.log(await resume(file));
  else console.error("usage: refund-chat.ts start|resume [chat.json]");
}
