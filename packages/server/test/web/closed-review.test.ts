import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { POLICY } from "../http/test-server.ts";
import type { WatchedPage } from "./support/browser.ts";
import { refundProposal } from "./support/desk.ts";
import { useDesk } from "./support/use-desk.ts";

/** A local time to the second ("11:07:32"), as the app writes decisions and audit entries. */
const TO_THE_SECOND = /\d{1,2}:\d\d:\d\d/;

/**
 * A review that is already decided, opened from its link in real Chromium: it shows the action as the
 * agent proposed it, what was approved against that, and who decided what and when, read only, to
 * an auditor and to the person who approved it alike; and the audit log's times read to the second.
 */
describe("the reviewer app: a closed review and the audit log's times", () => {
  let edie: WatchedPage;
  let abe: WatchedPage;
  let audrey: WatchedPage;
  let reviewId: string;
  let proposalId: string;

  const web = useDesk({
    // The gate policy: every refund needs two approvals.
    server: { policyFile: POLICY },
    people: [
      { name: "edie", role: "reviewer", pii: true },
      { name: "abe", role: "reviewer", pii: true },
      { name: "audrey", role: "auditor" },
    ],
  });

  /** Records a decision as the person signed in on `page`, with their session, as the app does. */
  async function decide(page: Page, body: Record<string, unknown>): Promise<number> {
    return page.evaluate(
      async ({ id, decision }) => {
        const session = (await (await fetch("/v1/session")).json()) as { csrfToken: string };
        const response = await fetch(`/v1/reviews/${id}/decisions`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-csrf-token": session.csrfToken },
          body: JSON.stringify(decision),
        });
        return response.status;
      },
      { id: reviewId, decision: body },
    );
  }

  beforeAll(async () => {
    edie = await web.signIn("edie");
    abe = await web.signIn("abe");
    audrey = await web.signIn("audrey");
    const proposed = await web.desk.propose(refundProposal(42.5, "c_7"));
    expect(proposed.review.approvalsRequired).toBe(2);
    reviewId = proposed.review.id;
    proposalId = proposed.id;
    // Edie takes the amount down to 40; Abe approves that.
    await expect(
      decide(edie.page, {
        verdict: "edit",
        patch: { amount: 40 },
        category: "wrong_amount",
        comment: "Only one charge was duplicated",
      }),
    ).resolves.toBe(201);
    await expect(decide(abe.page, { verdict: "approve" })).resolves.toBe(201);
    const decided = await web.desk.read(proposalId);
    expect(decided.finalPayload.amount).toBe(40);
    expect(decided.action.payload.amount).toBe(42.5);
  });

  async function expectRecord({ page, pageErrors }: WatchedPage) {
    await page.goto(`/review/${reviewId}?proposal=${proposalId}`);
    await page.getByRole("heading", { name: "Refund 42.5 EUR to c_7" }).waitFor();
    const decisions = page.getByRole("list", { name: "Decisions" }).getByRole("listitem");
    await decisions.first().waitFor();

    // The action as proposed, read only, with what was approved shown against it.
    const action = page.getByRole("region", { name: "Proposed action" });
    await expect(action.locator("#field-amount").inputValue()).resolves.toBe("42.5");
    await expect(action.locator("#field-amount").isDisabled()).resolves.toBe(true);
    await expect(action.textContent()).resolves.toContain("The action as the agent proposed it");
    const diff = action.getByLabel("Approved against proposed");
    await expect(diff.locator("dt").allTextContents()).resolves.toEqual(["amount"]);
    await expect(diff.locator("del").textContent()).resolves.toBe("42.5");
    await expect(diff.locator("ins").textContent()).resolves.toBe("40");
    await expect(
      action.getByText(/Your edits|No edits|approving sends|Undo all edits/).count(),
    ).resolves.toBe(0);

    // Nothing due and nothing to decide.
    const meta = await page.locator(".review-head .meta").textContent();
    expect(meta).toContain("review closed");
    expect(meta).not.toMatch(/\bdue\b/);
    await page.getByText("This review is closed: nothing is left to decide").waitFor();
    await expect(page.getByRole("region", { name: "Decide" }).count()).resolves.toBe(0);
    await expect(page.getByRole("button", { name: /^Confirm/ }).count()).resolves.toBe(0);

    // Who decided what, when (to the second), why.
    await expect(decisions.count()).resolves.toBe(2);
    const [edit, approval] = await decisions.allTextContents();
    expect(edit).toContain("Approved with edits by edie");
    expect(edit).toContain("wrong amount");
    expect(edit).toContain("Only one charge was duplicated");
    expect(edit).toMatch(TO_THE_SECOND);
    expect(approval).toContain("Approved by abe");
    expect(approval).toMatch(TO_THE_SECOND);

    // The record stays: opening a closed review no longer moves on to the next item by itself.
    await page.waitForTimeout(3000);
    expect(new URL(page.url()).pathname).toBe(`/review/${reviewId}`);
    expect(pageErrors).toEqual([]);
  }

  it("shows an auditor the proposed amount, the approved one against it, and both decisions", async () => {
    await expectRecord(audrey);
  });

  it("shows the approver the same record, read only", async () => {
    await expectRecord(abe);
  });

  it("shows the audit log's times to the second, and offers the entry types seen as Type choices", async () => {
    const { page, pageErrors } = audrey;
    await page.goto("/audit");
    const table = page.getByRole("table", { name: "Audit entries" });
    const whenCells = table.locator("tbody tr > td:nth-child(2)");
    await whenCells.first().waitFor();
    for (const text of await whenCells.allTextContents()) expect(text).toMatch(TO_THE_SECOND);
    const types = await page
      .locator("#audit-types option")
      .evaluateAll((options) => options.map((o) => (o as unknown as { value: string }).value));
    expect(types).toContain("decision.recorded");
    expect(types).toEqual([...types].sort());
    // The Type field still takes free text.
    await page.getByLabel("Type").fill("decision.recorded");
    await page.getByRole("button", { name: "Show" }).click();
    await expect
      .poll(async () => new Set(await table.locator("tbody tr > td:nth-child(4)").allTextContents()))
      .toEqual(new Set(["decision.recorded"]));
    expect(pageErrors).toEqual([]);
  });
});
