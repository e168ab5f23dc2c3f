import { Loopgate } from "@loopgate/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engines, startTestServer, type TestServer } from "./test-server.ts";

const refund = (amount: number) => ({
  action: { type: "billing.refund", payload: { amount, currency: "EUR", customerId: `c_${amount}` } },
  summary: `Refund ${amount} EUR`,
  signals: { agentConfidence: 0.6 },
});

/**
 * An N-of-M review after its first approval: the approver's claim ends with the approval, they cannot
 * take the review again, and the list tells them apart, so the next approver can start at once.
 */
describe.each(engines())("a review the caller already approved, on %s", (engine) => {
  let t: TestServer;
  let agent: string;

  beforeAll(async () => {
    t = await startTestServer(engine);
    agent = await t.key("support-bot", "agent");
  });
  afterAll(async () => t.close());

  async function twoApprovalReview(amount: number): Promise<string> {
    const created = await t.call("POST", "/v1/proposals", { key: agent, body: refund(amount) });
    expect(created.status).toBe(201);
    expect(created.body.review.approvalsRequired).toBe(2);
    return created.body.review.id;
  }

  async function listed(key: string, reviewId: string) {
    const page = await t.call("GET", "/v1/reviews?queue=billing&limit=500", { key });
    expect(page.status).toBe(200);
    return (page.body.items as { id: string }[]).find((item) => item.id === reviewId) as any;
  }

  it("releases the approver's claim, refuses them a new one, and lets the next approver claim at once", async () => {
    const reviewId = await twoApprovalReview(610);
    const bea = await t.key(`bea-${engine}`, "reviewer");
    const carl = await t.key(`carl-${engine}`, "reviewer");

    const claimed = await t.call("POST", `/v1/reviews/${reviewId}/claim`, { key: bea, body: {} });
    expect(claimed.status).toBe(200);
    expect(claimed.body.claim.by.name).toBe(`bea-${engine}`);
    const approved = await t.call("POST", `/v1/reviews/${reviewId}/decisions`, {
      key: bea,
      body: { verdict: "approve" },
    });
    expect(approved.status).toBe(201);
    expect(approved.body).toMatchObject({ reviewStatus: "pending", approvalsGiven: 1, approvalsRequired: 2 });

    // Her claim ended with her approval.
    const afterApproval = await listed(carl, reviewId);
    expect(afterApproval.claim).toBeNull();
    expect(afterApproval.approvalsGiven).toBe(1);

    // She cannot take it again: it waits for someone else.
    const again = await t.call("POST", `/v1/reviews/${reviewId}/claim`, { key: bea, body: {} });
    expect(again.status).toBe(403);
    expect(again.body.error.code).toBe("already_approved");
    expect(again.body.error.message).toContain("waits for another approver");
    expect(again.body.error.details).toMatchObject({ approvalsGiven: 1, approvalsRequired: 2 });
    expect((await listed(carl, reviewId)).claim).toBeNull();

    // The next approver claims and approves immediately.
    const carlClaim = await t.call("POST", `/v1/reviews/${reviewId}/claim`, { key: carl, body: {} });
    expect(carlClaim.status).toBe(200);
    expect(carlClaim.body.claim.by.name).toBe(`carl-${engine}`);
    const second = await t.call("POST", `/v1/reviews/${reviewId}/decisions`, {
      key: carl,
      body: { verdict: "approve" },
    });
    expect(second.status).toBe(201);
    expect(second.body).toMatchObject({ proposalStatus: "approved", reviewStatus: "decided" });
  });

  it("lets the next approver decide without claiming: the first approver's claim is gone", async () => {
    const reviewId = await twoApprovalReview(620);
    const dora = await t.key(`dora-${engine}`, "reviewer");
    const eli = await t.key(`eli-${engine}`, "reviewer");
    await t.call("POST", `/v1/reviews/${reviewId}/claim`, { key: dora, body: { leaseSeconds: 3600 } });
    await t.call("POST", `/v1/reviews/${reviewId}/decisions`, { key: dora, body: { verdict: "approve" } });
    const second = await t.call("POST", `/v1/reviews/${reviewId}/decisions`, {
      key: eli,
      body: { verdict: "approve" },
    });
    expect(second.status).toBe(201);
    expect(second.body.proposalStatus).toBe("approved");
  });

  it("says in the list, per caller, who already approved a review", async () => {
    const reviewId = await twoApprovalReview(630);
    const fay = await t.key(`fay-${engine}`, "reviewer");
    const gus = await t.key(`gus-${engine}`, "reviewer");
    expect((await listed(fay, reviewId)).approvedByCaller).toBe(false);
    await t.call("POST", `/v1/reviews/${reviewId}/decisions`, { key: fay, body: { verdict: "approve" } });
    expect(await listed(fay, reviewId)).toMatchObject({
      approvedByCaller: true,
      approvalsGiven: 1,
      approvers: [{ name: `fay-${engine}` }],
    });
    expect((await listed(gus, reviewId)).approvedByCaller).toBe(false);
    // The SDK's list reads the same: typed, with the caller's own flag.
    const viaSdk = async (key: string) =>
      (
        await new Loopgate({ url: t.url, apiKey: key }).listReviews({ queue: "billing", limit: 500 })
      ).items.find((item) => item.id === reviewId)?.approvedByCaller;
    expect(await viaSdk(fay)).toBe(true);
    expect(await viaSdk(gus)).toBe(false);
    const doc = await t.call("GET", "/openapi.json");
    expect(JSON.stringify(doc.body.paths["/v1/reviews"].get.responses["200"])).toContain("approvedByCaller");
  });

  it("gives the review back to an earlier approver once an edit restarts the approvals", async () => {
    const reviewId = await twoApprovalReview(640);
    const hal = await t.key(`hal-${engine}`, "reviewer");
    const ida = await t.key(`ida-${engine}`, "reviewer");
    await t.call("POST", `/v1/reviews/${reviewId}/decisions`, { key: hal, body: { verdict: "approve" } });
    const edit = await t.call("POST", `/v1/reviews/${reviewId}/decisions`, {
      key: ida,
      body: { verdict: "edit", patch: { amount: 600 } },
    });
    expect(edit.status).toBe(201);
    expect(edit.body.approvalsGiven).toBe(1);
    // The edited payload needs fresh approvals: Hal may take it again; Ida (who edited) may not.
    expect((await listed(hal, reviewId)).approvedByCaller).toBe(false);
    expect((await listed(ida, reviewId)).approvedByCaller).toBe(true);
    const halClaim = await t.call("POST", `/v1/reviews/${reviewId}/claim`, { key: hal, body: {} });
    expect(halClaim.status).toBe(200);
    const idaClaim = await t.call("POST", `/v1/reviews/${reviewId}/claim`, { key: ida, body: {} });
    expect(idaClaim.status).toBe(403);
    expect(idaClaim.body.error.code).toBe("already_approved");
  });
});
