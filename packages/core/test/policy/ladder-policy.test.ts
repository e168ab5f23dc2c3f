import { describe, expect, it } from "vitest";
import { queueSettings, routeProposal } from "../../src/policy/index.ts";
import { load, problemsOf, quietSignals, routeInput } from "./support.ts";

const LADDER = `version: 1
actions:
  billing.refund:
    reversible: compensate
    payload: { type: object, properties: { amount: { type: number }, customerId: { type: string } } }
    review: { queue: billing }
    bypass: { window: 2h, entity: payload.customerId, similarity: 0.8 }
  support.reply:
    bypass: false
queues:
  billing:
    sla: 30m
    remindBefore: [10m, 5m]
    escalateTo: billing-leads
    businessHours: { timezone: Europe/Berlin, days: [mon, tue, wed, thu, fri], from: "09:00", to: "17:00" }
    notify:
      - { webhook: "https://hooks.example.com/loopgate", secret: env:EVENTS_SECRET }
      - { email: [leads@example.com], events: [review.escalated, review.reminder] }
      - { slack: env:SLACK_BILLING }
  billing-leads: { sla: 20m, escalateTo: finance }
  finance: { sla: 10m, onExpiry: reject }
rules:
  - { id: cheap, when: "action.payload.amount < 10", route: auto }
`;

describe("ladder, notification and bypass settings", () => {
  it("resolves business hours, channels and bypass settings", () => {
    const policy = load(LADDER);
    const billing = queueSettings(policy, "billing");
    expect(billing.businessHours).toEqual({
      timezone: "Europe/Berlin",
      days: ["mon", "tue", "wed", "thu", "fri"],
      fromMinute: 540,
      toMinute: 1020,
    });
    expect(billing.remindBeforeMs).toEqual([600_000, 300_000]);
    expect(billing.notify).toEqual([
      {
        kind: "webhook",
        url: "https://hooks.example.com/loopgate",
        secret: "env:EVENTS_SECRET",
        events: [
          "review.created",
          "review.escalated",
          "review.reminder",
          "review.decided",
          "review.expired",
          "review.overdue",
          "proposal.blocked",
          "proposal.held",
          "execution.dead_lettered",
          "autonomy.demoted",
        ],
      },
      { kind: "email", to: ["leads@example.com"], events: ["review.escalated", "review.reminder"] },
      { kind: "slack", url: "env:SLACK_BILLING", events: expect.any(Array) },
    ]);
    expect(queueSettings(policy, "billing-leads").escalateTo).toBe("finance");
    expect(policy.actionTypes.get("billing.refund")?.bypass).toEqual({
      windowMs: 7_200_000,
      similarity: 0.8,
      tolerance: 0.05,
      entity: "payload.customerId",
    });
    expect(policy.actionTypes.get("support.reply")?.bypass).toBeNull();
  });

  it("plans a review with its queue's business hours", () => {
    const policy = load(LADDER);
    const decision = routeProposal(policy, routeInput("billing.refund", { amount: 50 }));
    expect(decision.review?.businessHours?.timezone).toBe("Europe/Berlin");
  });

  it("points at the line of each bad setting and says what to do", () => {
    const problems = problemsOf(`version: 1
queues:
  a:
    businessHours: { timezone: Mars/Olympus, days: [mon, funday], from: "9am", to: "08:00" }
    notify:
      - { webhook: "https://x.example", secret: plain-secret }
      - { email: [not-an-address] }
      - { slack: "https://hooks.slack.com/x", email: [a@b.example] }
      - { webhook: "https://y.example" }
actions:
  billing.refund:
    bypass: { window: soon }
`);
    const at = (path: string) => problems.find((p) => p.path === path);
    expect(at("queues.a.businessHours.timezone")).toMatchObject({ line: 4 });
    expect(at("queues.a.businessHours.timezone")?.message).toMatch(/IANA time zone/);
    expect(at("queues.a.businessHours.days[1]")?.message).toMatch(/mon, tue/);
    expect(at("queues.a.businessHours.from")?.message).toMatch(/HH:MM/);
    expect(at("queues.a.notify[0].secret")).toMatchObject({ line: 6 });
    expect(at("queues.a.notify[0].secret")?.message).toMatch(/env:/);
    expect(at("queues.a.notify[1].email[0]")).toMatchObject({ line: 7 });
    expect(at("queues.a.notify[2]")?.message).toMatch(/one channel per entry/);
    expect(at("queues.a.notify[3].secret")?.message).toMatch(/is required for a webhook/);
    expect(at("actions.billing.refund.bypass.window")).toMatchObject({ line: 12 });
  });

  it("refuses business hours that close before they open", () => {
    const problems = problemsOf(`version: 1
queues:
  a: { businessHours: { timezone: UTC, days: [mon], from: "17:00", to: "09:00" } }
`);
    expect(problems).toEqual([expect.objectContaining({ path: "queues.a.businessHours.to", line: 3 })]);
  });

  it("refuses an escalation chain that goes round in a circle", () => {
    const problems = problemsOf(`version: 1
queues:
  a: { escalateTo: b }
  b: { escalateTo: c }
  c: { escalateTo: a }
`);
    expect(problems.map((p) => [p.path, p.line])).toEqual([
      ["queues.a.escalateTo", 3],
      ["queues.b.escalateTo", 4],
      ["queues.c.escalateTo", 5],
    ]);
    expect(problems[0]?.message).toContain("a → b → c → a");
  });
});

describe("routing a flagged proposal", () => {
  const policy = load(LADDER);

  it("never routes auto: a finding becomes a reason naming the refused proposal", () => {
    const input = routeInput(
      "billing.refund",
      { amount: 5 },
      {
        signals: quietSignals({ bypass: true }),
        bypass: [{ kind: "repeat", proposalId: "p_rejected", similarity: 0.97 }],
      },
    );
    const { route, review } = routeProposal(policy, input);
    expect(route.verdict).toBe("review");
    expect(route.reasons).toContainEqual({
      rule: "bypass.repeat-of-rejected",
      route: "review",
      message: expect.stringContaining("p_rejected"),
      proposalId: "p_rejected",
    });
    expect(review).toMatchObject({ queue: "billing", kind: "review" });
  });

  it("leaves an unflagged proposal's route alone, and reads signals.bypass in CEL", () => {
    expect(routeProposal(policy, routeInput("billing.refund", { amount: 5 })).route.verdict).toBe("auto");
    const strict = load(`version: 1
rules:
  - { id: flagged, when: signals.bypass, route: escalate }
  - { id: rest, when: "true", route: auto }
actions:
  billing.refund: {}
`);
    expect(routeProposal(strict, routeInput("billing.refund", {})).route.verdict).toBe("auto");
    const flagged = routeProposal(
      strict,
      routeInput("billing.refund", {}, { signals: quietSignals({ bypass: true }) }),
    );
    expect(flagged.route.verdict).toBe("escalate");
    expect(flagged.route.reasons.map((r) => r.rule)).toEqual(["flagged", "rest", "bypass"]);
  });
});
