import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureWebBuild, launchBrowser, openPage, signIn } from "./support/browser.ts";
import { type Desk, PASSWORD, replyProposal, startDesk } from "./support/desk.ts";

/** Quicker than the banner's one-minute poll: seeing the change in this time proves it came live. */
const LIVE_MS = 5_000;

/**
 * A stop seen by the people it affects, in real Chromium: an owner stops an agent, the reviewer
 * working the inbox sees the banner at once (no reload), on the review page too; the lift takes it
 * away; the owner's History lists the lifted stop.
 */
describe("the reviewer app: stops in force and their history", () => {
  let desk: Desk;
  let browser: Browser;

  beforeAll(async () => {
    ensureWebBuild();
    desk = await startDesk();
    await desk.addPerson("mia", "reviewer", { queues: ["support"] });
    await desk.addPerson("olga", "owner");
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await desk?.close();
  });

  it("shows the reviewer a banner while an owner has stopped an agent, and takes it away on the lift", async () => {
    await desk.clearQueue();
    const waiting = await desk.propose(replyProposal("Your card is on its way."));
    const reviewer = await openPage(browser, desk.url);
    await signIn(reviewer.page, "mia", PASSWORD);
    await reviewer.page.getByRole("link", { name: /Reply: Your card is on its way/ }).waitFor();
    await reviewer.page.getByText("Live", { exact: true }).waitFor();
    const banner = reviewer.page.getByRole("status", { name: "Automation stopped" });
    expect(await banner.count()).toBe(0);

    const owner = await openPage(browser, desk.url);
    await signIn(owner.page, "olga", PASSWORD);
    await owner.page.getByRole("link", { name: "Stops" }).click();
    await owner.page.getByText("No stop is in force").waitFor();
    await owner.page.getByLabel("Scope").selectOption("agent");
    await owner.page.getByLabel("Agent id").fill("support-bot");
    await owner.page.getByLabel("Reason", { exact: true }).fill("Drafts are off-brand today");
    await owner.page.getByRole("button", { name: "Stop automation" }).click();
    await owner.page.getByText("Stopped: agent support-bot").waitFor();

    // The reviewer's inbox, untouched since: the banner arrives over the change stream.
    await banner.waitFor({ timeout: LIVE_MS });
    await expect(banner.textContent()).resolves.toMatch(
      /Automation is stopped for agent support-bot: Drafts are off-brand today\s+— by olga, since /,
    );
    expect(await banner.getByRole("link", { name: "Manage stops" }).count()).toBe(0); // owners only
    const held = await desk.propose(replyProposal("Held: your card is on its way."));
    expect(held.status).toBe("held");

    // On the review page too.
    await reviewer.page.getByRole("link", { name: /Reply: Your card is on its way/ }).click();
    await reviewer.page.getByRole("heading", { name: "Decide" }).waitFor();
    await expect(banner.getByText("Automation is stopped for agent support-bot").count()).resolves.toBe(1);

    await owner.page.getByLabel("Reason for lifting").fill("Fixed the prompt");
    await owner.page.getByRole("button", { name: "Lift this stop" }).click();
    await owner.page.getByText("No stop is in force").waitFor();
    await banner.waitFor({ state: "detached", timeout: LIVE_MS });
    expect((await desk.read(held.id)).status).not.toBe("held");

    // The owner's history: who stopped what and why, and who lifted it.
    const history = owner.page.getByRole("table", { name: "Lifted stops" });
    const row = history.getByRole("row").filter({ hasText: "Drafts are off-brand today" });
    await row.waitFor();
    await expect(row.getByRole("rowheader").textContent()).resolves.toBe("agent support-bot");
    await expect(row.textContent()).resolves.toMatch(/olga, .*olga, /);

    expect(reviewer.pageErrors).toEqual([]);
    expect(owner.pageErrors).toEqual([]);
    expect(waiting.status).toBe("pending_review");
    await reviewer.context.close();
    await owner.context.close();
  });

  it("shows a stop already in force at sign-in, in words, with a way to the Stops page for owners", async () => {
    const ownerKey = await desk.key("olga", "owner");
    const created = await desk.call("POST", "/v1/stops", {
      key: ownerKey,
      body: { scope: { all: true }, reason: "Incident drill" },
    });
    expect(created.status).toBe(201);
    const owner = await openPage(browser, desk.url);
    await signIn(owner.page, "olga", PASSWORD);
    const banner = owner.page.getByRole("status", { name: "Automation stopped" });
    await banner.getByText("Automation is stopped for everything").waitFor();
    await banner.getByRole("link", { name: "Manage stops" }).click();
    await owner.page.getByRole("heading", { name: "Stops", exact: true }).waitFor();
    expect(await banner.count()).toBe(0); // the Stops page lists them itself
    await owner.page.getByLabel("Reason for lifting").fill("Drill over");
    await owner.page.getByRole("button", { name: "Lift this stop" }).click();
    await owner.page.getByText("No stop is in force").waitFor();
    await owner.page.getByRole("table", { name: "Lifted stops" }).getByText("Incident drill").waitFor();
    expect(owner.pageErrors).toEqual([]);
    await owner.context.close();
  });
});
