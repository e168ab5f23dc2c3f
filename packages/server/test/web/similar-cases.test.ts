import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureWebBuild, launchBrowser, openPage, signIn } from "./support/browser.ts";
import { type Desk, PASSWORD, replyProposal, startDesk } from "./support/desk.ts";

/** The review page's similar past cases in real Chromium: how cases like this one were decided, and why. */
describe("the reviewer app: similar past cases", () => {
  let desk: Desk;
  let browser: Browser;
  let ownerKey: string;

  beforeAll(async () => {
    ensureWebBuild();
    desk = await startDesk();
    ownerKey = await desk.key("olga", "owner");
    await desk.addPerson("sam", "reviewer", { pii: false });
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await desk?.close();
  });

  it("lists the decided case most like this one, with the verdict, the decider and their comment, masked", async () => {
    await desk.clearQueue();
    const past = await desk.propose(
      replyProposal("Your card is on its way.", {
        request: {
          text: "Where is my new card? I ordered it last week. Call me on +44 7700 900123",
          channel: "email",
        },
        summary: "Tell the customer when the card arrives",
      }),
    );
    const decided = await desk.call("POST", `/v1/reviews/${past.review.id}/decisions`, {
      key: ownerKey,
      body: {
        verdict: "edit",
        patch: { body: "Your card arrives within 5 working days." },
        category: "wrong_answer",
        comment: "Give the delivery time",
      },
    });
    expect(decided.status).toBe(201);
    // The same question again (replyProposal's request): the case above is the one to learn from.
    const current = await desk.propose(replyProposal("It is coming soon."));

    const w = await openPage(browser, desk.url);
    await signIn(w.page, "sam", PASSWORD);
    await w.page.goto(`/review/${current.review.id}`);
    const section = w.page.getByRole("region", { name: "Similar past cases" });
    const item = section.getByRole("listitem", { name: `Similar case ${past.id}` });
    await item.waitFor();
    const text = (await item.textContent()) ?? "";
    expect(text).toContain("approved with edits");
    expect(text).toContain("Tell the customer when the card arrives");
    expect(text).toContain("edit by olga · wrong answer");
    expect(text).toContain("Give the delivery time");
    expect(text).toContain("[phone]");
    expect(text).not.toContain("7700");
    expect(w.pageErrors).toEqual([]);
    await w.context.close();
  });
});
