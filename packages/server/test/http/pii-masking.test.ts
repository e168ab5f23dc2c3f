import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./test-server.ts";

/**
 * Personal data in a text the agent wrote, one address per field so a leak names its field: every
 * address is `<field>@example.com`, and each text carries the same phone number too.
 */
const PHONE = "+44 20 7946 0958";
const pii = (field: string) => `Reach ${field}@example.com or ${PHONE}`;

/** A proposal with personal data in every agent-supplied text of its wire shape (ProposalInput). */
function everywhere() {
  return {
    action: { type: "support.reply", payload: { to: "payload-to@example.com", body: pii("payload-body") } },
    request: {
      text: pii("request-text"),
      channel: "request-channel@example.com",
      subject: pii("request-subject"),
      from: "request-from@example.com",
      metadata: { note: pii("request-metadata"), "request-metadata-key@example.com": true },
    },
    summary: pii("summary"),
    evidence: [
      {
        source: pii("evidence-source"),
        id: "evidence-id@example.com",
        title: pii("evidence-title"),
        snippet: pii("evidence-snippet"),
        url: "https://kb.example/search?q=evidence-url@example.com",
        score: 0.8,
      },
    ],
    toolCalls: [
      {
        name: pii("tool-name"),
        input: { customer: pii("tool-input") },
        output: [pii("tool-output")],
        error: pii("tool-error"),
      },
    ],
    signals: { agentConfidence: 0.7, agent: { note: pii("signal-agent") } },
    context: { entity: "customer:context-entity@example.com", deep: { note: pii("context-deep") } },
    alternatives: [
      {
        summary: pii("alternative-summary"),
        action: { type: "support.reply", payload: { to: "alternative-to@example.com", body: "Hi" } },
      },
    ],
    rollbackPlan: `Email ${pii("rollback-plan")}`,
  };
}

const PII_TEXT = /[\w.-]+@example\.com|7946/g;

/** Every address or phone number in a view, as written: empty when all is masked. */
function personalData(view: unknown): string[] {
  return JSON.stringify(view).match(PII_TEXT) ?? [];
}

describe("personal data in a proposal view (SPEC §8)", () => {
  let t: TestServer;
  let agent: string;
  let sam: string; // a reviewer without the PII permission (keys of reviewers have none)
  let olga: string; // an owner, who sees personal data

  beforeAll(async () => {
    t = await startTestServer("sqlite");
    agent = await t.key("support-bot", "agent");
    sam = await t.key("sam", "reviewer");
    olga = await t.key("olga", "owner");
  });
  afterAll(async () => t.close());

  it("masks every agent-supplied text for a reviewer without the permission, and shows it to an owner", async () => {
    const created = await t.call("POST", "/v1/proposals", { key: agent, body: everywhere() });
    expect(created.status).toBe(201);
    expect(created.body.status).toBe("pending_review");
    const id = created.body.id as string;

    const masked = await t.call("GET", `/v1/proposals/${id}`, { key: sam });
    expect(masked.status).toBe(200);
    expect(personalData(masked.body)).toEqual([]);
    expect(masked.body.rollbackPlan).toBe("Email Reach [email] or [phone]");
    expect(masked.body.signals.agent.note).toBe("Reach [email] or [phone]");
    expect(masked.body.request.metadata).toEqual({ note: "Reach [email] or [phone]", "[email]": true });

    const shown = await t.call("GET", `/v1/proposals/${id}`, { key: olga });
    const expected = personalData(everywhere()).filter((text) => text !== "7946");
    expect(new Set(personalData(shown.body))).toEqual(new Set([...expected, "7946"]));
    expect(shown.body.rollbackPlan).toBe(`Email ${pii("rollback-plan")}`);
    expect(masked.body.packetHash).not.toBe(shown.body.packetHash);
  });

  it("masks what is written later: the agent's answer to a request for information, decisions and the result", async () => {
    const created = await t.call("POST", "/v1/proposals", { key: agent, body: everywhere() });
    const id = created.body.id as string;
    const ask = await t.call("POST", `/v1/reviews/${created.body.review.id}/decisions`, {
      key: olga,
      body: { verdict: "request_info", comment: `Is ${pii("decision-comment")} still right?` },
    });
    expect(ask.body.proposalStatus).toBe("needs_info");
    const answered = await t.call("POST", `/v1/proposals/${id}/info`, {
      key: agent,
      body: { message: pii("info-message"), evidence: [{ source: "crm", snippet: pii("info-evidence") }] },
    });
    expect(answered.body.status).toBe("pending_review");
    const edited = await t.call("POST", `/v1/reviews/${answered.body.review.id}/decisions`, {
      key: olga,
      body: {
        verdict: "edit",
        payload: { to: "decision-payload@example.com", body: "Your card is on its way." },
      },
    });
    expect(edited.status).toBe(201);
    const result = await t.call("POST", `/v1/proposals/${id}/result`, {
      key: agent,
      body: { status: "succeeded", output: { sentTo: "result-output@example.com" } },
    });
    expect(result.status).toBe(200);

    const masked = await t.call("GET", `/v1/proposals/${id}`, { key: sam });
    expect(personalData(masked.body)).toEqual([]);
    expect(masked.body.info.map((entry: { message: string }) => entry.message)).toEqual([
      "Reach [email] or [phone]",
    ]);
    expect(masked.body.execution.result.output).toEqual({ sentTo: "[email]" });
    const shown = await t.call("GET", `/v1/proposals/${id}`, { key: olga });
    for (const field of [
      "decision-comment",
      "info-message",
      "info-evidence",
      "decision-payload",
      "result-output",
    ]) {
      expect(JSON.stringify(shown.body)).toContain(`${field}@example.com`);
    }
  });

  it("masks the winning decision's comment in the 409 a late decider gets", async () => {
    const created = await t.call("POST", "/v1/proposals", { key: agent, body: everywhere() });
    const reviewId = created.body.review.id as string;
    const won = await t.call("POST", `/v1/reviews/${reviewId}/decisions`, {
      key: olga,
      body: { verdict: "reject", category: "wrong_customer", comment: `Not ${pii("late-comment")}` },
    });
    expect(won.status).toBe(201);

    const late = await t.call("POST", `/v1/reviews/${reviewId}/decisions`, {
      key: sam,
      body: { verdict: "approve" },
    });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe("already_decided");
    expect(late.body.error.details.decision.comment).toBe("Not Reach [email] or [phone]");
    expect(personalData(late.body)).toEqual([]);
    // The owner, who sees personal data, is told the comment as written.
    const ownerLate = await t.call("POST", `/v1/reviews/${reviewId}/claim`, { key: olga });
    expect(ownerLate.body.error.details.decision.comment).toBe(`Not ${pii("late-comment")}`);
  });
});

describe("an edit by someone who sees personal data masked", () => {
  let t: TestServer;
  let agent: string;
  let sam: string;

  beforeAll(async () => {
    t = await startTestServer("sqlite");
    agent = await t.key("support-bot", "agent");
    sam = await t.key("sam", "reviewer");
  });
  afterAll(async () => t.close());

  async function draft(body: string) {
    const created = await t.call("POST", "/v1/proposals", {
      key: agent,
      body: {
        action: { type: "support.reply", payload: { to: "anna@example.com", body } },
        evidence: [{ source: "kb", snippet: "Cards arrive within 5 working days." }],
      },
    });
    const view = await t.call("GET", `/v1/proposals/${created.body.id}`, { key: sam });
    return { reviewId: created.body.review.id as string, view: view.body };
  }

  it("refuses a patch whose changed field still holds a mask, naming the field and what to do", async () => {
    const { reviewId, view } = await draft(`Call me on ${PHONE}.`);
    expect(view.action.payload.body).toBe("Call me on [phone].");
    const refused = await t.call("POST", `/v1/reviews/${reviewId}/decisions`, {
      key: sam,
      body: { verdict: "edit", patch: { body: `${view.action.payload.body} Thanks.` } },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe("masked_value_in_payload");
    expect(refused.body.error.message).toMatch(/^patch\.body still holds masked personal data/);
    expect(refused.body.error.message).toMatch(/retype the whole field without the masked parts/);
    expect(refused.body.error.message).toMatch(/escalate the review to someone who sees personal data/);
    expect(refused.body.error.message).not.toMatch(/whole payload/);
    expect(refused.body.error.details.issues).toEqual([
      { path: "patch.body", message: expect.stringMatching(/^still holds masked personal data/) },
    ]);

    const retyped = await t.call("POST", `/v1/reviews/${reviewId}/decisions`, {
      key: sam,
      body: { verdict: "edit", patch: { body: "Your card arrives tomorrow. Thanks." } },
    });
    expect(retyped.status).toBe(201);
    expect(retyped.body.decision.payload).toEqual({
      to: "anna@example.com",
      body: "Your card arrives tomorrow. Thanks.",
    });
  });

  it("keeps the full-payload advice for a whole payload sent back with its masks", async () => {
    const { reviewId, view } = await draft("Your card is on its way.");
    const refused = await t.call("POST", `/v1/reviews/${reviewId}/decisions`, {
      key: sam,
      body: { verdict: "edit", payload: { ...view.action.payload, body: "Your card arrives tomorrow." } },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe("masked_value_in_payload");
    expect(refused.body.error.message).toMatch(/send only the fields you changed in `patch`/);
  });

  it("checks only the changed fields: a placeholder the agent itself wrote elsewhere does not block a patch", async () => {
    const { reviewId } = await draft("Dear [email], your card is on its way.");
    const edited = await t.call("POST", `/v1/reviews/${reviewId}/decisions`, {
      key: sam,
      body: { verdict: "edit", patch: { to: "ben@example.com" } },
    });
    expect(edited.status).toBe(201);
  });
});
