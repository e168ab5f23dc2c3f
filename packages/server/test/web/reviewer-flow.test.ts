import type { Page } from "playwright-core";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openPage, signIn, type WatchedPage } from "./support/browser.ts";
import { PASSWORD, refundProposal, replyProposal } from "./support/desk.ts";
import { useDesk } from "./support/use-desk.ts";

/** The reviewer app end to end in real Chromium: sign in, live inbox, every decision, the keyboard. */
describe("the reviewer app: working the queue", () => {
  let rita: WatchedPage;

  const web = useDesk({
    people: [
      { name: "rita", role: "reviewer", pii: true },
      { name: "sam", role: "reviewer", pii: true },
    ],
  });
  beforeAll(async () => {
    rita = await web.signIn("rita");
  });
  beforeEach(async () => {
    await web.desk.clearQueue();
    await rita.page.goto("/");
  });

  const row = (page: Page, summary: string) => page.getByRole("link", { name: summary });
  async function openReview(page: Page, summary: string) {
    await row(page, summary).click();
    await page.getByRole("heading", { name: "Decide" }).waitFor();
    await page.getByText(/Claimed by you until/).waitFor();
  }
  async function waitForStatus(proposalId: string, status: string) {
    for (let i = 0; i < 50; i++) {
      const proposal = await web.desk.read(proposalId);
      if (proposal.status === status) return proposal;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(
      `proposal ${proposalId} never reached ${status}: ${(await web.desk.read(proposalId)).status}`,
    );
  }

  it("refuses a wrong password with a message, then signs in", async () => {
    const fresh = await openPage(web.browser, web.desk.url);
    await fresh.page.goto("/");
    await fresh.page.getByLabel("Name").fill("sam");
    await fresh.page.getByLabel("Password").fill("wrong password");
    await fresh.page.getByRole("button", { name: "Sign in" }).click();
    await expect(fresh.page.getByRole("alert").textContent()).resolves.toContain("name or password is wrong");
    await signIn(fresh.page, "sam", PASSWORD);
    await expect(fresh.page.getByText("sam · reviewer").isVisible()).resolves.toBe(true);
    await fresh.context.close();
  });

  it("shows a new proposal in the inbox live, with its queue count, without a reload", async () => {
    await rita.page.getByText("Nothing is waiting for you").waitFor();
    await web.desk.propose(replyProposal("Your card arrives within 5 working days."));
    await row(rita.page, "Reply: Your card arrives within 5 workin").waitFor({ timeout: 5000 });
    await rita.page.getByText("1 waiting").waitFor();
  });

  it("approves one item; a second browser sees it disappear", async () => {
    const proposal = await web.desk.propose(replyProposal("Approve me: your card is on its way."));
    const other = await web.signIn("sam");
    await row(other.page, "Reply: Approve me: your card is on its wa").waitFor();

    await openReview(rita.page, "Reply: Approve me: your card is on its wa");
    await rita.page.getByRole("radio", { name: /^Approve/ }).click();
    await rita.page.getByRole("button", { name: "Confirm: approve" }).click();
    await waitForStatus(proposal.id, "approved");
    // The app moves on at once, and the page it moves to says what was recorded.
    await rita.page
      .getByRole("status")
      .filter({
        hasText:
          "Recorded for “Reply: Approve me: your card is on its way.”: approve — proposal now approved",
      })
      .waitFor();
    await row(other.page, "Reply: Approve me: your card is on its wa").waitFor({
      state: "detached",
      timeout: 5000,
    });
    const decision = (await web.desk.read(proposal.id)).decisions[0];
    expect(decision).toMatchObject({
      verdict: "approve",
      by: { name: "rita" },
      packetHash: proposal.packetHash,
    });
    await other.context.close();
  });

  it("edits a field, shows the diff, and approving stores exactly the edited payload", async () => {
    const proposal = await web.desk.propose(replyProposal("Your card arrives within 5 days."));
    await openReview(rita.page, "Reply: Your card arrives within 5 days.");
    const body = rita.page.getByLabel(/^body/);
    await body.fill("Your card arrives within 3 working days. Sorry for the wait!");
    const diff = rita.page.getByLabel("Your edits");
    await expect(diff.locator("ins").allTextContents()).resolves.toEqual(
      expect.arrayContaining([expect.stringContaining("3")]),
    );
    await expect(diff.locator("del").allTextContents()).resolves.toEqual(
      expect.arrayContaining([expect.stringContaining("5")]),
    );
    // Validated as you type: too short for the schema's minLength.
    await body.fill("Hi");
    await rita.page
      .getByText(/String is too short|minLength|must be at least/i)
      .first()
      .waitFor();
    await body.fill("Your card arrives within 3 working days. Sorry for the wait!");
    await rita.page.getByRole("radio", { name: /Approve with edits/ }).click();
    await rita.page.getByRole("button", { name: "Confirm: approve with edits" }).click();
    const stored = await waitForStatus(proposal.id, "approved_with_edits");
    expect(stored.finalPayload).toEqual({
      to: "anna@example.com",
      body: "Your card arrives within 3 working days. Sorry for the wait!",
    });
    expect(stored.decisions[0]).toMatchObject({ verdict: "edit", payload: stored.finalPayload });
  });

  it("rejects with a reason category, escalates and requests information with comments", async () => {
    const rejected = await web.desk.propose(refundProposal(42, "c_9"));
    const escalated = await web.desk.propose(replyProposal("Escalate me: we cannot help you."));
    const askInfo = await web.desk.propose(replyProposal("Ask me: which card do you mean?"));

    await rita.page.goto("/");
    await openReview(rita.page, "Refund 42 EUR to c_9");
    await rita.page.getByRole("radio", { name: /Reject/ }).click();
    await expect(rita.page.getByRole("button", { name: "Confirm: reject" }).isDisabled()).resolves.toBe(true);
    await rita.page.getByLabel("Reason category").selectOption("wrong_amount");
    await rita.page.getByLabel(/^Comment/).fill("Only one charge was duplicated");
    await rita.page.getByRole("button", { name: "Confirm: reject" }).click();
    const r = await waitForStatus(rejected.id, "rejected");
    expect(r.decisions[0]).toMatchObject({
      category: "wrong_amount",
      comment: "Only one charge was duplicated",
    });

    await rita.page.goto("/");
    await openReview(rita.page, "Reply: Escalate me: we cannot help you.");
    await rita.page.getByRole("radio", { name: /Escalate/ }).click();
    await rita.page.getByLabel(/^Comment/).fill("Tone needs a lead");
    await rita.page.getByRole("button", { name: "Confirm: escalate" }).click();
    const e = await waitForStatus(escalated.id, "escalated");
    expect(e.review.queue).toBe("support-leads");

    await rita.page.goto("/");
    await openReview(rita.page, "Reply: Ask me: which card do you mean?");
    await rita.page.getByRole("radio", { name: /Request info/ }).click();
    await rita.page.getByLabel(/^Comment/).fill("Which order is this about?");
    await rita.page.getByRole("button", { name: "Confirm: request info" }).click();
    const i = await waitForStatus(askInfo.id, "needs_info");
    expect(i.decisions[0]).toMatchObject({ verdict: "request_info", comment: "Which order is this about?" });
  });

  it("hands an item over to be handled manually", async () => {
    const proposal = await web.desk.propose(replyProposal("Manual me: I will call the customer."));
    await openReview(rita.page, "Reply: Manual me: I will call the customer.");
    await rita.page.getByRole("radio", { name: /Handle manually/ }).click();
    await rita.page.getByRole("button", { name: "Confirm: handle manually" }).click();
    const handled = await waitForStatus(proposal.id, "handled_manually");
    expect(handled.decisions[0]).toMatchObject({ verdict: "handle_manually", by: { name: "rita" } });
  });

  it("says plainly when someone else decided first, and moves on", async () => {
    const proposal = await web.desk.propose(replyProposal("Race me: your card ships today."));
    await openReview(rita.page, "Reply: Race me: your card ships today.");
    // Sam decides through the API while Rita's page is open (her claim is released first).
    await rita.page.evaluate(async (reviewId) => {
      const session = (await (await fetch("/v1/session")).json()) as { csrfToken: string };
      await fetch(`/v1/reviews/${reviewId}/release`, {
        method: "POST",
        headers: { "x-csrf-token": session.csrfToken },
      });
    }, proposal.review.id);
    const samKey = await web.desk.key("sam", "reviewer");
    const won = await web.desk.call("POST", `/v1/reviews/${proposal.review.id}/decisions`, {
      key: samKey,
      body: { verdict: "reject", category: "wrong_tone" },
    });
    expect(won.status).toBe(201);
    await rita.page.getByText(/closed by someone else|already decided/).waitFor({ timeout: 5000 });
    await rita.page.getByRole("heading", { name: "Inbox" }).waitFor({ timeout: 8000 });
  });

  it("works from the keyboard alone: next item, approve, request info, reject with a category", async () => {
    // Oldest due first: the two replies (2 h SLA) before the refund (4 h).
    const first = await web.desk.propose({
      ...replyProposal("Keys one: your card is on its way."),
      summary: "Keys one",
    });
    const second = await web.desk.propose({ ...refundProposal(12, "c_7"), summary: "Keys two" });
    const third = await web.desk.propose({
      ...replyProposal("Keys three: which card?"),
      summary: "Keys three",
    });
    const { page } = rita;
    await page.goto("/");
    await page.getByRole("link", { name: "Keys three" }).waitFor();
    await page.keyboard.press("n");
    await page.getByRole("heading", { name: "Keys one" }).waitFor();
    await page.getByText(/Claimed by you until/).waitFor();
    await page.keyboard.press("a"); // focus moves to the confirm button
    await page.keyboard.press("Enter");
    await waitForStatus(first.id, "approved");

    await page.getByRole("heading", { name: "Keys three" }).waitFor();
    await page.getByText(/Claimed by you until/).waitFor();
    await page.keyboard.press("i"); // focus moves to the comment
    await page.keyboard.type("Which card do you mean?");
    await page.keyboard.press("Control+Enter");
    await waitForStatus(third.id, "needs_info");

    await page.getByRole("heading", { name: "Keys two" }).waitFor();
    await page.getByText(/Claimed by you until/).waitFor();
    await page.keyboard.press("r"); // focus moves to the category
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Control+Enter");
    const rejected = await waitForStatus(second.id, "rejected");
    expect(rejected.decisions[0].category).toBe("wrong_amount");
    await page.getByRole("heading", { name: "Inbox" }).waitFor();
    expect(rita.pageErrors).toEqual([]);
  });
});
