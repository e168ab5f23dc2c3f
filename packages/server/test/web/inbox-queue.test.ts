import { describe, expect, it } from "vitest";
import { replyProposal } from "./support/desk.ts";
import { useDesk } from "./support/use-desk.ts";

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

  it("lists 200 open reviews, says more are waiting, and shows the next 200 on asking", {
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
    // Once the change stream is up: its first connection reloads the list from the top, which would
    // undo a "Show 200 more" clicked before it.
    await w.page.getByText("Live", { exact: true }).waitFor();
    const rows = w.page.getByRole("table", { name: "Open reviews" }).locator("tbody tr");
    await w.page.getByText("200 open reviews listed, earliest due first; more are waiting.").waitFor();
    expect(await rows.count()).toBe(200);
    await w.page.getByRole("button", { name: "Show 200 more" }).click();
    await w.page.getByRole("button", { name: "Show 200 more" }).waitFor({ state: "detached" });
    expect(await rows.count()).toBe(205);
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
