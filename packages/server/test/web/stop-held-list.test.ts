import { describe, expect, it } from "vitest";
import { replyProposal } from "./support/desk.ts";
import { useDesk } from "./support/use-desk.ts";

/**
 * Which proposals a stop holds, in real Chromium: on the Stops page each stop in force that holds any
 * offers to show them — summary, agent, action type, when — oldest first, a page at a time, to every
 * role that sees the page; owners and auditors follow a link to each one's audit trail.
 */
describe("the reviewer app: the proposals a stop holds", () => {
  const web = useDesk({
    people: [
      { name: "mia", role: "reviewer", queues: ["support"] },
      { name: "olga", role: "owner" },
      { name: "audrey", role: "auditor" },
    ],
  });

  it("shows an owner what a stop holds across agents, with each one's audit trail", async () => {
    const ownerKey = await web.desk.key("olga", "owner");
    const refundBot = await web.desk.key("refund-bot", "agent");
    const stop = await web.desk.call("POST", "/v1/stops", {
      key: ownerKey,
      body: { scope: { actionType: "support.reply" }, reason: "Replies quote the old refund policy" },
    });
    expect(stop.status).toBe(201);
    const first = await web.desk.propose(replyProposal("Your card ships Monday."));
    const second = await web.desk.call("POST", "/v1/proposals", {
      key: refundBot,
      body: replyProposal("Your refund is on its way."),
    });
    const third = await web.desk.propose(replyProposal("Your card has shipped."));
    expect([first.status, second.body.status, third.status]).toEqual(["held", "held", "held"]);

    const owner = await web.signIn("olga", { timeout: 8000 });
    await owner.page.getByRole("link", { name: "Stops", exact: true }).click();
    const line = owner.page.getByRole("listitem").filter({ hasText: "Stopped: action support.reply" });
    await line.getByText("3 proposals held").waitFor();
    // Nothing is read until asked for.
    expect(await line.getByRole("table").count()).toBe(0);
    await line.getByText("Show the 3 held proposals").click();

    const table = line.getByRole("table", { name: "Held by the stop of action support.reply" });
    await table.waitFor();
    const rows = table.getByRole("row");
    await expect(rows.count()).resolves.toBe(4); // the header and three, oldest first
    const cells = async (n: number) => (await rows.nth(n).getByRole("cell").allTextContents()).slice(0, 4);
    expect((await cells(1)).slice(0, 3)).toEqual([
      "Reply: Your card ships Monday.",
      "support-bot",
      "support.reply",
    ]);
    expect((await cells(2)).slice(0, 3)).toEqual([
      "Reply: Your refund is on its way.",
      "refund-bot",
      "support.reply",
    ]);
    expect((await cells(3)).slice(0, 3)).toEqual([
      "Reply: Your card has shipped.",
      "support-bot",
      "support.reply",
    ]);
    expect((await cells(1))[3]).not.toBe("");

    // The refund bot's proposal: its audit trail, on the Audit page.
    await rows.nth(2).getByRole("link", { name: "audit trail" }).click();
    await owner.page.getByRole("heading", { name: "Audit trail" }).waitFor();
    expect(new URL(owner.page.url()).search).toBe(`?proposal=${encodeURIComponent(second.body.id)}`);
    await expect(owner.page.getByLabel("Proposal id").inputValue()).resolves.toBe(second.body.id);
    await owner.page.getByRole("table", { name: "Audit entries" }).getByText("proposal.submitted").waitFor();

    // Lifted, the stop and what it held are gone: the proposals are routed again.
    await owner.page.goBack();
    await owner.page.getByLabel("Reason for lifting").fill("Policy text fixed");
    await owner.page.getByRole("button", { name: "Lift this stop" }).click();
    await owner.page.getByText("No stop is in force").waitFor();
    expect((await web.desk.read(second.body.id)).status).not.toBe("held");
    expect(owner.pageErrors).toEqual([]);
    await owner.context.close();
  });

  it("shows reviewers the list masked and without audit links, auditors with them, a page at a time", async () => {
    const ownerKey = await web.desk.key("olga", "owner");
    await web.desk.clearQueue();
    const stop = await web.desk.call("POST", "/v1/stops", {
      key: ownerKey,
      body: { scope: { agent: "support-bot" }, reason: "Drafts are off-brand" },
    });
    expect(stop.status).toBe(201);
    // One more than a page, the first with an address in its summary.
    for (let n = 0; n < 21; n++) {
      const summary = n === 0 ? "Reply to anna@example.com about her card" : `Reply number ${n}`;
      expect((await web.desk.propose(replyProposal(`Held ${n}`, { summary }))).status).toBe("held");
    }

    const reviewer = await web.signIn("mia", { timeout: 8000 });
    await reviewer.page.goto("/stops");
    const line = reviewer.page.getByRole("listitem").filter({ hasText: "Stopped: agent support-bot" });
    await line.getByText("Show the 21 held proposals").click();
    const table = line.getByRole("table", { name: "Held by the stop of agent support-bot" });
    await table.waitFor();
    await expect(table.getByRole("row").count()).resolves.toBe(21); // the header and a page of 20
    // No PII permission: the address is masked, as everywhere else in the app.
    await table.getByText("Reply to [email] about her card").waitFor();
    expect(await table.getByText("anna@example.com").count()).toBe(0);
    // Reviewers have no audit page to go to.
    expect(await table.getByRole("columnheader", { name: "Audit trail" }).count()).toBe(0);
    expect(await table.getByRole("link").count()).toBe(0);
    await line.getByRole("button", { name: "Show more held" }).click();
    await table.getByText("Reply number 20").waitFor();
    await expect(table.getByRole("row").count()).resolves.toBe(22);
    expect(await line.getByRole("button", { name: "Show more held" }).count()).toBe(0);

    const auditor = await web.signIn("audrey", { timeout: 8000 });
    await auditor.page.getByRole("link", { name: "Stops", exact: true }).click();
    const auditorLine = auditor.page.getByRole("listitem").filter({ hasText: "Stopped: agent support-bot" });
    await auditorLine.getByText("Show the 21 held proposals").click();
    const auditorTable = auditorLine.getByRole("table", { name: "Held by the stop of agent support-bot" });
    await auditorTable.getByRole("columnheader", { name: "Audit trail" }).waitFor();
    await expect(auditorTable.getByRole("link", { name: "audit trail" }).count()).resolves.toBe(20);

    const lifted = await web.desk.call("DELETE", `/v1/stops/${stop.body.id}`, { key: ownerKey, body: {} });
    expect(lifted.status).toBe(200);
    for (const w of [reviewer, auditor]) {
      expect(w.pageErrors).toEqual([]);
      await w.context.close();
    }
  });
});
