import * as slots from "./data/ticket-slots.ts";
import { TICKET_TEMPLATES } from "./data/ticket-templates.ts";
import { mulberry32, type Random } from "./random.ts";

/** A payment on the customer's ledger, as the agent's `lookup_transactions` tool returns it. */
export interface LedgerEntry {
  id: string;
  merchant: string;
  amount: number;
  currency: "EUR" | "GBP";
  /** Days before the ticket. */
  daysAgo: number;
}

/** One customer email to the desk, with the account records the agent's tools can read. */
export interface Ticket {
  id: string;
  subject: string;
  text: string;
  /** The intent the ticket was written for: the label the classifier is scored against. */
  intent: string;
  flavours: ("angry" | "legal" | "regulator" | "card_number")[];
  customer: {
    id: string;
    name: string;
    email: string;
    cardLast4: string;
    /** An identity check already on file (e.g. from onboarding this month). */
    verified: boolean;
    /** Whether the customer completes an identity check when the agent asks for one. */
    completesVerification: boolean;
  };
  /** Facts the ticket is about, where it names them. */
  facts: { merchant?: string; amount?: number; currency?: "EUR" | "GBP"; newValue?: string };
  ledger: LedgerEntry[];
}

/** How many tickets of each intent the demo set holds: 320 in all, the shares a card desk sees. */
export const TICKET_COUNTS: Readonly<Record<string, number>> = {
  card_delivery: 30,
  card_activation: 12,
  card_lost_stolen: 28,
  card_declined: 22,
  pin_reset: 14,
  duplicate_charge: 30,
  refund_missing: 26,
  unrecognised_payment: 18,
  transfer_pending: 20,
  top_up: 14,
  fees: 14,
  spending_abroad: 14,
  cash_withdrawal: 12,
  change_address: 16,
  change_name: 8,
  account_closure: 10,
  statements: 8,
  mobile_wallet: 8,
  out_of_scope: 16,
};

const CARD_INTENTS = new Set([
  "card_delivery",
  "card_activation",
  "card_lost_stolen",
  "card_declined",
  "unrecognised_payment",
]);

/**
 * The demo's tickets: templates × slots, shuffled, from a fixed seed so every run (and every test) sees the
 * same 320 tickets in the same order.
 */
export function buildTickets(seed = 20261130): Ticket[] {
  const random = mulberry32(seed);
  const drafts: Omit<Ticket, "id">[] = [];
  for (const [intent, count] of Object.entries(TICKET_COUNTS)) {
    const templates = TICKET_TEMPLATES[intent] ?? [];
    for (let i = 0; i < count; i++)
      drafts.push(buildTicket(intent, templates[i % templates.length]!, random));
  }
  random.shuffle(drafts);
  return drafts.map((draft, index) => ({ id: `T-${String(index + 1).padStart(4, "0")}`, ...draft }));
}

function buildTicket(
  intent: string,
  template: { subject: string; text: string },
  random: Random,
): Omit<Ticket, "id"> {
  const first = random.pick(slots.FIRST_NAMES);
  const surname = random.pick(slots.SURNAMES);
  const customerId = `c-${random.int(10_000, 99_999)}`;
  const refund = intent === "duplicate_charge" || intent === "refund_missing";
  const amount =
    refund && random.chance(0.45) ? random.pick(slots.SMALL_AMOUNTS) : random.pick(slots.LARGE_AMOUNTS);
  const currency = random.chance(0.5) ? "EUR" : "GBP";
  const merchant = random.pick(slots.MERCHANTS);
  const newValue =
    intent === "change_address"
      ? random.pick(slots.STREETS)
      : intent === "change_name"
        ? `${first} ${random.pick(slots.SURNAMES)}`
        : undefined;
  const values: Record<string, string> = {
    first,
    surname: intent === "change_name" ? (newValue?.split(" ")[1] ?? surname) : surname,
    newName: newValue ?? "",
    merchant,
    amount: amount.toFixed(2),
    currency,
    city: random.pick(slots.CITIES),
    country: random.pick(slots.COUNTRIES),
    address: newValue ?? "",
    days: String(random.int(6, 16)),
    hours: String(random.int(3, 9)),
    date: `${random.int(1, 28)} ${random.pick(["March", "April", "May", "June"])}`,
    cardNumber: random.pick(slots.TEST_CARD_NUMBERS),
  };
  const fill = (text: string) => text.replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? "");

  const flavours: Ticket["flavours"] = [];
  const lines = [fill(template.text)];
  if (random.chance(0.16)) {
    flavours.push("angry");
    lines.push(random.pick(slots.ANGRY_LINES));
  }
  if (random.chance(0.06)) {
    flavours.push("legal");
    lines.push(random.pick(slots.LEGAL_LINES));
  } else if (random.chance(0.05)) {
    flavours.push("regulator");
    lines.push(random.pick(slots.REGULATOR_LINES));
  }
  if (CARD_INTENTS.has(intent) && random.chance(0.12)) {
    flavours.push("card_number");
    lines.push(fill(random.pick(slots.CARD_NUMBER_LINES)));
  }
  const opening = random.pick(slots.OPENINGS);
  const signOff = fill(random.pick(slots.SIGN_OFFS));
  const text = [opening, lines.join(" "), signOff].filter((part) => part !== "").join("\n\n");

  const ledger = buildLedger(random, { merchant, amount, currency, intent });
  return {
    subject: fill(template.subject),
    text,
    intent,
    flavours,
    customer: {
      id: customerId,
      name: `${first} ${surname}`,
      email: `${ascii(first)}.${ascii(surname)}@example.com`.toLowerCase(),
      cardLast4: String(random.int(1000, 9999)),
      verified: random.chance(0.35),
      completesVerification: random.chance(0.7),
    },
    facts: {
      ...(refund || intent === "unrecognised_payment" ? { merchant, amount, currency } : {}),
      ...(newValue === undefined ? {} : { newValue }),
    },
    ledger,
  };
}

/**
 * A few recent payments, plus the one the ticket is about: twice for a duplicate charge. One refund ticket
 * in five is about a payment older than the agent's first 30-day lookup, so the first proposal lacks the
 * ledger record and Loopgate asks for it (`needs_info`).
 */
function buildLedger(
  random: Random,
  about: { merchant: string; amount: number; currency: "EUR" | "GBP"; intent: string },
): LedgerEntry[] {
  const entries: LedgerEntry[] = [];
  const id = () => `tx-${random.int(100_000, 999_999)}`;
  for (let i = 0; i < 3; i++) {
    entries.push({
      id: id(),
      merchant: random.pick(slots.MERCHANTS),
      amount: random.pick(slots.SMALL_AMOUNTS),
      currency: about.currency,
      daysAgo: random.int(1, 25),
    });
  }
  if (about.intent === "duplicate_charge" || about.intent === "refund_missing") {
    const daysAgo = random.chance(0.2) ? random.int(35, 80) : random.int(1, 20);
    const copies = about.intent === "duplicate_charge" ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      entries.push({
        id: id(),
        merchant: about.merchant,
        amount: about.amount,
        currency: about.currency,
        daysAgo,
      });
    }
  }
  return entries.sort((a, b) => a.daysAgo - b.daysAgo);
}

function ascii(text: string): string {
  return text.normalize("NFD").replace(/[^A-Za-z]/g, "");
}
