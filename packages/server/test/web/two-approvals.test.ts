import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { POLICY } from "../http/test-server.ts";
import type { WatchedPage } from "./support/browser.ts";
import { refundProposal } from "./support/desk.ts";
import { useDesk } from "./support/use-desk.ts";

/**
 * A two-approval review in real Chromium: after the first approval it stays in the first approver's
 * inbox, marked and skipped by "next" (after a reload too), opens read-only without a claim, and the
 * second approver can claim and approve it at once.
 */
describe("the reviewer app: a review that needs two approvals", () => {
  let bea: WatchedPage;
  let carl: WatchedPage;
  let ownerKey: string;

  const web = useDesk({
    // The gate policy: refunds above 100 need two people.
    server: { policyFile: POLICY },
    people: [
      { name: "bea", role: "reviewer", pii: true },
      { name: "carl", role: "reviewer", pii: true },
    ],
    seed: async (desk) => {
      ownerKey = await desk.key("olga", "owner");
    },
  });
  beforeAll(async () => {
    bea = await web.signIn("bea");
    carl = await web.signIn("carl");
  });

  const row = (page: Page, summary: string) => page.getByRole("link", { name: summary });
  const reviewRow = (page: Page, reviewId: string) => page.locator(`tr[data-review-id="${reviewId}"]`);
  async function review(reviewId: string) {
    const page = await web.desk.call("GET", "/v1/reviews?queue=billing&limit=500", { key: ownerKey });
    return (page.body.items as { id: string }[]).find((item) => item.id === reviewId) as any;
  }
  async function waitForStatus(proposalId: string, status: string) {
    for (let i = 0; i < 50; i++) {
      const proposal = await web.desk.read(proposalId);
      if (proposal.status === status) return proposal;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`proposal ${proposalId} never reached ${status}`);
  }

  it("marks the first approver's review, skips it on next, opens it read-only, and frees it for the second", async () => {
    const first = await web.desk.propose(refundProposal(250, "c_2"));
    const later = await web.desk.propose(refundProposal(300, "c_3")); // due after the first
    expect(first.review.approvalsRequired).toBe(2);
    const firstRow = "Refund 250 EUR to c_2";

    // Bea approves first; the app moves on.
    await bea.page.goto("/");
    await row(bea.page, firstRow).click();
    await bea.page.getByText(/Claimed by you until/).waitFor();
    await bea.page.getByRole("radio", { name: /^Approve/ }).click();
    await bea.page.getByRole("button", { name: "Confirm: approve" }).click();
    await bea.page.getByRole("heading", { name: "Refund 300 EUR to c_3" }).waitFor();
    expect((await web.desk.read(first.id)).review.approvalsGiven).toBe(1);
    // Her approval ended her claim at once.
    expect((await review(first.review.id)).claim).toBeNull();

    // Back to the inbox, which gives the later review back (so "next" has no claim of hers to prefer).
    await bea.page.keyboard.press("g");
    await bea.page.getByRole("heading", { name: "Inbox" }).waitFor();
    for (let i = 0; i < 50 && (await review(later.review.id)).claim !== null; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await review(later.review.id)).claim).toBeNull();

    // After a reload her inbox still marks it (from the server, not the tab's memory)…
    await bea.page.reload();
    const mark = reviewRow(bea.page, first.review.id).getByText("you approved · waiting for 1 more");
    await mark.waitFor({ timeout: 5000 });
    // …and "next" passes over it to the review due after it.
    await bea.page.keyboard.press("n");
    await bea.page.getByRole("heading", { name: "Refund 300 EUR to c_3" }).waitFor();
    await bea.page.getByText(/Claimed by you until/).waitFor();
    await bea.page.keyboard.press("g");
    await bea.page.getByRole("heading", { name: "Inbox" }).waitFor();

    // Opening it shows the packet read-only, with no claim taken and no decision to make.
    await row(bea.page, firstRow).click();
    await bea.page.getByText("You approved this; it waits for another approver").waitFor();
    await bea.page.getByRole("heading", { name: firstRow }).waitFor();
    expect(await bea.page.getByRole("button", { name: /^Confirm/ }).count()).toBe(0);
    expect(await bea.page.getByText(/Claimed by you until/).count()).toBe(0);
    expect((await review(first.review.id)).claim).toBeNull();

    // Carl, the second approver, claims it straight away and approves.
    await carl.page.goto("/");
    await row(carl.page, firstRow).click();
    await carl.page.getByText(/Claimed by you until/).waitFor({ timeout: 5000 });
    await carl.page.getByRole("radio", { name: /^Approve/ }).click();
    await carl.page.getByRole("button", { name: "Confirm: approve" }).click();
    const approved = await waitForStatus(first.id, "approved");
    expect(approved.decisions.map((d: { by: { name: string } }) => d.by.name)).toEqual(["bea", "carl"]);

    // Bea's open page learns it closed, and moves on.
    await bea.page.getByText(/closed by someone else/).waitFor({ timeout: 5000 });
    expect(bea.pageErrors).toEqual([]);
    expect(carl.pageErrors).toEqual([]);
  });
});
