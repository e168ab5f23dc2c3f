import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { signIn } from "./support/browser.ts";
import { longReplyProposal, PASSWORD, replyProposal } from "./support/desk.ts";
import { useDesk } from "./support/use-desk.ts";

const WIDTH = 390;
const HEIGHT = 844;

/**
 * The inbox and the way from it to a review on a phone (390×844, as a phone's browser lays a page out:
 * a page wider than the screen widens the layout viewport): nothing scrolls sideways, every button can
 * be tapped, and the review opened with `n` starts at its top with its decide bar on screen.
 */
describe("the reviewer app on a phone", () => {
  const web = useDesk({ people: [{ name: "nina", role: "reviewer", pii: true }] });

  async function phone(): Promise<{ page: Page; pageErrors: string[]; close: () => Promise<void> }> {
    const context = await web.browser.newContext({
      baseURL: web.desk.url,
      viewport: { width: WIDTH, height: HEIGHT },
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await signIn(page, "nina", PASSWORD);
    return { page, pageErrors, close: () => context.close() };
  }

  /** The page's width and the layout viewport's: a page wider than the screen widens both. */
  const widths = (page: Page) =>
    page.evaluate<{ page: number; viewport: number; scrollX: number }>(
      "({ page: document.documentElement.scrollWidth, viewport: window.innerWidth, scrollX: window.scrollX })",
    );

  const box = async (locator: ReturnType<Page["locator"]>) => {
    const found = await locator.boundingBox();
    if (found === null) throw new Error(`not rendered: ${locator}`);
    return found;
  };

  const inView = async (locator: ReturnType<Page["locator"]>) => {
    const found = await box(locator);
    expect(found.y).toBeGreaterThanOrEqual(0);
    expect(found.y + found.height).toBeLessThanOrEqual(HEIGHT);
    expect(found.x).toBeGreaterThanOrEqual(0);
    expect(found.x + found.width).toBeLessThanOrEqual(WIDTH);
    return found;
  };

  it("lists a long queue as cards that fit the screen, and 'Show 200 more' takes a tap", {
    timeout: 90_000,
  }, async () => {
    await web.desk.clearQueue();
    // Submitted 41 at a time, so they share commits (see the long queue in inbox-queue.test.ts).
    for (let round = 0; round < 5; round++) {
      await Promise.all(
        Array.from({ length: 41 }, (_, i) =>
          web.desk.propose(replyProposal(`Reply number ${round * 41 + i}: your card is on its way to you`)),
        ),
      );
    }
    const { page, pageErrors, close } = await phone();
    await page.reload();
    const rows = page.getByRole("table", { name: "Open reviews" }).locator("tbody tr");
    await page.getByText("200 open reviews listed, earliest due first; more are waiting.").waitFor();
    expect(await rows.count()).toBe(200);

    // No sideways scroll: the page is as wide as the screen, and so is the layout viewport.
    expect(await widths(page)).toEqual({ page: WIDTH, viewport: WIDTH, scrollX: 0 });
    // Each review a card: its summary and its details, inside the screen.
    const first = rows.first();
    const card = await box(first);
    expect(card.x).toBeGreaterThanOrEqual(0);
    expect(card.x + card.width).toBeLessThanOrEqual(WIDTH);
    await expect.poll(() => first.getByRole("link").textContent()).toMatch(/^Reply: Reply number 0/);
    expect(await first.textContent()).toContain("support.reply");

    // A real click (the pointer's, where the button is drawn, nothing over it) loads the next page.
    const showMore = page.getByRole("button", { name: "Show 200 more" });
    await showMore.click({ timeout: 5_000 });
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(205);
    expect(await showMore.count()).toBe(0);
    expect((await widths(page)).page).toBeLessThanOrEqual(WIDTH);
    expect(pageErrors).toEqual([]);
    await close();
  });

  it("opens the next review with `n` at its top, the decide bar pinned on screen before any verdict", {
    timeout: 60_000,
  }, async () => {
    await web.desk.clearQueue();
    // The earliest due, so `n` opens it; enough others that the inbox is scrolled before leaving it,
    // their summaries with a long unbroken word (a link), which must wrap in its card, not widen the page.
    await web.desk.propose(longReplyProposal());
    for (let i = 0; i < 12; i++)
      await web.desk.propose(
        replyProposal(
          `Track it at https://example.com/cards/delivery/tracking/number-${i}-abcdefghijklmnopqrstuvwxyz`,
        ),
      );
    const { page, pageErrors, close } = await phone();
    const rows = page.getByRole("table", { name: "Open reviews" }).locator("tbody tr");
    await expect.poll(() => rows.count()).toBe(13);
    expect((await widths(page)).page).toBeLessThanOrEqual(WIDTH);
    await page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)");
    await expect.poll(() => page.evaluate<number>("window.scrollY")).toBeGreaterThan(0);

    await page.keyboard.press("n");
    await page.getByText(/Claimed by you until/).waitFor();
    await page.getByRole("heading", { name: /^Evidence/ }).waitFor();
    // A long page, opened at its top: the header first, nothing scrolled sideways.
    expect(await page.evaluate<number>("document.documentElement.scrollHeight")).toBeGreaterThan(2 * HEIGHT);
    expect(await page.evaluate<number>("window.scrollY")).toBe(0);
    expect(await widths(page)).toEqual({ page: WIDTH, viewport: WIDTH, scrollX: 0 });
    await inView(page.getByRole("heading", { level: 1 }));
    // The compact bar at the bottom of the screen, before any verdict is picked.
    const decide = page.getByRole("region", { name: "Decide" });
    const bar = await inView(decide);
    expect(bar.y + bar.height).toBeGreaterThan(HEIGHT - 2);
    expect(bar.height).toBeLessThan(HEIGHT * 0.25);
    await inView(page.getByRole("radio", { name: /^Approve/ }));
    await inView(page.getByRole("button", { name: /^Confirm/ }));
    expect(await page.getByRole("radio", { name: /^Approve/ }).getAttribute("aria-checked")).toBe("false");

    // Scrolled into the packet, the bar stays put.
    await page.mouse.wheel(0, 1500);
    await expect.poll(() => page.evaluate<number>("window.scrollY")).toBeGreaterThan(500);
    expect((await inView(decide)).y).toBeCloseTo(bar.y, 0);
    expect(pageErrors).toEqual([]);
    await close();
  });
});
