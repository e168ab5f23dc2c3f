import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the stand-in received. */
export interface ChatRequest {
  authorization: string | undefined;
  body: { model?: string; messages?: { role: string; content: string }[]; temperature?: number };
  /** What the stand-in answered, when it answered. */
  reply?: string;
}

export interface ChatStandIn {
  /** The base URL to give a client, e.g. `http://127.0.0.1:PORT/v1`. */
  baseUrl: string;
  requests: ChatRequest[];
  close(): Promise<void>;
}

/**
 * A small local server that speaks the OpenAI chat-completions protocol (`POST /v1/chat/completions`), for
 * testing the agent's LLM path offline. Its "model" answers the way a careful one would: with the first
 * sentence of each help article in the prompt (`## title` sections), so its drafts are grounded. It
 * answers 401 without the expected key, 400 for a body without messages, and `failWith` for every request
 * when set.
 */
export async function startChatStandIn(
  options: { apiKey?: string; failWith?: number } = {},
): Promise<ChatStandIn> {
  const requests: ChatRequest[] = [];
  const server: Server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const send = (status: number, value: unknown) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(value));
    };
    if (request.method !== "POST" || request.url !== "/v1/chat/completions") {
      return send(404, { error: { message: "Only POST /v1/chat/completions is served here" } });
    }
    let body: ChatRequest["body"];
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      return send(400, { error: { message: "The body is not JSON" } });
    }
    requests.push({ authorization: request.headers.authorization, body });
    if (options.failWith !== undefined)
      return send(options.failWith, { error: { message: "stand-in failure" } });
    if (options.apiKey !== undefined && request.headers.authorization !== `Bearer ${options.apiKey}`) {
      return send(401, { error: { message: "Incorrect API key provided" } });
    }
    const prompt = body.messages?.find((m) => m.role === "user")?.content;
    if (typeof prompt !== "string")
      return send(400, { error: { message: "messages must include a user message" } });
    const content = answer(prompt);
    requests[requests.length - 1]!.reply = content;
    send(200, {
      id: `chatcmpl-${requests.length}`,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: body.model ?? "stand-in",
      choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
      usage: {
        prompt_tokens: prompt.length,
        completion_tokens: content.length,
        total_tokens: prompt.length + content.length,
      },
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The first sentence of each article in the prompt, or a hand-off when the prompt carries none. */
function answer(prompt: string): string {
  const sentences = [...prompt.matchAll(/^## .+\n(.+?[.!?])(?:\s|$)/gm)].map((match) => match[1]!);
  return sentences.length === 0
    ? "A colleague will look into your question and write back shortly."
    : sentences.slice(0, 2).join(" ");
}
