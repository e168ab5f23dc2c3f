import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { signIn } from "./support/browser.ts";
import { longReplyProposal, PASSWORD } from "./support/desk.ts";
import { useDesk } from "./support/use-desk.ts";

/**
 * The review page in real Chromium at a laptop's size and a phone's: the decision is reachable without
 * the scroll, and on a phone the request and the proposed action come before it.
 */
describe("the review page in a narrow window", () => {
  const web = useDesk({ people: [{ name: "nina", role: "reviewer", pii: true }] });

  async function openAt(width: number, height: number): Promise<{ page: Page; close: () => Promise<void> }> {
    const proposal = await web.desk.propose(longReplyProposal());
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

  it("at 390×844 (a phone) reads the request and the proposed action first, with the decision in a bar pinned to the bottom", async () => {
    const { page, close } = await openAt(390, 844);
    const decide = page.getByRole("region", { name: "Decide" });
    const approve = page.getByRole("radio", { name: /^Approve/ });
    const confirm = page.getByRole("button", { name: /^Confirm/ });
    const inView = async (locator: ReturnType<Page["locator"]>) => {
      const found = await box(locator);
      expect(found.y).toBeGreaterThanOrEqual(0);
      expect(found.y + found.height).toBeLessThanOrEqual(844);
      return found;
    };
    // In reading order (the order of focus and of a screen reader too): request, action, then decide.
    const headings = await page.getByRole("heading", { level: 2 }).allTextContents();
    expect(headings.indexOf("Original request")).toBeGreaterThanOrEqual(0);
    expect(headings.indexOf("Original request")).toBeLessThan(headings.indexOf("Proposed action"));
    expect(headings.indexOf("Proposed action")).toBeLessThan(headings.indexOf("Decide"));

    // The first screen, unscrolled: the request above the bar, and the bar at the bottom, compact.
    expect(await page.evaluate<number>("window.scrollY")).toBe(0);
    const bar = await inView(decide);
    expect(bar.y + bar.height).toBeGreaterThan(844 - 2);
    expect(bar.height).toBeLessThan(844 * 0.25);
    await inView(approve);
    await inView(confirm);
    const request = await box(page.getByRole("heading", { name: "Original request" }));
    expect(request.y + request.height).toBeLessThan(bar.y);
    const action = await box(page.getByRole("heading", { name: "Proposed action" }));
    expect(action.y).toBeGreaterThan(request.y);
    // A field behind the bar that takes the focus (`e`, the draft) scrolls clear of it: scrolled until
    // the draft lies wholly under the bar, inside the window, where the browser would leave it be.
    const draft = page.getByLabel(/^body/);
    const hidden = await box(draft);
    await page.evaluate(`window.scrollTo(0, ${Math.round(hidden.y - bar.y - 10)})`);
    const under = await box(draft);
    expect(under.y).toBeGreaterThan(bar.y);
    expect(under.y + under.height).toBeLessThanOrEqual(844);
    await page.keyboard.press("e");
    await expect.poll(() => draft.evaluate((e) => e === e.ownerDocument.activeElement)).toBe(true);
    await expect
      .poll(async () => (await box(draft)).y + (await box(draft)).height)
      .toBeLessThanOrEqual(bar.y);
    await page.keyboard.press("Escape");

    // Scrolled into the evidence, the bar stays where it was.
    await page.mouse.wheel(0, 1500);
    await expect.poll(() => page.evaluate<number>("window.scrollY")).toBeGreaterThan(1000);
    expect((await inView(decide)).y).toBeCloseTo(bar.y, 0);
    await inView(approve);

    // The keyboard as on a laptop: `r` picks reject and opens the reason fields, the category focused.
    await page.keyboard.press("r");
    await expect
      .poll(() => page.getByRole("radio", { name: /^Reject/ }).getAttribute("aria-checked"))
      .toBe("true");
    const category = page.getByLabel("Reason category");
    await expect.poll(() => category.evaluate((e) => e === e.ownerDocument.activeElement)).toBe(true);
    await inView(category);
    await inView(confirm);

    // At the end of the packet the bar rests after everything it decides on.
    await page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)");
    const end = await inView(decide);
    const evidence = await box(page.getByRole("heading", { name: /^Evidence/ }));
    const similar = await box(page.getByRole("heading", { name: "Similar past cases" }));
    expect(end.y).toBeGreaterThan(evidence.y);
    expect(end.y).toBeGreaterThan(similar.y + similar.height);
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
