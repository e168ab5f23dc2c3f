import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { VERDICTS_AFTER_EXECUTION } from "@loopgate/core";
import type { Page } from "playwright-core";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eventually, RecordingReceiver, TEST_SECRET } from "../execution/receiver.ts";
import { FAST_EXECUTION } from "../execution/support.ts";
import type { WatchedPage } from "./support/browser.ts";
import { replyProposal } from "./support/desk.ts";
import { useDesk } from "./support/use-desk.ts";

/** The desk's reply type, and a reversible type at the post_review stage that runs through a receiver. */
function policy(receiverUrl: string): string {
  return `version: 1
defaults:
  route: review
  review: { sla: 4h, onExpiry: escalate }
categories: [wrong_page, wrong_tone, not_grounded]
actions:
  support.reply:
    reversible: false
    payload: { type: object, required: [to, body], properties: { to: { type: string }, body: { type: string } } }
    execute: { via: agent }
    review: { queue: support }
    autonomy: review_all
  doc.publish:
    description: Publish a help-centre page
    reversible: true
    payload: { type: object, required: [slug], properties: { slug: { type: string } } }
    execute: { via: webhook, url: "${receiverUrl}/publish", secret: "env:LOOPGATE_TEST_HOOK_SECRET", idempotent: true, timeoutMs: 500 }
    rollback: { via: webhook, url: "${receiverUrl}/unpublish", secret: "env:LOOPGATE_TEST_HOOK_SECRET", idempotent: true, timeoutMs: 500 }
    review: { queue: support }
    autonomy: post_review
`;
}

/** What the review page says about where a packet came from: an action that already ran, a revision. */
describe("the reviewer app: packets with a past", () => {
  let receiver: RecordingReceiver;
  let dir: string;
  let rita: WatchedPage;
  let pat: WatchedPage;

  const web = useDesk({
    server: async () => {
      process.env.LOOPGATE_TEST_HOOK_SECRET = TEST_SECRET;
      receiver = await new RecordingReceiver(TEST_SECRET).start();
      dir = await mkdtemp(join(tmpdir(), "loopgate-review-context-"));
      const policyFile = join(dir, "loopgate.yaml");
      await writeFile(policyFile, policy(receiver.url));
      return { policyFile, config: { execution: FAST_EXECUTION } };
    },
    people: [
      { name: "rita", role: "reviewer", pii: true },
      { name: "pat", role: "reviewer", pii: false },
    ],
    cleanup: async () => {
      await receiver?.close();
      if (dir) await rm(dir, { recursive: true, force: true });
    },
  });
  beforeAll(async () => {
    rita = await web.signIn("rita");
    pat = await web.signIn("pat");
  });
  beforeEach(async () => {
    await web.desk.clearQueue();
  });

  async function openReview(page: Page, summary: string) {
    await page.goto("/");
    await page.getByRole("link", { name: summary }).click();
    await page.getByRole("heading", { name: "Decide" }).waitFor();
    await page.getByText(/Claimed by you until/).waitFor();
  }

  it("offers only approve and reject on an action that already ran, and says how it ran", async () => {
    const posted = await web.desk.propose({
      action: { type: "doc.publish", payload: { slug: "pricing" } },
      summary: "Publish the pricing page",
      rollbackPlan: "Unpublish the page",
    });
    expect(posted.status).toBe("auto_approved");
    await eventually(
      async () => (await web.desk.read(posted.id)).execution.status === "executed",
      "executed",
    );

    const { page } = rita;
    await openReview(page, "Publish the pricing page");
    const radios = await page.getByRole("radio").allTextContents();
    expect(radios.map((text) => text.replace(/\s*\w$/, "").trim())).toEqual([
      "Approve: keep it",
      "Reject: roll it back",
    ]);
    expect(radios).toHaveLength(VERDICTS_AFTER_EXECUTION.length);
    // The header says it ran, and how it stands now.
    const notice = page.getByRole("note", { name: "Already executed" });
    await expect(notice.textContent()).resolves.toMatch(
      /ran before review.*post review.*Execution: executed/s,
    );
    const panel = page.getByRole("region", { name: "Already executed" });
    await expect(panel.textContent()).resolves.toMatch(/Approve keeps it as it ran; reject rolls it back/);
    await expect(panel.textContent()).resolves.toContain("Unpublish the page");
    await expect(page.getByRole("region", { name: "If approved" }).count()).resolves.toBe(0);
    // The refused verdicts' keys do nothing here.
    await page.keyboard.press("x");
    await page.keyboard.press("m");
    await expect(page.getByRole("button", { name: /^Confirm/ }).textContent()).resolves.toBe("Confirm");

    await page.keyboard.press("r"); // focus moves to the category, once
    await expect(page.getByRole("radio", { name: /Reject/ }).getAttribute("aria-checked")).resolves.toBe(
      "true",
    );
    await page.getByLabel("Reason category").selectOption("wrong_page");
    await page.getByLabel(/^Comment/).click();
    await page.keyboard.type("Published the wrong page");
    await expect(page.getByLabel(/^Comment/).inputValue()).resolves.toBe("Published the wrong page");
    await page.getByRole("button", { name: "Confirm: reject and roll back" }).click();
    await eventually(
      async () => (await web.desk.read(posted.id)).execution.status === "rolled_back",
      "rolled back",
    );
    const after = await web.desk.read(posted.id);
    // SPEC §3: auto_approved is final; the rejection shows in the execution, which was rolled back.
    expect(after).toMatchObject({
      status: "auto_approved",
      decisions: [{ verdict: "reject", by: { name: "rita" }, comment: "Published the wrong page" }],
    });
    expect(receiver.deliveries.map((d) => d.path)).toEqual(["/publish", "/unpublish"]);
    expect(rita.pageErrors).toEqual([]);
  });

  it("shows a revision's question, who asked it and the agent's answer, masked for a non-PII reviewer", async () => {
    const proposal = await web.desk.propose({
      ...replyProposal("Your refund depends on where you live."),
      summary: "Reply about the refund rules",
    });
    await openReview(rita.page, "Reply about the refund rules");
    // A first revision says nothing about revisions.
    await expect(rita.page.getByRole("region", { name: /^Revision/ }).count()).resolves.toBe(0);
    await rita.page.getByRole("radio", { name: /Request info/ }).click();
    await rita.page.getByLabel(/^Comment/).fill("Which country is the customer in?");
    await rita.page.getByRole("button", { name: "Confirm: request info" }).click();
    await eventually(async () => (await web.desk.read(proposal.id)).status === "needs_info", "needs_info");

    const answered = await web.desk.call("POST", `/v1/proposals/${proposal.id}/info`, {
      key: web.desk.agentKey,
      body: {
        message: "The customer is in France; their address is anna@example.com.",
        evidence: [{ source: "crm", id: "crm-1", snippet: "Country: FR", score: 0.95 }],
      },
    });
    expect(answered.status).toBe(200);
    expect(answered.body).toMatchObject({ status: "pending_review", revision: 2 });

    const { page } = pat;
    await openReview(page, "Reply about the refund rules");
    const section = page.getByRole("region", { name: /^Revision 2/ });
    await expect(section.getByRole("heading", { level: 2 }).textContent()).resolves.toBe(
      "Revision 2: revised after a request for information",
    );
    const text = (await section.textContent()) ?? "";
    expect(text).toContain("Revision 1 → 2");
    expect(text).toContain("Question from rita");
    expect(text).toContain("Which country is the customer in?");
    expect(text).toContain("The customer is in France; their address is [email].");
    expect(text).not.toContain("anna@example.com");
    expect(text).toContain("Evidence the agent added with its latest answer is marked new below.");
    // The evidence list marks what came with the answer, and only that.
    const evidence = page.getByRole("region", { name: /^Evidence/ }).getByRole("listitem");
    await expect(evidence.count()).resolves.toBe(2);
    await expect(evidence.nth(0).getByText("new with the answer").count()).resolves.toBe(0);
    await expect(evidence.nth(1).getByText("new with the answer").count()).resolves.toBe(1);
    // Headed by its id (it has no title), so beside it only the source, not the id again.
    await expect(evidence.nth(1).locator("strong").textContent()).resolves.toBe("crm-1");
    await expect(evidence.nth(1).locator(".meta").textContent()).resolves.toBe("crm");
    expect((await web.desk.read(proposal.id)).info).toEqual([expect.objectContaining({ evidenceBefore: 1 })]);
    // It comes first in the packet, before the original request.
    const headings = await page.locator(".packet-main h2").allTextContents();
    expect(headings[0]).toMatch(/^Revision 2/);
    expect(headings[1]).toBe("Original request");
    expect(pat.pageErrors).toEqual([]);
  });
});
