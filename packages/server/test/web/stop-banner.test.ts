import { describe, expect, it } from "vitest";
import { replyProposal } from "./support/desk.ts";
import { useDesk } from "./support/use-desk.ts";

/** Quicker than the banner's one-minute poll: seeing the change in this time proves it came live. */
const LIVE_MS = 5_000;

/**
 * A stop seen by the people it affects, in real Chromium: an owner stops an agent, the reviewer
 * working the inbox sees the banner at once (no reload), on the review page too; the lift takes it
 * away; the owner's History lists the lifted stop.
 */
describe("the reviewer app: stops in force and their history", () => {
  const web = useDesk({
    people: [
      { name: "mia", role: "reviewer", queues: ["support"] },
      { name: "olga", role: "owner" },
      { name: "audrey", role: "auditor" },
    ],
  });

  it("shows the reviewer a banner while an owner has stopped an agent, and takes it away on the lift", async () => {
    await web.desk.clearQueue();
    const waiting = await web.desk.propose(replyProposal("Your card is on its way."));
    const reviewer = await web.signIn("mia");
    await reviewer.page.getByRole("link", { name: /Reply: Your card is on its way/ }).waitFor();
    await reviewer.page.getByText("Live", { exact: true }).waitFor();
    const banner = reviewer.page.getByRole("status", { name: "Automation stopped" });
    expect(await banner.count()).toBe(0);

    const owner = await web.signIn("olga");
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
    const held = await web.desk.propose(replyProposal("Held: your card is on its way."));
    expect(held.status).toBe("held");

    // On the review page too.
    await reviewer.page.getByRole("link", { name: /Reply: Your card is on its way/ }).click();
    await reviewer.page.getByRole("heading", { name: "Decide" }).waitFor();
    await expect(banner.getByText("Automation is stopped for agent support-bot").count()).resolves.toBe(1);

    await owner.page.getByLabel("Reason for lifting").fill("Fixed the prompt");
    await owner.page.getByRole("button", { name: "Lift this stop" }).click();
    await owner.page.getByText("No stop is in force").waitFor();
    await banner.waitFor({ state: "detached", timeout: LIVE_MS });
    expect((await web.desk.read(held.id)).status).not.toBe("held");

    // The owner's history: who stopped what and why, and who lifted it.
    const history = owner.page.getByRole("table", { name: "Lifted stops" });
    const row = history.getByRole("row").filter({ hasText: "Drafts are off-brand today" });
    await row.waitFor();
    await expect(row.getByRole("rowheader").textContent()).resolves.toBe("agent support-bot");
    await expect(row.textContent()).resolves.toMatch(/olga, .*olga, .*Fixed the prompt/);

    expect(reviewer.pageErrors).toEqual([]);
    expect(owner.pageErrors).toEqual([]);
    expect(waiting.status).toBe("pending_review");
    await reviewer.context.close();
    await owner.context.close();
  });

  it("shows a stop already in force at sign-in, in words, with a way to the Stops page for owners", async () => {
    const ownerKey = await web.desk.key("olga", "owner");
    const created = await web.desk.call("POST", "/v1/stops", {
      key: ownerKey,
      body: { scope: { all: true }, reason: "Incident drill" },
    });
    expect(created.status).toBe(201);
    const owner = await web.signIn("olga");
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

  it("shows reviewers and auditors the stops read-only; auditors the history too; a lift needs no reason", async () => {
    const ownerKey = await web.desk.key("olga", "owner");
    const created = await web.desk.call("POST", "/v1/stops", {
      key: ownerKey,
      body: { scope: { agent: "support-bot" }, reason: "Read-only check" },
    });
    expect(created.status).toBe(201);
    const held = await web.desk.propose(replyProposal("Held while stopped."));
    expect(held.status).toBe("held");

    const reviewer = await web.signIn("mia");
    // The banner says how many proposals the stop holds.
    await reviewer.page
      .getByRole("status", { name: "Automation stopped" })
      .getByText("1 proposal held")
      .waitFor();
    expect(await reviewer.page.getByRole("link", { name: "Stops", exact: true }).count()).toBe(0);
    await reviewer.page.goto("/stops");
    await reviewer.page.getByText("Stopped: agent support-bot").waitFor();
    await reviewer.page.getByText("Only owners start and lift stops.").waitFor();
    expect(await reviewer.page.getByRole("form", { name: "Start a stop" }).count()).toBe(0);
    expect(await reviewer.page.getByRole("button", { name: "Lift this stop" }).count()).toBe(0);
    expect(await reviewer.page.getByRole("heading", { name: "History" }).count()).toBe(0);

    const auditor = await web.signIn("audrey");
    await auditor.page.getByRole("link", { name: "Stops", exact: true }).click();
    await auditor.page.getByText("Stopped: agent support-bot").waitFor();
    await auditor.page.getByRole("heading", { name: "History" }).waitFor();
    expect(await auditor.page.getByRole("form", { name: "Start a stop" }).count()).toBe(0);
    expect(await auditor.page.getByRole("button", { name: "Lift this stop" }).count()).toBe(0);

    // The owner lifts it without a reason: the API takes none, and the history says none was given.
    const owner = await web.signIn("olga");
    await owner.page.getByRole("link", { name: "Stops", exact: true }).click();
    await owner.page.getByRole("button", { name: "Lift this stop" }).click();
    await owner.page.getByText("No stop is in force").waitFor();
    const row = owner.page
      .getByRole("table", { name: "Lifted stops" })
      .getByRole("row")
      .filter({ hasText: "Read-only check" });
    await expect(row.textContent()).resolves.toMatch(/not given/);
    for (const w of [reviewer, auditor, owner]) {
      expect(w.pageErrors).toEqual([]);
      await w.context.close();
    }
  });
});
