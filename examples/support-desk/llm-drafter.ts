import type { Drafter, DraftRequest } from "./reply-drafting.ts";

/** Settings of a drafter that asks an OpenAI-compatible chat-completions endpoint. */
export interface LlmDrafterOptions {
  /** The API's base URL, e.g. `http://localhost:11434/v1`; `/chat/completions` is appended. */
  baseUrl: string;
  model: string;
  /** Sent as `Authorization: Bearer`; read from LOOPGATE_LLM_API_KEY or OPENAI_API_KEY when not given. */
  apiKey?: string;
  /** @defaultValue 60000 */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const SYSTEM_PROMPT = [
  "You are a support agent at Larkspur, a card and payments company, writing the body of an email reply.",
  "Use only facts from the help articles given; never invent fees, times or promises.",
  "Never repeat a full card number. Write two to four short sentences in plain English.",
  "Do not write a greeting, a sign-off or a list of sources: they are added for you.",
].join(" ");

/**
 * Drafts replies with a model behind any OpenAI-compatible `POST {base}/chat/completions` (OpenAI, a
 * local llama.cpp or Ollama server, vLLM, …), with plain fetch and no SDK.
 *
 * @example
 * ```ts
 * const drafter = llmDrafter({ baseUrl: "http://localhost:11434/v1", model: "llama3.2" });
 * ```
 */
export function llmDrafter(options: LlmDrafterOptions): Drafter {
  const apiKey = options.apiKey ?? process.env.LOOPGATE_LLM_API_KEY ?? process.env.OPENAI_API_KEY;
  const doFetch = options.fetch ?? fetch;
  const url = `${options.baseUrl.replace(/\/+$/, "")}/chat/completions`;
  return {
    name: `llm:${options.model}`,
    async draft(request) {
      const response = await doFetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
        },
        body: JSON.stringify({
          model: options.model,
          temperature: 0.2,
          messages: [
            { role: "system", content: SYSTEM_PROMPT },
            { role: "user", content: userPrompt(request) },
          ],
        }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
      });
      if (!response.ok) {
        throw new Error(`${url} answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
      }
      const body = (await response.json()) as { choices?: { message?: { content?: unknown } }[] };
      const content = body.choices?.[0]?.message?.content;
      if (typeof content !== "string" || content.trim() === "") {
        throw new Error(`${url} answered without choices[0].message.content`);
      }
      return content.trim();
    },
  };
}

function userPrompt(request: DraftRequest): string {
  const articles = request.articles.map((a) => `## ${a.title}\n${a.body}`).join("\n\n");
  const situation = request.after
    ? `We ${request.after.done ? "carried out" : "could not carry out"} ${request.after.actionType} with ${JSON.stringify(request.after.payload)}. Tell the customer.`
    : "Answer the customer's question.";
  return `Customer email (subject: ${request.ticket.subject}):\n${request.ticket.text}\n\nThe customer's intent: ${request.intent}. ${situation}\n\nHelp articles:\n${articles}`;
}

/**
 * A drafter that asks `primary` and, when it fails (endpoint down, bad key, empty answer), drafts with
 * `fallback` instead, telling `onError` about the first failure only, so one bad setting does not stop
 * the desk or flood the log.
 */
export function withFallback(primary: Drafter, fallback: Drafter, onError: (error: Error) => void): Drafter {
  let reported = false;
  return {
    name: `${primary.name} (falling back to ${fallback.name})`,
    async draft(request) {
      try {
        return await primary.draft(request);
      } catch (error) {
        if (!reported) {
          reported = true;
          onError(error instanceof Error ? error : new Error(String(error)));
        }
        return fallback.draft(request);
      }
    },
  };
}
