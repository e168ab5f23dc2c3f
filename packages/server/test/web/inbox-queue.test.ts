import type { Page, Request as PageRequest } from "playwright-core";
import { describe, expect, it } from "vitest";
import { replyProposal } from "./support/desk.ts";
import { useDesk } from "./support/use-desk.ts";

/**
 * Runs before the app: holds each "ready" event of `/v1/events` (sent on every connection, the first and
 * each reconnection) until the test calls `window.releaseReady()`, which delivers those held or, with
 * none held, delivers the last one again, as a reconnection would. `window.readyHeld()` counts those held.
 */
const HOLD_READY = `(() => {
  const add = EventSource.prototype.addEventListener;
  const held = [];
  let last = null;
  EventSource.prototype.addEventListener = function (type, listener, options) {
    if (type !== "ready") return add.call(this, type, listener, options);
    return add.call(this, type, (event) => held.push(() => listener.call(this, event)), options);
  };
  window.readyHeld = () => held.length;
  window.releaseReady = () => {
    if (held.length > 0) last = held[held.length - 1];
    const due = held.length > 0 ? held.splice(0) : [last];
    for (const deliver of due) deliver();
  };
})();`;

/** Clicks "Show 200 more" from inside the page, in the task that runs it. */
const clickShowMore = `[...document.querySelectorAll("button")].find((b) => b.textContent === "Show 200 more").click();`;

/**
 * Counts the inbox's loads (each asks for the queue summary) and waits until `count` of them have been
 * answered with none of its requests still open, and the answer has had time to render.
 */
function watchLists(page: Page) {
  let summaries = 0;
  let open = 0;
  const isList = (url: string) => new URL(url).pathname.startsWith("/v1/reviews");
  page.on("request", (request) => {
    if (isList(request.url())) open++;
  });
  const done = (request: PageRequest) => {
    if (!isList(request.url())) return;
    open--;
    if (new URL(request.url()).pathname === "/v1/reviews/summary") summaries++;
  };
  page.on("requestfinished", done);
  page.on("requestfailed", done);
  return {
    async settled(count: number) {
      await expect.poll(() => summaries >= count && open === 0, { timeout: 20_000 }).toBe(true);
      // The reload's 150 ms debounce and React's render after the last answer.
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(open).toBe(0);
    },
  };
}

/**
 * A long queue in real Chromium, as a support lead works it on a Monday: the inbox lists 200 at a time
 * and says more are waiting; closing a review's tab gives its claim back; a claim's time reads as a
 * local time, not as the API's UTC timestamp.
 */
describe("the reviewer app: a long queue", () => {
  let ownerKey: string;
  const web = useDesk({
    people: [
      { name: "rita", role: "reviewer", pii: true },
      { name: "sam", role: "reviewer", pii: true },
    ],
    seed: async (desk) => {
      ownerKey = await desk.key("olga", "owner");
    },
  });

  const claimOf = async (reviewId: string) => {
    const open = await web.desk.call("GET", "/v1/reviews?limit=500", { key: ownerKey });
    return (open.body.items as { id: string; claim: { by: { name: string } } | null }[]).find(
      (item) => item.id === reviewId,
    )?.claim;
  };

  it("lists 200 open reviews, says more are waiting, and keeps the next 200 through the stream's reloads", {
    timeout: 90_000,
  }, async () => {
    await web.desk.clearQueue();
    // Submitted 41 at a time, so they share commits: one at a time, 205 durable commits took over 30 s
    // on a machine busy with the other suites.
    for (let round = 0; round < 5; round++) {
      await Promise.all(
        Array.from({ length: 41 }, (_, i) =>
          web.desk.propose(replyProposal(`Reply number ${round * 41 + i}`)),
        ),
      );
    }
    const w = await web.signIn("rita");
    const { page } = w;
    // The change stream connects but is not live for the app until the test says so.
    await page.addInitScript({ content: HOLD_READY });
    await page.reload();
    const rows = page.getByRole("table", { name: "Open reviews" }).locator("tbody tr");
    const showMore = page.getByRole("button", { name: "Show 200 more" });
    await page.getByText("200 open reviews listed, earliest due first; more are waiting.").waitFor();
    expect(await rows.count()).toBe(200);
    await page.waitForFunction("window.readyHeld() > 0");
    expect(await page.getByText("Reconnecting…").count()).toBe(1);

    // The stream goes live and, in the same task, before the reload that its connection schedules, the
    // reviewer asks for more: that reload must list both pages, not undo the second.
    const lists = watchLists(page);
    await page.evaluate(`window.releaseReady(); ${clickShowMore}`);
    await page.getByText("Live", { exact: true }).waitFor();
    await lists.settled(2);
    expect(await rows.count()).toBe(205);
    expect(await showMore.count()).toBe(0);

    // A reconnection (the server says "ready" again) reloads the list: still both pages.
    await page.evaluate("window.releaseReady()");
    await lists.settled(3);
    expect(await rows.count()).toBe(205);
    expect(await showMore.count()).toBe(0);

    // A later change reloads it too, with the pages asked for and the new review.
    await web.desk.propose(replyProposal("Reply number 205"));
    await expect.poll(() => rows.count()).toBe(206);
    expect(await showMore.count()).toBe(0);
    expect(w.pageErrors).toEqual([]);
    await w.context.close();
  });

  it("opens a link to a review someone holds read-only with their claim in local time; a closed tab gives the claim back", async () => {
    await web.desk.clearQueue();
    const proposal = await web.desk.propose(replyProposal("Your card is on its way."));
    const reviewId = proposal.review.id as string;

    const sam = await web.signIn("sam");
    await sam.page.goto(`/review/${reviewId}`);
    await sam.page.getByText(/Claimed by you until/).waitFor();
    expect((await claimOf(reviewId))?.by.name).toBe("sam");

    const rita = await web.signIn("rita");
    // The link of a notification sent before links said `/review/<id>` opens the same page.
    await rita.page.goto(`/reviews/${reviewId}`);
    const held = rita.page.getByText(/sam holds this review until/);
    await held.waitFor();
    await rita.page.getByRole("heading", { name: "Reply: Your card is on its way." }).waitFor();
    const message = (await held.textContent()) ?? "";
    expect(message).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/);
    await rita.context.close();

    await sam.page.close({ runBeforeUnload: true });
    for (let i = 0; i < 50 && (await claimOf(reviewId)) !== null; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await claimOf(reviewId)).toBeNull();
    await sam.context.close();
  });
});
