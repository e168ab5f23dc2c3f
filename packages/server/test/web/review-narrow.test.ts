import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { signIn } from "./support/browser.ts";
import { PASSWORD, replyProposal } from "./support/desk.ts";
import { useDesk } from "./support/use-desk.ts";

/** A packet with a long request and plenty of evidence, as a reviewer on a laptop meets it. */
function longReply() {
  const proposal = replyProposal("Your card shipped on 26 November and arrives within 5 working days.");
  return {
    ...proposal,
    request: { ...proposal.request, text: "Where is my new card? ".repeat(40) },
    evidence: Array.from({ length: 6 }, (_, i) => ({
      source: "kb",
      id: `kb-${i}`,
      title: `Card delivery, part ${i + 1}`,
      snippet: "Cards arrive within 5 working days of the order; express delivery takes two. ".repeat(4),
      score: 0.8 - i / 20,
    })),
  };
}

/** The review page in real Chromium at a laptop's size: the decision is reachable without the scroll. */
describe("the review page in a narrow window", () => {
  const web = useDesk({ people: [{ name: "nina", role: "reviewer", pii: true }] });

  async function openAt(width: number, height: number): Promise<{ page: Page; close: () => Promise<void> }> {
    const proposal = await web.desk.propose(longReply());
    const context = await web.browser.newContext({ baseURL: web.desk.url, viewport: { width, height } });
    const page = await context.newPage();
    await signIn(page, "nina", PASSWORD);
    await page.goto(`/review/${proposal.review.id}?proposal=${proposal.id}`);
    await page.getByText(/Claimed by you until/).waitFor();
    return { page, close: () => context.close() };
  }

  const box = async (locator: ReturnType<Page["locator"]>) => {
    const found = await locator.boundingBox();
    if (found === null) throw new Error(`not rendered: ${locator}`);
    return found;
  };

  it("at 1000×800 shows the decision in the first screen, before the request and the evidence", async () => {
    const { page, close } = await openAt(1000, 800);
    const approve = await box(page.getByRole("radio", { name: /^Approve/ }));
    const confirm = await box(page.getByRole("button", { name: /^Confirm/ }));
    const request = await box(page.getByRole("heading", { name: "Original request" }));
    const evidence = await box(page.getByRole("heading", { name: /^Evidence/ }));
    // In the first viewport, unscrolled, and above everything the reviewer reads.
    expect(await page.evaluate<number>("window.scrollY")).toBe(0);
    expect(approve.y + approve.height).toBeLessThanOrEqual(800);
    expect(confirm.y + confirm.height).toBeLessThanOrEqual(800);
    expect(approve.y).toBeLessThan(request.y);
    expect(approve.y).toBeLessThan(evidence.y);
    // The page is long (the evidence is below), and the decision does not float over it.
    expect(await page.evaluate<number>("document.documentElement.scrollHeight")).toBeGreaterThan(1600);
    await page.mouse.wheel(0, 1200);
    await expect.poll(() => page.evaluate<number>("window.scrollY")).toBeGreaterThan(0);
    const scrolled = await box(page.getByRole("radio", { name: /^Approve/ }));
    expect(scrolled.y).toBeLessThan(approve.y);
    // The keyboard works from the first screen: approve and confirm.
    await page.keyboard.press("a");
    await expect
      .poll(() => page.getByRole("radio", { name: /^Approve/ }).getAttribute("aria-checked"))
      .toBe("true");
    await close();
  });

  it("at 1280 keeps the two columns: the decision beside the packet, at the top", async () => {
    const { page, close } = await openAt(1280, 800);
    const decide = await box(page.getByRole("region", { name: "Decide" }));
    const action = await box(page.getByRole("region", { name: "Proposed action" }));
    expect(decide.x).toBeGreaterThan(action.x + action.width - 1);
    expect(decide.y + decide.height).toBeLessThanOrEqual(800);
    await close();
  });
});
