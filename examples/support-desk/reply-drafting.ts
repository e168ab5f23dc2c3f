import type { Article } from "./data/knowledge-base.ts";
import { ANSWERS, DONE, NOT_DONE } from "./data/reply-templates.ts";
import type { Ticket } from "./tickets.ts";

/** What a drafter gets: the ticket, the intent, the articles to stand on, and what happened so far. */
export interface DraftRequest {
  ticket: Ticket;
  intent: string;
  articles: readonly Article[];
  /** For a reply after an action: the action type, whether it was carried out, and its final payload. */
  after?: { actionType: string; done: boolean; payload: Record<string, unknown> };
}

/** Writes the middle of a reply (no greeting, no sign-off, no citations: `composeReply` adds those). */
export interface Drafter {
  readonly name: string;
  draft(request: DraftRequest): Promise<string>;
}

/** A full card number as customers paste it: 13–19 digits, optionally in groups. */
const CARD_NUMBER = /\b(?:\d[ -]?){12,18}\d\b/;

/**
 * How the reply names the customer's card. The agent copies a card number the customer pasted, the way
 * a template (or a model) echoes what it was given: exactly the slip Loopgate's PII detector and the
 * policy's `card-number-in-draft` rule exist to stop. Otherwise it uses the last four digits on record.
 */
export function cardReference(ticket: Ticket): string {
  const pasted = ticket.text.match(CARD_NUMBER)?.[0];
  return pasted === undefined
    ? `your card ending ${ticket.customer.cardLast4}`
    : `the card ${pasted} you mentioned`;
}

/** Fills `{slot}`s from the ticket and the action's payload. */
export function fillSlots(text: string, request: DraftRequest): string {
  const payload = request.after?.payload ?? {};
  const amount = typeof payload.amount === "number" ? payload.amount : request.ticket.facts.amount;
  const values: Record<string, string> = {
    first: request.ticket.customer.name.split(" ")[0] ?? "",
    merchant: request.ticket.facts.merchant ?? "the shop",
    amount: amount === undefined ? "the amount" : amount.toFixed(2),
    currency: String(payload.currency ?? request.ticket.facts.currency ?? ""),
    last4: String(payload.cardLast4 ?? request.ticket.customer.cardLast4),
    field: String(payload.field ?? "details"),
    newValue: String(payload.newValue ?? request.ticket.facts.newValue ?? ""),
    cardRef: cardReference(request.ticket),
  };
  return text.replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? "");
}

/** The offline drafter: the intent's sentences from `reply-templates.ts`, with the ticket's facts filled in. */
export const templateDrafter: Drafter = {
  name: "templates",
  async draft(request) {
    const sentences = request.after
      ? (request.after.done ? DONE : NOT_DONE)[request.after.actionType]
      : ANSWERS[request.intent];
    return (sentences ?? ANSWERS.out_of_scope ?? [])
      .map((sentence) => fillSlots(sentence, request))
      .join(" ");
  },
};

/**
 * The whole email: greeting, the drafted middle, one line citing the articles used, sign-off. The citation
 * names the articles by title, so a reader can find them and Loopgate's grounding check can match the line
 * against the evidence it cites.
 */
export function composeReply(ticket: Ticket, middle: string, cited: readonly Article[]): string {
  const first = ticket.customer.name.split(" ")[0] ?? "there";
  const citation =
    cited.length === 0 ? [] : [`Help centre: ${cited.map((article) => `“${article.title}”`).join(", ")}`];
  return [`Hi ${first},`, middle.trim(), ...citation, "Kind regards,\nLarkspur Support"].join("\n\n");
}
