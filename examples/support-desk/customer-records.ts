import type { LedgerEntry, Ticket } from "./tickets.ts";

/**
 * The agent's tools over Larkspur's (simulated) back office: the payment feed, the settled ledger and the
 * identity checks. Each returns what a real lookup would and is recorded as a tool call on the proposal.
 */

/** How far back the hot ledger reaches; older payments are in the archive, a second lookup. */
export const HOT_LEDGER_DAYS = 30;

export interface ToolCallRecord {
  name: string;
  input: Record<string, unknown>;
  output: unknown;
}

export interface Evidence {
  source: string;
  id?: string;
  title?: string;
  snippet?: string;
  score?: number;
}

/** The payments the ticket is about: the duplicated pair, or the payment whose refund is missing. */
export function findDisputedPayment(ticket: Ticket): { entry: LedgerEntry; call: ToolCallRecord } | null {
  const { merchant, amount } = ticket.facts;
  const matches = ticket.ledger.filter((entry) => entry.merchant === merchant && entry.amount === amount);
  const call: ToolCallRecord = {
    name: "search_payments",
    input: { customerId: ticket.customer.id, merchant, amount },
    output: matches.map(({ id, merchant: m, amount: a, currency, daysAgo }) => ({
      id,
      merchant: m,
      amount: a,
      currency,
      daysAgo,
    })),
  };
  // For a duplicate the second of the pair is refunded; for a missing refund, the payment itself.
  const entry = matches.at(-1);
  return entry === undefined ? null : { entry, call };
}

/** The ledger record of a payment, as evidence for a refund, if the lookup reaches it. */
export function ledgerRecord(
  ticket: Ticket,
  entry: LedgerEntry,
  options: { archive: boolean },
): { evidence: Evidence | null; call: ToolCallRecord } {
  const reachable = options.archive || entry.daysAgo <= HOT_LEDGER_DAYS;
  const copies = ticket.ledger.filter(
    (e) => e.merchant === entry.merchant && e.amount === entry.amount,
  ).length;
  const snippet = `Card payment ${entry.amount.toFixed(2)} ${entry.currency} at ${entry.merchant}, settled ${entry.daysAgo} days ago${copies > 1 ? `; ${copies} identical payments on the same day` : ""}`;
  return {
    evidence: reachable ? { source: "ledger", id: entry.id, title: `Ledger ${entry.id}`, snippet } : null,
    call: {
      name: "get_ledger_record",
      input: { transactionId: entry.id, archive: options.archive },
      output: reachable
        ? { found: true, snippet }
        : { found: false, note: `not in the last ${HOT_LEDGER_DAYS} days` },
    },
  };
}

/** The identity check on file, if any, as evidence for a change of details. */
export function identityOnFile(ticket: Ticket): { evidence: Evidence | null; call: ToolCallRecord } {
  const evidence = ticket.customer.verified ? identityEvidence(ticket, "on file from this month") : null;
  return {
    evidence,
    call: {
      name: "get_identity_check",
      input: { customerId: ticket.customer.id },
      output: { passed: evidence !== null },
    },
  };
}

/**
 * Sends the customer an identity check and waits for its result (simulated: most customers complete it,
 * some never do, and then Loopgate's `needs_info` runs out).
 */
export function requestIdentityCheck(ticket: Ticket): { evidence: Evidence | null; call: ToolCallRecord } {
  const evidence = ticket.customer.completesVerification
    ? identityEvidence(ticket, "completed after our request")
    : null;
  return {
    evidence,
    call: {
      name: "request_identity_check",
      input: { customerId: ticket.customer.id, channel: "app" },
      output: { completed: evidence !== null },
    },
  };
}

function identityEvidence(ticket: Ticket, when: string): Evidence {
  return {
    source: "identity",
    id: `idv-${ticket.customer.id}`,
    title: "Identity check passed",
    snippet: `ID document and selfie match ${ticket.customer.name}; check ${when}.`,
  };
}

/** The customer's account summary, for a reviewer who asked for more. */
export function customerSummary(ticket: Ticket): { evidence: Evidence; call: ToolCallRecord } {
  const recent = ticket.ledger
    .slice(0, 5)
    .map((e) => `${e.amount.toFixed(2)} ${e.currency} at ${e.merchant} (${e.daysAgo}d ago)`)
    .join("; ");
  const snippet = `${ticket.customer.name}, card ending ${ticket.customer.cardLast4}, identity check ${ticket.customer.verified ? "on file" : "not on file"}. Recent payments: ${recent}.`;
  return {
    evidence: { source: "crm", id: ticket.customer.id, title: "Customer record", snippet },
    call: { name: "lookup_customer", input: { customerId: ticket.customer.id }, output: { snippet } },
  };
}
