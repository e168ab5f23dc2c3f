import type { ProposeInput } from "@loopgate/sdk";
import {
  type Evidence,
  findDisputedPayment,
  identityOnFile,
  ledgerRecord,
  type ToolCallRecord,
} from "./customer-records.ts";
import type { Article } from "./data/knowledge-base.ts";
import type { IntentClassifier, Prediction } from "./intent-classifier.ts";
import type { KnowledgeIndex, RetrievedArticle } from "./knowledge-index.ts";
import { composeReply, type Drafter, type DraftRequest } from "./reply-drafting.ts";
import type { Ticket } from "./tickets.ts";

/** What the agent made of a ticket before proposing anything. */
export interface Understanding {
  prediction: Prediction;
  retrieved: RetrievedArticle[];
  /** The retrieved articles that answer the predicted intent: the ones the reply stands on and cites. */
  cited: Article[];
}

/** Reads a ticket: classifies it and retrieves the help articles for it. */
export function understand(
  ticket: Ticket,
  classifier: IntentClassifier,
  index: KnowledgeIndex,
): Understanding {
  const query = `${ticket.subject}\n${ticket.text}`;
  const prediction = classifier.predict(query);
  const retrieved = index.search(query, 3);
  const cited = retrieved
    .map((hit) => hit.article)
    .filter((article) => article.intents.includes(prediction.intent))
    .slice(0, 2);
  return { prediction, retrieved, cited };
}

/** The signals the agent reports: the classifier's probability, its margin, and the retrieval score. */
export function agentSignals(u: Understanding): NonNullable<ProposeInput["signals"]> {
  return {
    agentConfidence: round(u.prediction.probability),
    agent: {
      intent: u.prediction.intent,
      runnerUp: u.prediction.runnerUp,
      margin: round(u.prediction.margin),
      retrieval: round(u.retrieved[0]?.score ?? 0),
    },
  };
}

export function kbEvidence(retrieved: readonly RetrievedArticle[]): Evidence[] {
  return retrieved.map((hit) => ({
    source: "kb",
    id: hit.article.id,
    title: hit.article.title,
    snippet: hit.article.body,
    score: round(hit.score),
  }));
}

function common(ticket: Ticket, u: Understanding) {
  return {
    request: {
      text: ticket.text,
      subject: ticket.subject,
      channel: "email",
      from: ticket.customer.email,
    },
    signals: agentSignals(u),
    context: {
      entity: `customer:${ticket.customer.id}`,
      ticket: ticket.id,
      customer: { id: ticket.customer.id, name: ticket.customer.name },
    },
    alternatives: [
      { summary: `Read as ${u.prediction.runnerUp.replaceAll("_", " ")} instead (runner-up intent)` },
    ],
  };
}

/** The reply proposal: a drafted email citing the articles it used. */
export async function replyProposal(
  ticket: Ticket,
  u: Understanding,
  drafter: Drafter,
  after?: DraftRequest["after"],
): Promise<ProposeInput> {
  const articles = after ? u.retrieved.map((hit) => hit.article) : u.cited;
  const middle = await drafter.draft({
    ticket,
    intent: u.prediction.intent,
    articles,
    ...(after ? { after } : {}),
  });
  const cited = after ? articlesFor(after.actionType, u) : u.cited;
  return {
    ...common(ticket, u),
    action: {
      type: "support.reply",
      payload: { to: ticket.customer.email, body: composeReply(ticket, middle, cited) },
    },
    summary: after
      ? `Tell ${ticket.customer.name} ${after.done ? "that" : "why"} ${ACTION_WORDS[after.actionType] ?? "the action"} ${after.done ? "is done" : "could not be done"}`
      : `Answer "${ticket.subject}" (${u.prediction.intent.replaceAll("_", " ")})`,
    evidence: kbEvidence(u.retrieved),
  };
}

/** How a reviewer-facing summary names an action the agent reports on, in the customer's words. */
const ACTION_WORDS: Readonly<Record<string, string>> = {
  "billing.refund": "the refund",
  "card.freeze": "the card freeze",
  "account.update_details": "the change of details",
};

/**
 * The article a follow-up reply about an action stands on: one written for the ticket's intent if it was
 * retrieved, else one written for any intent the action serves.
 */
function articlesFor(actionType: string, u: Understanding): Article[] {
  const served: Record<string, string[]> = {
    "billing.refund": ["duplicate_charge", "refund_missing"],
    "card.freeze": ["card_lost_stolen", "unrecognised_payment"],
    "account.update_details": ["change_address", "change_name"],
  };
  const articles = u.retrieved.map((hit) => hit.article);
  const own = articles.find((a) => a.intents.includes(u.prediction.intent));
  const related = articles.find((a) => a.intents.some((i) => served[actionType]?.includes(i)));
  const chosen = own ?? related;
  return chosen === undefined ? [] : [chosen];
}

/**
 * The action the ticket asks for, if any: a refund, a card freeze or a change of details, with the tool
 * calls and evidence the agent gathered for it. Null when the intent needs only a reply, or when the
 * agent could not find what the action needs (then it only replies).
 */
export function actionProposal(ticket: Ticket, u: Understanding): ProposeInput | null {
  const { intent } = u.prediction;
  const toolCalls: ToolCallRecord[] = [];
  const evidence: Evidence[] = kbEvidence(u.retrieved);
  const base = { ...common(ticket, u), toolCalls, evidence };
  const customerId = ticket.customer.id;

  if (intent === "duplicate_charge" || intent === "refund_missing") {
    const found = findDisputedPayment(ticket);
    if (found === null) return null;
    toolCalls.push(found.call);
    const ledger = ledgerRecord(ticket, found.entry, { archive: false });
    toolCalls.push(ledger.call);
    if (ledger.evidence) evidence.unshift(ledger.evidence);
    const { entry } = found;
    const reason =
      intent === "duplicate_charge"
        ? "duplicate_charge"
        : /never (?:arrived|delivered)|not delivered/i.test(ticket.text)
          ? "goods_not_received"
          : "merchant_refund_missing";
    return {
      ...base,
      action: {
        type: "billing.refund",
        payload: {
          customerId,
          transactionId: entry.id,
          amount: entry.amount,
          currency: entry.currency,
          reason,
        },
      },
      summary: `Refund ${entry.amount.toFixed(2)} ${entry.currency} at ${entry.merchant} (${reason.replaceAll("_", " ")})`,
      rollbackPlan: "Reverse the refund credit on the customer's balance",
    };
  }
  if (intent === "card_lost_stolen" || intent === "unrecognised_payment") {
    const reason =
      intent === "unrecognised_payment"
        ? "suspected_fraud"
        : /stole|stolen|took|taken|pickpocket/i.test(ticket.text)
          ? "stolen"
          : "lost";
    return {
      ...base,
      action: { type: "card.freeze", payload: { customerId, cardLast4: ticket.customer.cardLast4, reason } },
      summary: `Freeze the card ending ${ticket.customer.cardLast4} (${reason.replaceAll("_", " ")})`,
      rollbackPlan: "Unfreeze the card",
    };
  }
  if (intent === "change_address" || intent === "change_name") {
    const newValue = extractNewValue(ticket, intent);
    if (newValue === null) return null;
    const identity = identityOnFile(ticket);
    toolCalls.push(identity.call);
    if (identity.evidence) evidence.unshift(identity.evidence);
    const field = intent === "change_address" ? "address" : "name";
    return {
      ...base,
      action: { type: "account.update_details", payload: { customerId, field, newValue } },
      summary: `Change the ${field} of ${ticket.customer.name} to ${newValue}`,
      rollbackPlan: `Restore the previous ${field}`,
    };
  }
  return null;
}

/** The new address or name as the customer wrote it, or null when the agent cannot find it. */
export function extractNewValue(ticket: Ticket, intent: "change_address" | "change_name"): string | null {
  if (intent === "change_address") {
    const match = ticket.text.match(
      /(?:address (?:is|will be|to)|new one:)\s*([^\n]+?)(?:\.(?:\s|$)|\?|\n|$)/i,
    );
    return match?.[1]?.trim() ?? null;
  }
  const surname = ticket.text.match(/surname is now ([A-Z][\p{L}'-]+)/u)?.[1];
  if (surname !== undefined) return `${ticket.customer.name.split(" ")[0]} ${surname}`;
  return ticket.text.match(/(?:name to|should be) ([A-Z][\p{L}'-]+(?: [A-Z][\p{L}'-]+)+)/u)?.[1] ?? null;
}

/** Articles beyond those already attached, for a reviewer who asked for more. */
export function moreArticles(
  ticket: Ticket,
  index: KnowledgeIndex,
  already: readonly string[],
): RetrievedArticle[] {
  return index
    .search(`${ticket.subject}\n${ticket.text}`, 8)
    .filter((hit) => !already.includes(hit.article.id))
    .slice(0, 3);
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
