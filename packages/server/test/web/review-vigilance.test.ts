import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { signIn } from "./support/browser.ts";
import { DESK_POLICY, PASSWORD, refundProposal, replyProposal } from "./support/desk.ts";
import { useDesk } from "./support/use-desk.ts";

/** Reviewer vigilance in the reviewer app, in real Chromium: the blind-review step and evidence reports. */
describe("the reviewer app: blind review and evidence reports", () => {
  let dir: string;

  const web = useDesk({
    // The desk policy, with refunds reviewed blind and a rule that speaks of confidence.
    server: async () => {
      dir = await mkdtemp(join(tmpdir(), "loopgate-web-vigilance-"));
      const policyFile = join(dir, "loopgate.yaml");
      const text = (await readFile(DESK_POLICY, "utf8"))
        .replace(
          "  billing: { sla: 4h, onExpiry: escalate, escalateTo: support-leads }",
          "  billing: { sla: 4h, onExpiry: escalate, escalateTo: support-leads, blindReview: true }",
        )
        .replace(
          "rules:\n",
          `rules:\n  - id: confident-refund\n    when: action.type == "billing.refund" && confidence >= 0.85\n    route: review\n    reason: The agent is confident in this refund\n`,
        );
      expect(text).toContain("blindReview: true");
      await writeFile(policyFile, text);
      return { policyFile };
    },
    people: [{ name: "vera", role: "reviewer" }],
    cleanup: () => rm(dir, { recursive: true, force: true }),
  });

  /** A signed-in page with a short window, so the evidence starts below the fold. */
  async function page(): Promise<{ page: Page; close: () => Promise<void>; errors: string[] }> {
    const context = await web.browser.newContext({
      baseURL: web.desk.url,
      viewport: { width: 1280, height: 560 },
    });
    const p = await context.newPage();
    const errors: string[] = [];
    p.on("pageerror", (error) => errors.push(error.message));
    await signIn(p, "vera", PASSWORD);
    return { page: p, close: () => context.close(), errors };
  }
  const vera = async () => (await web.desk.server.deps.store.userByName("vera"))!;

  it("asks for a first judgement before showing the agent's recommendation on a blind review", async () => {
    const proposal = await web.desk.propose({ ...refundProposal(64), signals: { agentConfidence: 0.97 } });
    const w = await page();
    await w.page.goto(`/review/${proposal.review.id}?proposal=${proposal.id}`);
    await w.page.getByRole("heading", { name: "Your first judgement" }).waitFor();
    await expect(w.page.getByRole("heading", { name: "Decide" }).count()).resolves.toBe(0);
    const hidden = (await w.page.locator("main").textContent()) ?? "";
    expect(hidden).not.toContain("97%");
    expect(hidden).not.toContain("The agent is confident");
    expect(hidden).toContain("Withheld until you record your first judgement");

    await w.page.getByLabel("Reject").check();
    await w.page.getByLabel("Why (optional)").fill("One charge only");
    await w.page.getByRole("button", { name: /Record judgement/ }).click();
    await w.page.getByRole("heading", { name: "Decide" }).waitFor();
    await w.page.getByText("Your first judgement:").waitFor();
    const shown = (await w.page.locator("main").textContent()) ?? "";
    expect(shown).toContain("97%");
    expect(shown).toContain("The agent is confident");
    const activity = await web.desk.server.deps.store.reviewActivity(proposal.review.id, (await vera()).id);
    expect(activity?.judgement).toMatchObject({ verdict: "reject", comment: "One charge only" });
    expect(w.errors).toEqual([]);
    await w.close();
  });

  it("records the first opening, and reports the evidence once it has been on screen", async () => {
    const proposal = await web.desk.propose(replyProposal("Your card arrives within 5 working days."));
    const w = await page();
    await w.page.goto(`/review/${proposal.review.id}?proposal=${proposal.id}`);
    await w.page.getByRole("heading", { name: "Decide" }).waitFor();
    const user = await vera();
    const activity = () => web.desk.server.deps.store.reviewActivity(proposal.review.id, user.id);
    expect((await activity())?.firstOpenedAt).toBeTruthy();

    // Below the fold, the evidence is not reported however long the packet stays open.
    await w.page.waitForTimeout(1500);
    expect((await activity())?.evidenceOpenedAt).toBeNull();

    await w.page.getByRole("heading", { name: /^Evidence/ }).scrollIntoViewIfNeeded();
    const deadline = Date.now() + 5000;
    while ((await activity())?.evidenceOpenedAt == null && Date.now() < deadline)
      await w.page.waitForTimeout(100);
    expect((await activity())?.evidenceOpenedAt).toBeTruthy();
    expect(w.errors).toEqual([]);
    await w.close();
  });
});
