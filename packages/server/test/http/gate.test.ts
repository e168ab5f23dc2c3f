import { canonicalJson, Proposal, ProposalInput, verifyAuditChain } from "@loopgate/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256HexNative } from "../../src/app/native-hash.ts";
import { engines, startTestServer, type TestServer } from "./test-server.ts";

const reply = (
  body: string,
  evidence = [{ source: "kb", id: "kb-1", snippet: "Cards arrive within 5 working days." }],
) => ({
  action: { type: "support.reply", payload: { to: "anna@example.com", body } },
  request: { text: "Where is my card?", channel: "email" },
  summary: "Tell the customer when the card arrives",
  evidence,
  signals: { agentConfidence: 0.8 },
});

const refund = (amount: number, confidence = 0.95) => ({
  action: { type: "billing.refund", payload: { amount, currency: "EUR", customerId: "c_1" } },
  summary: `Refund ${amount} EUR`,
  signals: { agentConfidence: confidence },
});

describe.each(engines())("the gate end to end on %s", (engine) => {
  let t: TestServer;
  let agent: string;
  let anna: string;
  let ben: string;
  let owner: string;

  beforeAll(async () => {
    t = await startTestServer(engine);
    agent = await t.key("support-bot", "agent");
    anna = await t.key("anna", "reviewer");
    ben = await t.key("ben", "reviewer");
    owner = await t.key("olivia", "owner");
  });
  afterAll(async () => t.close());

  it("routes by policy: each of the five routes, with every matching rule and the policy version", async () => {
    const cases = [
      {
        input: reply("Your card 4111 1111 1111 1111 is on its way."),
        verdict: "block",
        status: "blocked",
        rules: ["card-number-in-draft"],
      },
      {
        input: { ...reply("We will look into it."), request: { text: "I will sue you and call my lawyer" } },
        verdict: "escalate",
        status: "escalated",
        rules: ["legal-threat"],
      },
      {
        input: reply("Your card arrives within 5 working days.", []),
        verdict: "needs_info",
        status: "needs_info",
        rules: ["no-evidence"],
      },
      { input: refund(150), verdict: "review", status: "pending_review", rules: ["large-refund"] },
      { input: refund(10), verdict: "auto", status: "auto_approved", rules: ["small-confident-refund"] },
    ];
    for (const c of cases) {
      const res = await t.call("POST", "/v1/proposals", { key: agent, body: c.input });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      const proposal = Proposal.parse(res.body);
      expect(proposal.route.verdict).toBe(c.verdict);
      expect(proposal.status).toBe(c.status);
      expect(proposal.route.policyVersion).toBe(1);
      expect(proposal.route.reasons.map((r) => r.rule)).toEqual(expect.arrayContaining(c.rules));
      expect(proposal.agent).toBe("support-bot");
    }
  });

  it("keeps every matching rule as a reason when several match, the most restrictive winning", async () => {
    const res = await t.call("POST", "/v1/proposals", {
      key: agent,
      body: { ...reply("Card 4111 1111 1111 1111", []), request: { text: "my lawyer will call" } },
    });
    expect(res.body.route.verdict).toBe("block");
    expect(res.body.route.reasons.map((r: { rule: string }) => r.rule)).toEqual(
      expect.arrayContaining(["card-number-in-draft", "legal-threat", "no-evidence"]),
    );
  });

  it("replays an Idempotency-Key submission identically and refuses the same key with another body", async () => {
    const headers = { "idempotency-key": `k-${engine}-1` };
    const first = await t.call("POST", "/v1/proposals", { key: agent, body: refund(150), headers });
    const again = await t.call("POST", "/v1/proposals", { key: agent, body: refund(150), headers });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    const other = await t.call("POST", "/v1/proposals", { key: agent, body: refund(151), headers });
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe("idempotency_key_reused");
  });

  it("replays a submission stored before responses had a column of their own (doc.response)", async () => {
    const body = refund(160);
    const old = { id: "old-proposal", status: "pending_review", note: "answered by an older version" };
    const first = await t.call("POST", "/v1/proposals", { key: agent, body: refund(1) });
    const stored = (await t.server.deps.store.proposal(first.body.id))!;
    const row = {
      ...stored,
      id: "01a00000-0000-7000-8000-000000000001",
      agentId: "support-bot",
      idempotencyKey: `k-${engine}-old`,
      requestHash: sha256HexNative(canonicalJson(ProposalInput.parse(body))),
      response: null,
      doc: { ...stored.doc, response: JSON.stringify(old) },
    };
    const written = await t.server.deps.store.commit({
      writes: [{ kind: "insertProposal", row }],
      audit: [],
    });
    expect(written.ok).toBe(true);
    const again = await t.call("POST", "/v1/proposals", {
      key: agent,
      body,
      headers: { "idempotency-key": `k-${engine}-old` },
    });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(old);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
  });

  it("refuses bad input with a 4xx naming the field, and writes nothing", async () => {
    const before = await t.server.deps.store.auditHead();
    const bad: [string, { body?: unknown; raw?: string }, number, string][] = [
      ["missing action", { body: { summary: "x" } }, 400, "action"],
      [
        "wrong type",
        {
          body: {
            action: { type: "billing.refund", payload: { amount: "ten", currency: "EUR", customerId: "c" } },
          },
        },
        400,
        "action.payload.amount",
      ],
      ["unknown action type", { body: { action: { type: "crypto.buy", payload: {} } } }, 400, "action.type"],
      [
        "payload schema",
        {
          body: {
            action: { type: "billing.refund", payload: { amount: 5, currency: "JPY", customerId: "c" } },
          },
        },
        400,
        "action.payload.currency",
      ],
      ["unknown field", { body: { ...refund(5), extra: true } }, 400, "extra"],
      [
        "evidence score out of range",
        { body: { ...refund(5), evidence: [{ source: "kb", score: 7 }] } },
        400,
        "evidence[0].score",
      ],
      ["invalid JSON", { raw: "{ not json" }, 400, ""],
      ["5 MB body", { raw: JSON.stringify({ ...refund(5), summary: "x".repeat(5_000_000) }) }, 413, ""],
    ];
    for (const [name, input, status, path] of bad) {
      const res = await t.call("POST", "/v1/proposals", { key: agent, ...input });
      expect(res.status, name).toBe(status);
      expect(res.body.error.message.length, name).toBeGreaterThan(10);
      expect(res.body.error.requestId, name).toBeTruthy();
      if (path)
        expect(
          res.body.error.details.issues.map((i: { path: string }) => i.path),
          name,
        ).toContain(path);
    }
    const typed = await t.call("POST", "/v1/proposals", { key: agent, body: { ...refund(5), summary: 5 } });
    expect(typed.body.error.message).toBe("summary: must be a string, not a number");
    const missing = await t.call("POST", "/v1/proposals", { key: agent, body: { summary: "x" } });
    expect(missing.body.error.message).toBe("action: is required (expected object)");
    const badPolicy = await t.call("PUT", "/v1/policy", {
      key: owner,
      body: {
        text: "version: 1\nrules:\n  - id: broken\n    when: action.payload.amount >\n    route: block\n",
      },
    });
    expect(badPolicy.status).toBe(400);
    expect(badPolicy.body.error.details.issues[0].path).toContain("rules[0].when");
    expect(badPolicy.body.error.details.issues[0].line).toBe(4);
    expect((await t.server.deps.store.auditHead())?.seq).toBe(before?.seq);
  });

  it("lets exactly one of two concurrent deciders win; the other gets 409 with the winning decision", async () => {
    const created = await t.call("POST", "/v1/proposals", {
      key: agent,
      body: reply("Your card arrives within 5 working days."),
    });
    expect(created.body.status).toBe("pending_review");
    const reviewId = created.body.review.id;
    const [a, b] = await Promise.all([
      t.call("POST", `/v1/reviews/${reviewId}/decisions`, { key: anna, body: { verdict: "approve" } }),
      t.call("POST", `/v1/reviews/${reviewId}/decisions`, {
        key: ben,
        body: { verdict: "reject", category: "wrong_tone" },
      }),
    ]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([201, 409]);
    const loser = a.status === 409 ? a : b;
    const winner = a.status === 201 ? a : b;
    expect(loser.body.error.code).toBe("already_decided");
    expect(loser.body.error.details.decision.verdict).toBe(winner.body.decision.verdict);
    expect(loser.body.error.message).toMatch(/^Someone else decided this review first/);
    const winnerKey = a.status === 201 ? anna : ben;
    const again = await t.call("POST", `/v1/reviews/${reviewId}/decisions`, {
      key: winnerKey,
      body: { verdict: "approve" },
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("already_decided");
    expect(again.body.error.message).toMatch(/^You already decided this review \((approve|reject) at /);
  });

  it("answers already_decided to a decider who read the review open just before the winner committed", async () => {
    const created = await t.call("POST", "/v1/proposals", {
      key: agent,
      body: reply("Your card arrives within 5 working days."),
    });
    const reviewId = created.body.review.id;
    const proposalId = created.body.id;
    // The late decider reads the review (open), then waits at its proposal read while the winner commits.
    const store = t.server.deps.store;
    const read = store.proposal.bind(store);
    let paused: (() => void) | null = null;
    let reached!: () => void;
    const atRead = new Promise<void>((resolve) => {
      reached = resolve;
    });
    let armed = true;
    store.proposal = async (id: string) => {
      if (armed && id === proposalId) {
        armed = false;
        await new Promise<void>((resolve) => {
          paused = resolve;
          reached();
        });
      }
      return read(id);
    };
    try {
      const late = t.call("POST", `/v1/reviews/${reviewId}/decisions`, {
        key: ben,
        body: { verdict: "reject", category: "wrong_tone" },
      });
      await atRead;
      const winner = await t.call("POST", `/v1/reviews/${reviewId}/decisions`, {
        key: anna,
        body: { verdict: "approve" },
      });
      expect(winner.status).toBe(201);
      (paused as (() => void) | null)?.();
      const loser = await late;
      expect(loser.status).toBe(409);
      expect(loser.body.error.code).toBe("already_decided");
      expect(loser.body.error.details.decision.verdict).toBe("approve");
    } finally {
      store.proposal = read;
    }
  });

  it("needs two distinct people for two approvals; the proposing agent can never decide", async () => {
    const created = await t.call("POST", "/v1/proposals", { key: agent, body: refund(150) });
    const reviewId = created.body.review.id;
    expect(created.body.review.approvalsRequired).toBe(2);
    const byAgent = await t.call("POST", `/v1/reviews/${reviewId}/decisions`, {
      key: agent,
      body: { verdict: "approve" },
    });
    expect(byAgent.status).toBe(403);
    expect(byAgent.body.error.code).toBe("agents_cannot_decide");
    const first = await t.call("POST", `/v1/reviews/${reviewId}/decisions`, {
      key: anna,
      body: { verdict: "approve" },
    });
    expect(first.status).toBe(201);
    expect(first.body.proposalStatus).toBe("pending_review");
    expect(first.body.approvalsGiven).toBe(1);
    const twice = await t.call("POST", `/v1/reviews/${reviewId}/decisions`, {
      key: anna,
      body: { verdict: "approve" },
    });
    expect(twice.status).toBe(403);
    expect(twice.body.error.code).toBe("distinct_approver_required");
    const second = await t.call("POST", `/v1/reviews/${reviewId}/decisions`, {
      key: ben,
      body: { verdict: "approve" },
    });
    expect(second.status).toBe(201);
    expect(second.body.proposalStatus).toBe("approved");
    const wait = await t.call("GET", `/v1/proposals/${created.body.id}/decision?wait=1`, { key: agent });
    expect(wait.body.status).toBe("approved");
    expect(wait.body.finalPayload).toEqual({ amount: 150, currency: "EUR", customerId: "c_1" });
  });

  it("applies an edit: validated against the schema, it resets approvals, and the final payload is the edited one", async () => {
    const created = await t.call("POST", "/v1/proposals", { key: agent, body: refund(150) });
    const reviewId = created.body.review.id;
    await t.call("POST", `/v1/reviews/${reviewId}/decisions`, { key: anna, body: { verdict: "approve" } });
    const invalid = await t.call("POST", `/v1/reviews/${reviewId}/decisions`, {
      key: ben,
      body: { verdict: "edit", payload: { amount: -1, currency: "EUR", customerId: "c_1" } },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.details.issues[0].path).toBe("payload.amount");
    const edit = await t.call("POST", `/v1/reviews/${reviewId}/decisions`, {
      key: ben,
      body: {
        verdict: "edit",
        patch: { amount: 75 },
        category: "wrong_amount",
        comment: "Only one charge was duplicated",
      },
    });
    expect(edit.status).toBe(201);
    expect(edit.body.approvalsGiven).toBe(1);
    expect(edit.body.proposalStatus).toBe("pending_review");
    const done = await t.call("POST", `/v1/reviews/${reviewId}/decisions`, {
      key: anna,
      body: { verdict: "approve" },
    });
    expect(done.body.proposalStatus).toBe("approved_with_edits");
    const proposal = await t.call("GET", `/v1/proposals/${created.body.id}`, { key: agent });
    expect(proposal.body.finalPayload).toEqual({ amount: 75, currency: "EUR", customerId: "c_1" });
    expect(proposal.body.action.payload.amount).toBe(150);
  });

  it("long-polls a decision: wakes when it is made and answers the whole proposal; other agents get 404", async () => {
    const created = await t.call("POST", "/v1/proposals", {
      key: agent,
      body: reply("Your card arrives within 5 working days."),
    });
    const other = await t.key("other-bot", "agent");
    const foreign = await t.call("GET", `/v1/proposals/${created.body.id}/decision?wait=1`, { key: other });
    expect(foreign.status).toBe(404);

    const waiting = t.call("GET", `/v1/proposals/${created.body.id}/decision?wait=20`, { key: agent });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const decided = await t.call("POST", `/v1/reviews/${created.body.review.id}/decisions`, {
      key: anna,
      body: { verdict: "approve", comment: "Looks right" },
    });
    expect(decided.status).toBe(201);
    const decidedAt = Date.now();
    const answer = await waiting;
    expect(answer.status).toBe(200);
    // Woken by the decision, not by the 20 s wait running out.
    expect(Date.now() - decidedAt).toBeLessThan(900);
    const read = await t.call("GET", `/v1/proposals/${created.body.id}`, { key: agent });
    expect(answer.body).toEqual(read.body);
    expect(answer.body).toMatchObject({ status: "approved", decisions: [{ verdict: "approve" }] });
    expect(answer.body.reviews).toHaveLength(1);
  });

  it("answers an edit that changes nothing as the approval it is recorded as", async () => {
    const created = await t.call("POST", "/v1/proposals", { key: agent, body: refund(150) });
    const same = await t.call("POST", `/v1/reviews/${created.body.review.id}/decisions`, {
      key: anna,
      body: { verdict: "edit", patch: { amount: 150 } },
    });
    expect(same.status).toBe(201);
    const read = await t.call("GET", `/v1/proposals/${created.body.id}`, { key: owner });
    expect(same.body.decision.verdict).toBe(read.body.decisions.at(-1).verdict);
    // Sent without a packetHash, the decision records the packet its decider was shown.
    const shown = await t.call("GET", `/v1/proposals/${created.body.id}`, { key: anna });
    expect(read.body.decisions.at(-1).packetHash).toBe(shown.body.packetHash);
  });

  it("refuses a decision on a stale packet with 409", async () => {
    const created = await t.call("POST", "/v1/proposals", { key: agent, body: refund(150) });
    const seen = await t.call("GET", `/v1/proposals/${created.body.id}`, { key: anna });
    await t.call("POST", `/v1/reviews/${created.body.review.id}/decisions`, {
      key: ben,
      body: { verdict: "edit", patch: { amount: 90 } },
    });
    const stale = await t.call("POST", `/v1/reviews/${created.body.review.id}/decisions`, {
      key: anna,
      body: { verdict: "approve", packetHash: seen.body.packetHash },
    });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe("stale_packet");
  });

  it("requests information, takes the agent's answer as a new revision and routes it again", async () => {
    const created = await t.call("POST", "/v1/proposals", {
      key: agent,
      body: reply("Your card arrives soon.", []),
    });
    expect(created.body.status).toBe("needs_info");
    const early = await t.call("GET", `/v1/proposals/${created.body.id}/decision?wait=5`, { key: agent });
    expect(early.body.status).toBe("needs_info");
    const answered = await t.call("POST", `/v1/proposals/${created.body.id}/info`, {
      key: agent,
      body: {
        message: "Found the article",
        evidence: [{ source: "kb", id: "kb-7", snippet: "Cards arrive soon." }],
      },
    });
    expect(answered.status).toBe(200);
    expect(answered.body.revision).toBe(2);
    expect(answered.body.status).toBe("pending_review");
    const reviewId = answered.body.review.id;
    const ask = await t.call("POST", `/v1/reviews/${reviewId}/decisions`, {
      key: anna,
      body: { verdict: "request_info", comment: "Which card?" },
    });
    expect(ask.body.proposalStatus).toBe("needs_info");
  });

  it("claims with a lease: another reviewer's decision is refused while the claim is live", async () => {
    const created = await t.call("POST", "/v1/proposals", {
      key: agent,
      body: reply("Your card arrives within 5 working days."),
    });
    const reviewId = created.body.review.id;
    const claim = await t.call("POST", `/v1/reviews/${reviewId}/claim`, { key: anna });
    expect(claim.status).toBe(200);
    expect(claim.body.claim.by.name).toBe("anna");
    const blocked = await t.call("POST", `/v1/reviews/${reviewId}/decisions`, {
      key: ben,
      body: { verdict: "approve" },
    });
    expect(blocked.status).toBe(409);
    expect(blocked.body.error.code).toBe("claimed_by_other");
    const list = await t.call("GET", "/v1/reviews?queue=support", { key: ben });
    expect(list.body.items.find((r: { id: string }) => r.id === reviewId).claim.by.name).toBe("anna");
    await t.call("POST", `/v1/reviews/${reviewId}/release`, { key: anna });
    const ok = await t.call("POST", `/v1/reviews/${reviewId}/decisions`, {
      key: ben,
      body: { verdict: "approve" },
    });
    expect(ok.status).toBe(201);
  });

  it("applies the on-expiry rule exactly once and answers a late decision with 410", async () => {
    const created = await t.call("POST", "/v1/proposals", {
      key: agent,
      body: { action: { type: "account.close", payload: { customerId: "c_9" } } },
    });
    const reviewId = created.body.review.id;
    const realNow = t.server.deps.now;
    t.server.deps.now = () => new Date(Date.now() + 2 * 3_600_000);
    try {
      const late = await t.call("POST", `/v1/reviews/${reviewId}/decisions`, {
        key: anna,
        body: { verdict: "approve" },
      });
      expect(late.status).toBe(410);
      expect(late.body.error.code).toBe("review_expired");
      const proposal = await t.call("GET", `/v1/proposals/${created.body.id}`, { key: agent });
      expect(proposal.body.status).toBe("rejected");
      const entries = await t.server.deps.store.listAudit(
        { proposalId: created.body.id, type: "review.expired" },
        10,
      );
      expect(entries.items).toHaveLength(1);
    } finally {
      t.server.deps.now = realNow;
    }
  });

  it("lists reviews oldest due first with cursor pagination and filters", async () => {
    const all: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { id: string; dueAt: string }[]; nextCursor: string | null } } =
        await t.call("GET", `/v1/reviews?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, {
          key: owner,
        });
      all.push(...page.body.items.map((r) => r.dueAt + r.id));
      cursor = page.body.nextCursor;
    } while (cursor !== null);
    expect(all.length).toBeGreaterThan(2);
    expect([...all].sort()).toEqual(all);
    expect(new Set(all).size).toBe(all.length);
    const billing = await t.call("GET", "/v1/reviews?actionType=billing.refund", { key: owner });
    expect(billing.body.items.every((r: { actionType: string }) => r.actionType === "billing.refund")).toBe(
      true,
    );
  });

  it("serves an OpenAPI 3.1 document generated from the schemas, and health checks", async () => {
    const doc = await t.call("GET", "/openapi.json");
    expect(doc.body.openapi).toBe("3.1.0");
    expect(
      doc.body.paths["/v1/proposals"].post.requestBody.content["application/json"].schema.properties.action,
    ).toBeTruthy();
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(["/v1/reviews/{id}/decisions", "/v1/audit"]),
    );
    expect((await t.call("GET", "/healthz")).status).toBe(200);
    expect((await t.call("GET", "/readyz")).body.policyVersion).toBe(1);
    expect((await t.call("GET", "/v1/reviews")).status).toBe(401);
    expect((await t.call("GET", "/v1/audit", { key: anna })).status).toBe(403);
  });

  it("keeps an audit chain that verifies and records who decided", async () => {
    const entries: unknown[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: unknown[]; nextCursor: string | null } } = await t.call(
        "GET",
        `/v1/audit?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
        { key: owner },
      );
      entries.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor !== null);
    const checkpoint = await t.call("GET", "/v1/audit/checkpoint", { key: owner });
    const verdict = verifyAuditChain(entries, { checkpoint: checkpoint.body });
    expect(verdict).toMatchObject({ ok: true, checkpoint: "verified" });
    const types = new Set(entries.map((e) => (e as { type: string }).type));
    expect([...types]).toEqual(
      expect.arrayContaining(["proposal.submitted", "proposal.routed", "decision.recorded", "policy.loaded"]),
    );
  });
});

describe("results and cursors", () => {
  let t: TestServer;
  let agent: string;
  let anna: string;
  beforeAll(async () => {
    t = await startTestServer("sqlite");
    agent = await t.key("support-bot", "agent");
    anna = await t.key("anna", "reviewer");
  });
  afterAll(async () => t.close());

  it("records the agent's result once for an approved action", async () => {
    const created = await t.call("POST", "/v1/proposals", { key: agent, body: refund(10) });
    expect(created.body.status).toBe("auto_approved");
    // The answer carries the grant to run it under, as a later read does.
    const read = await t.call("GET", `/v1/proposals/${created.body.id}`, { key: agent });
    expect(created.body.execution.grant).toMatchObject({
      proposalId: created.body.id,
      actionType: "billing.refund",
    });
    expect(created.body.execution.grant).toEqual(read.body.execution.grant);
    const ok = await t.call("POST", `/v1/proposals/${created.body.id}/result`, {
      key: agent,
      body: { status: "succeeded", output: { refundId: "r_1" } },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.execution.status).toBe("executed");
    const again = await t.call("POST", `/v1/proposals/${created.body.id}/result`, {
      key: agent,
      body: { status: "succeeded" },
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("already_executed");
  });

  it("refuses a result for an action nobody approved", async () => {
    const created = await t.call("POST", "/v1/proposals", { key: agent, body: refund(150) });
    const res = await t.call("POST", `/v1/proposals/${created.body.id}/result`, {
      key: agent,
      body: { status: "succeeded" },
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("not_approved");
  });

  it("answers a forged cursor with 400", async () => {
    const res = await t.call("GET", "/v1/reviews?cursor=not-a-cursor", { key: anna });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("invalid_cursor");
  });
});
