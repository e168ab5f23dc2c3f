import type { NotificationEvent } from "@loopgate/core";
import { describe, expect, it } from "vitest";
import { emailText, headline, slackMessage } from "../../src/notifications/notification-message.ts";

const review = {
  id: "r_1",
  queue: "ops",
  level: 0,
  status: "pending",
  dueAt: "2026-11-30T12:00:00.000Z",
  url: "https://loopgate.test/reviews/r_1",
};
const base: NotificationEvent = {
  id: "n_1",
  type: "execution.dead_lettered",
  at: "2026-11-30T08:00:00.000Z",
  proposal: {
    id: "p_1",
    agent: "mailer",
    actionType: "mail.send",
    summary: "Send the renewal letter",
    status: "approved",
    reason: null,
    url: "https://loopgate.test/audit?proposal=p_1",
  },
  review,
  decision: null,
  reminder: null,
  expiry: null,
  execution: {
    id: "x_1",
    kind: "execute",
    attempts: 8,
    error: "the executor answered HTTP 500",
    statusCode: 500,
    reconciliationReviewId: "r_1",
  },
};

describe("messages for an execution given up on and an overdue reconciliation review", () => {
  it("says what was given up on, after how many attempts, and links the review that settles it", () => {
    expect(headline(base)).toBe(
      "Execution given up after 8 attempt(s) (the executor answered HTTP 500): Send the renewal letter",
    );
    expect(emailText(base)).toContain("Open the review: https://loopgate.test/reviews/r_1");
    expect(slackMessage(base).text).toContain("<https://loopgate.test/reviews/r_1|Open the review>");
    expect(headline({ ...base, execution: { ...base.execution!, kind: "rollback", attempts: 1 } })).toMatch(
      /^Rollback given up after 1 attempt\(s\)/,
    );
  });

  it("says an overdue reconciliation review stays open, and when it is due again", () => {
    const overdue: NotificationEvent = {
      ...base,
      type: "review.overdue",
      execution: null,
      expiry: { rule: "reject", applied: "kept_open" },
    };
    expect(headline(overdue)).toBe(
      "Overdue and kept open in queue ops (no one settled it in time; due again 2026-11-30T12:00:00.000Z): Send the renewal letter",
    );
  });
});

describe("messages for a circuit breaker's demotion", () => {
  const demotion: NotificationEvent = {
    ...base,
    type: "autonomy.demoted",
    proposal: null,
    review: null,
    execution: null,
    autonomy: {
      agent: "mailer",
      actionType: "mail.send",
      from: "post_review",
      to: "review_all",
      reason: "override rate 66.7% (8 of 12) is over its bound 30%",
      breaker: "override",
      url: "https://loopgate.test/dashboard?agent=mailer&actionType=mail.send#autonomy",
    },
  };

  it("says who lost which autonomy and why, and links to the dashboard", () => {
    expect(headline(demotion)).toBe(
      "Autonomy withdrawn: mailer on mail.send demoted from post_review to review_all (override rate 66.7% (8 of 12) is over its bound 30%)",
    );
    const text = emailText(demotion);
    expect(text).toContain("Agent:    mailer");
    expect(text).toContain("Status:   stage review_all");
    expect(text).toContain(
      "Open autonomy: https://loopgate.test/dashboard?agent=mailer&actionType=mail.send#autonomy",
    );
    const slack = slackMessage(demotion);
    expect(slack.text).toContain(
      "<https://loopgate.test/dashboard?agent=mailer&actionType=mail.send#autonomy|Open autonomy>",
    );
    expect(JSON.stringify(slack.blocks)).toContain("stage review_all");
  });
});
