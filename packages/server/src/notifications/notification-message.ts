import type { NotificationEvent } from "@loopgate/core";

/** One line saying what happened, for an email subject and the first line of a chat message. */
export function headline(event: NotificationEvent): string {
  const facts = subject(event);
  const what = event.proposal?.summary ?? `${facts.actionType} from ${facts.agent}`;
  const queue = `queue ${event.review?.queue ?? "?"}`;
  switch (event.type) {
    case "review.created":
      return `New review in ${queue}: ${what}`;
    case "review.escalated":
      return `Escalated to ${queue} (level ${event.review?.level ?? 0}): ${what}`;
    case "review.reminder":
      return `Reminder: review in ${queue} is due ${event.review?.dueAt ?? "?"}: ${what}`;
    case "review.decided":
      return `Decided (${event.decision?.verdict ?? "?"} by ${event.decision?.by ?? "?"}) in ${queue}: ${what}`;
    case "review.expired":
      return `Review in ${queue} passed its due time (${event.expiry?.applied ?? "expired"}): ${what}`;
    case "review.overdue":
      return `Overdue and kept open in ${queue} (no one settled it in time; due again ${event.review?.dueAt ?? "?"}): ${what}`;
    case "proposal.blocked":
      return `Blocked (${event.proposal?.reason ?? "by the policy"}): ${what}`;
    case "proposal.held":
      return `Held by a stop: ${what}`;
    case "execution.dead_lettered":
      return `${event.execution?.kind === "rollback" ? "Rollback" : "Execution"} given up after ${event.execution?.attempts ?? "?"} attempt(s) (${event.execution?.error ?? "see attempts"}): ${what}`;
    case "autonomy.demoted":
      return `Autonomy withdrawn: ${facts.agent} on ${facts.actionType} demoted from ${event.autonomy?.from ?? "?"} to ${event.autonomy?.to ?? "?"} (${event.autonomy?.reason ?? "a circuit breaker tripped"})`;
  }
}

/** The agent and action type an event is about, and the status to show: the proposal's, or the new stage. */
function subject(event: NotificationEvent): { agent: string; actionType: string; status: string } {
  if (event.proposal !== null) return event.proposal;
  return {
    agent: event.autonomy?.agent ?? "?",
    actionType: event.autonomy?.actionType ?? "?",
    status: `stage ${event.autonomy?.to ?? "?"}`,
  };
}

/**
 * Where a message links: the review for review events and for a dead-lettered execution (its
 * reconciliation review), the proposal's audit trail otherwise.
 */
function link(event: NotificationEvent): { url: string; label: string } {
  if (event.review !== null) return { url: event.review.url, label: "Open the review" };
  if (event.proposal !== null) return { url: event.proposal.url, label: "Open the proposal" };
  return { url: event.autonomy?.url ?? "", label: "Open autonomy" };
}

/** A plain-text email body: the headline, the facts a reviewer needs, and the deep link. */
export function emailText(event: NotificationEvent): string {
  const { url, label } = link(event);
  const facts = subject(event);
  return [
    headline(event),
    "",
    `Action:   ${facts.actionType}`,
    `Agent:    ${facts.agent}`,
    ...(event.review === null
      ? []
      : [`Queue:    ${event.review.queue} (level ${event.review.level})`, `Due:      ${event.review.dueAt}`]),
    `Status:   ${facts.status}`,
    "",
    `${label}: ${url}`,
    "",
    `Event ${event.id} (${event.type}) at ${event.at}`,
  ].join("\n");
}

/**
 * A Slack incoming-webhook message: `text` for notifications and clients without blocks, and blocks with
 * the facts and a button linking to the review (or, for proposal events, the proposal).
 */
export function slackMessage(event: NotificationEvent): { text: string; blocks: unknown[] } {
  const { url, label } = link(event);
  const text = `${headline(event)} <${url}|${label}>`;
  const facts = subject(event);
  const fields = [
    { type: "mrkdwn", text: `*Action*\n${escapeSlack(facts.actionType)}` },
    { type: "mrkdwn", text: `*Agent*\n${escapeSlack(facts.agent)}` },
    ...(event.review === null
      ? [{ type: "mrkdwn", text: `*Status*\n${escapeSlack(facts.status)}` }]
      : [
          {
            type: "mrkdwn",
            text: `*Queue*\n${escapeSlack(event.review.queue)} (level ${event.review.level})`,
          },
          { type: "mrkdwn", text: `*Due*\n${event.review.dueAt}` },
        ]),
  ];
  return {
    text,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: `*${escapeSlack(headline(event))}*` } },
      { type: "section", fields },
      { type: "actions", elements: [{ type: "button", text: { type: "plain_text", text: label }, url }] },
    ],
  };
}

/** Slack's three control characters in mrkdwn. */
function escapeSlack(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
