import { describe, expect, it } from "vitest";
import { replyProposal } from "./support/desk.ts";
import { useDesk } from "./support/use-desk.ts";

/** The review page's similar past cases in real Chromium: how cases like this one were decided, and why. */
describe("the reviewer app: similar past cases", () => {
  let ownerKey: string;
  const web = useDesk({
    people: [{ name: "sam", role: "reviewer", pii: false }],
    seed: async (desk) => {
      ownerKey = await desk.key("olga", "owner");
    },
  });

  it("lists the decided case most like this one, with the verdict, the decider and their comment, masked", async () => {
    await web.desk.clearQueue();
    const past = await web.desk.propose(
      replyProposal("Your card is on its way.", {
        request: {
          text: "Where is my new card? I ordered it last week. Call me on +44 7700 900123",
          channel: "email",
        },
        summary: "Tell the customer when the card arrives",
      }),
    );
    const decided = await web.desk.call("POST", `/v1/reviews/${past.review.id}/decisions`, {
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
    const current = await web.desk.propose(replyProposal("It is coming soon."));

    const w = await web.signIn("sam");
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
