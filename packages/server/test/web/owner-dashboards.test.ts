import { join } from "node:path";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { rate, score, seconds } from "../../../web/src/owner/figures.ts";
import { refitCalibration } from "../../src/learning/calibration-refitter.ts";
import type { WatchedPage } from "./support/browser.ts";
import { reviewRefunds, reviewReplies, type StreamTally } from "./support/learning-stream.ts";
import { useDesk } from "./support/use-desk.ts";

const POLICY = join(import.meta.dirname, "fixtures", "dashboard-policy.yaml");
const REPLIES = 220;

/** The owner dashboards and the policy simulator in real Chromium, over data seeded through the API. */
describe("the reviewer app: owner dashboards and the simulator", () => {
  let olga: WatchedPage;
  let ownerKey: string;
  let tally: StreamTally;
  const web = useDesk({
    server: { policyFile: POLICY },
    people: [
      { name: "olga", role: "owner" },
      { name: "oscar", role: "owner" },
      { name: "audrey", role: "auditor" },
      { name: "rita", role: "reviewer" },
    ],
    seed: async (desk) => {
      ownerKey = await desk.key("desk-metrics", "owner");
      const reviewer = await desk.key("anna", "reviewer");
      tally = await reviewReplies(desk.url, { agent: desk.agentKey, reviewer }, { count: REPLIES, seed: 7 });
      const fits = await refitCalibration(desk.server.deps);
      expect(fits.map((f) => f.reason)).toEqual(["first_fit"]);
      // Five refunds decided (one rejected), one left waiting in the billing queue.
      await reviewRefunds(
        desk.url,
        { agent: desk.agentKey, reviewer },
        [12, 30, 45, 8, 60, 20],
        ["approve", "approve", "reject", "approve", "approve"],
      );
    },
    timeout: 180_000,
  });
  beforeAll(async () => {
    olga = await web.signIn("olga", { timeout: 8000 });
  });

  const get = async (path: string) => {
    const answer = await web.desk.call("GET", path, { key: ownerKey });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body;
  };
  /** The value shown under a figure's name in a `dl.stats` block (of `scope`, by default the page). */
  const figure = (page: Page, name: string, scope: Page | ReturnType<Page["locator"]> = page) =>
    scope
      .locator("dl.stats > div")
      .filter({ has: page.locator("dt").getByText(name, { exact: true }) })
      .locator("dd")
      .textContent();
  /** The text of each cell of a table's row whose header is `row`. */
  const rowCells = async (page: Page, table: string, row: string) => {
    await page.getByRole("table", { name: table, exact: true }).waitFor();
    return page
      .getByRole("table", { name: table, exact: true })
      .getByRole("row")
      .filter({ has: page.getByRole("rowheader", { name: row, exact: true }) })
      .getByRole("cell")
      .allTextContents();
  };
  const showTable = (page: Page, title: string) =>
    page.getByRole("button", { name: `${title}: show as table`, exact: true }).click();

  /** Opens the dashboard afresh from the inbox, through the header's link. */
  async function openDashboard(page: Page) {
    await page.goto("/");
    await page.getByRole("heading", { name: "Inbox" }).waitFor();
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Dashboard" }).click();
    await page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();
    await page.locator("dl.stats").first().waitFor();
  }

  it("shows the window's totals and rates over time as the metrics API reports them", async () => {
    const { page } = olga;
    await openDashboard(page);
    const metrics = await get("/v1/metrics");
    const t = metrics.totals;
    expect(t.proposals).toBe(REPLIES + 6);
    expect(t.decisions.approve).toBe(tally.approved + 4);
    await expect(figure(page, "Proposals")).resolves.toBe(String(t.proposals));
    await expect(figure(page, "Approval rate")).resolves.toBe(rate(t.rates.approval));
    await expect(figure(page, "Override rate")).resolves.toBe(rate(t.rates.override));
    await expect(figure(page, "Automation rate")).resolves.toBe(rate(t.rates.automation));
    await expect(figure(page, "Time to decide (p50)")).resolves.toBe(seconds(t.timeToDecide.p50Seconds));

    // The charts' numbers, through their table alternative: the current hour holds every proposal.
    const last = metrics.series.at(-1);
    expect(last.proposals).toBe(t.proposals);
    const svg = page.getByRole("img", { name: /^Decision rates:/ });
    await expect(svg.getAttribute("aria-label")).resolves.toContain(
      `approval latest ${rate(last.rates.approval)}`,
    );
    await showTable(page, "Decision rates");
    const hours = page.getByRole("table", { name: "Decision rates" }).getByRole("row");
    await expect(hours.count()).resolves.toBe(metrics.series.length + 1);
    const lastRow = await hours.last().getByRole("cell").allTextContents();
    expect(lastRow).toEqual([
      rate(last.rates.approval),
      rate(last.rates.edit),
      rate(last.rates.rejection),
      rate(last.rates.override),
    ]);
    await showTable(page, "Route mix and volume");
    const mix = page.getByRole("table", { name: "Route mix and volume" });
    const header = await mix.getByRole("row").first().getByRole("columnheader").allTextContents();
    const cells = await mix.getByRole("row").last().getByRole("cell").allTextContents();
    const shown = Object.fromEntries(header.slice(1).map((h, i) => [h, Number(cells[i])]));
    expect(shown).toMatchObject({
      auto: last.routes.auto ?? 0,
      review: last.routes.review,
      Total: t.proposals,
    });

    // Reason categories of the rejections and edits, and time to claim, as the server counts them.
    expect(t.categories).toEqual({ wrong_amount: 1, wrong_tone: tally.rejected });
    for (const [name, n] of Object.entries(t.categories)) {
      const [cell] = await rowCells(page, "Correction categories", name.replace(/_/g, " "));
      expect(cell).toBe(String(n));
    }
    await expect(figure(page, "Time to claim (p50)")).resolves.toBe(seconds(t.timeToClaim.p50Seconds));
    expect(olga.pageErrors).toEqual([]);
  });

  it("narrows to an action type and changes the window", async () => {
    const { page } = olga;
    await openDashboard(page);
    await page.getByLabel("Action type").selectOption("billing.refund");
    const refunds = (await get("/v1/metrics?actionType=billing.refund")).totals;
    expect(refunds.proposals).toBe(6);
    await expect.poll(() => figure(page, "Proposals")).toBe("6");
    await expect(figure(page, "Approval rate")).resolves.toBe(rate(refunds.rates.approval));
    await page.getByRole("radio", { name: "Last 7 days" }).check();
    await showTable(page, "Route mix and volume");
    const header = page
      .getByRole("table", { name: "Route mix and volume" })
      .getByRole("columnheader")
      .first();
    await expect(header.textContent()).resolves.toBe("Day");
    await expect(
      page.getByRole("table", { name: "Route mix and volume" }).getByRole("row").count(),
    ).resolves.toBe(
      (
        await get(
          "/v1/metrics?actionType=billing.refund&bucket=day&from=" +
            new Date(Date.now() - 7 * 864e5).toISOString(),
        )
      ).series.length + 1,
    );

    // The address carries the filters: a reload (or a shared link) shows the same view.
    expect(new URL(page.url()).search).toBe("?window=7d&actionType=billing.refund");
    await page.reload();
    await expect.poll(() => figure(page, "Proposals")).toBe("6");
    await expect(page.getByRole("radio", { name: "Last 7 days" }).isChecked()).resolves.toBe(true);
  });

  it("shows queue depth, capacity and age from the queue summary, and narrows the metrics to a queue", async () => {
    const { page } = olga;
    await openDashboard(page);
    await page.getByRole("combobox", { name: /^Queue/ }).selectOption("billing");
    const billingMetrics = (await get("/v1/metrics?queue=billing")).totals;
    await expect.poll(() => figure(page, "Proposals")).toBe(String(billingMetrics.proposals));
    const queues = (await get("/v1/reviews/summary")).items as {
      queue: string;
      open: number;
      capacity: number | null;
    }[];
    const billing = queues.find((q) => q.queue === "billing");
    expect(billing).toMatchObject({ open: 1, capacity: 50, overloaded: false });
    for (const q of queues) {
      const [open, capacity] = await rowCells(page, "Queue depth and age", q.queue);
      expect(open).toBe(String(q.open));
      expect(capacity).toBe(q.capacity === null ? "no limit" : String(q.capacity));
    }
  });

  it("draws the reliability diagram before and after calibration, with ECE and Brier score", async () => {
    const { page } = olga;
    await openDashboard(page);
    const [item] = (await get("/v1/calibration?agent=support-bot&actionType=support.reply")).items;
    expect(item.calibration).not.toBeNull();
    const card = page.getByRole("article", { name: "support-bot · support.reply" }).first();
    const ece = await rowCells(
      page,
      "Calibration error of support-bot · support.reply",
      "Expected calibration error",
    );
    expect(ece).toEqual([score(item.ece.raw), score(item.ece.calibrated)]);
    const brier = await rowCells(page, "Calibration error of support-bot · support.reply", "Brier score");
    expect(brier).toEqual([score(item.brier.raw), score(item.brier.calibrated)]);
    await expect(
      card.getByRole("img", { name: /^Reliability of support-bot · support.reply/ }).isVisible(),
    ).resolves.toBe(true);
    await showTable(page, "Reliability of support-bot · support.reply");
    const rows = page
      .getByRole("table", { name: "Reliability of support-bot · support.reply" })
      .getByRole("row");
    await expect(rows.count()).resolves.toBe(item.reliabilityRaw.length + 1);
    let rawTotal = 0;
    for (let i = 1; i <= item.reliabilityRaw.length; i++) {
      const cells = await rows.nth(i).getByRole("cell").allTextContents();
      rawTotal += Number(cells[0]);
      expect(cells[3]).toBe(String(item.reliability[i - 1].n));
    }
    expect(rawTotal).toBe(item.reviewed);
  });

  it("asks to apply a recommended threshold as one owner and approves it as another", async () => {
    const { page } = olga;
    await openDashboard(page);
    const [rec] = (await get("/v1/recommendations?status=proposed")).items;
    const table = page.getByRole("table", { name: "Threshold recommendations" });
    const row = table.getByRole("row").filter({ hasText: "support-bot · support.reply" });
    await expect(row.getByRole("cell").first().textContent()).resolves.toBe(rec.threshold.toFixed(2));
    await expect(row.textContent()).resolves.toContain(`${rec.evidence} of ${rec.detail.reviewed} reviewed`);
    await row.getByRole("button", { name: "Ask to apply" }).click();
    await page.getByRole("status").filter({ hasText: "a different owner approves it" }).waitFor();
    await row.getByRole("button", { name: "Approve" }).click();
    await expect(page.getByRole("alert").textContent()).resolves.toBe(
      "You asked to apply this recommendation; a different owner must approve it",
    );

    const oscar = await web.signIn("oscar");
    await openDashboard(oscar.page);
    const oscarRow = oscar.page
      .getByRole("table", { name: "Threshold recommendations" })
      .getByRole("row")
      .filter({ hasText: "support-bot · support.reply" });
    await oscarRow.getByRole("button", { name: "Approve" }).click();
    await oscar.page.getByRole("status").filter({ hasText: "is in force" }).waitFor();
    const approved = (await get(`/v1/recommendations?status=approved`)).items[0];
    expect(approved).toMatchObject({
      id: rec.id,
      requestedBy: { name: "olga" },
      approvedBy: { name: "oscar" },
    });
    await expect.poll(() => oscarRow.textContent()).toContain(`policy v${approved.policyVersion}`);
    await oscar.context.close();
  });

  it("shows each reviewer's override rate against the healthy band, with canaries and streaks", async () => {
    const { page } = olga;
    await openDashboard(page);
    const report = await get("/v1/vigilance");
    const anna = report.items.find((r: { reviewer: { name: string } }) => r.reviewer.name === "anna");
    expect(anna.decisions).toBeGreaterThan(0);
    const cells = await rowCells(page, "Reviewer vigilance", "anna");
    expect(cells[0]).toBe(String(anna.decisions));
    expect(cells[1]).toBe(`${rate(anna.overrideRate)} (${anna.band})`);
    expect(cells[4]).toBe(`${anna.approvalsWithoutEvidence} of ${anna.approvals}`);
    expect(cells[5]).toBe(`${anna.streak.longest} / ${anna.streak.current}`);
    expect(cells[6]).toBe(
      anna.canaries.seen === 0
        ? "none seen"
        : `${anna.canaries.caught} of ${anna.canaries.seen} (${rate(anna.canaries.catchRate)})`,
    );
    const chart = page.getByRole("img", { name: /^Override rate per reviewer:/ });
    await expect(chart.getAttribute("aria-label")).resolves.toContain(
      `healthy band ${rate(report.band.low)} to ${rate(report.band.high)}`,
    );
    await showTable(page, "Override rate per reviewer");
    expect(await rowCells(page, "Override rate per reviewer", "anna")).toEqual([
      rate(anna.overrideRate),
      anna.band,
    ]);
  });

  it("promotes an agent only when a second owner approves, showing the evidence and breakers", async () => {
    const { page } = olga;
    await openDashboard(page);
    const [state] = (await get("/v1/autonomy?agent=support-bot&actionType=billing.refund")).items;
    expect(state).toMatchObject({ stage: "observe", next: "review_all", eligible: true });
    const card = page.getByRole("article", { name: "Autonomy of support-bot · billing.refund" });
    await expect(card.locator("strong.stage").textContent()).resolves.toBe("observe");
    const decisions = state.criteria.find((c: { name: string }) => c.name === "decisions");
    expect(
      await rowCells(page, "Promotion criteria of support-bot · billing.refund", "Reviewed decisions"),
    ).toEqual([String(decisions.value), `≥ ${decisions.bound}`, "✓ met"]);
    const override = state.breakers.find((b: { name: string }) => b.name === "override");
    const breaker = await rowCells(page, "Circuit breakers of support-bot · billing.refund", "override");
    expect(breaker.slice(0, 2)).toEqual([rate(override.rate), `≤ ${rate(override.bound)}`]);
    expect(breaker[3]).toBe(override.tripped ? "tripped" : "closed");

    await card.getByLabel("Comment").fill("Five clean refunds");
    await card.getByRole("button", { name: "Ask to promote to review all" }).click();
    await card.getByRole("status").filter({ hasText: "a different owner approves it" }).waitFor();
    const pending = card.getByRole("region", { name: "Pending promotion of support-bot · billing.refund" });
    await expect(pending.textContent()).resolves.toContain("asked by olga");
    await pending.getByRole("button", { name: "Approve promotion" }).click();
    await expect(card.getByRole("alert").textContent()).resolves.toBe(
      "You asked for this promotion; a different owner must approve it",
    );
    expect((await get("/v1/autonomy?actionType=billing.refund")).items[0].stage).toBe("observe");

    const oscar = await web.signIn("oscar");
    await openDashboard(oscar.page);
    const oscarCard = oscar.page.getByRole("article", { name: "Autonomy of support-bot · billing.refund" });
    await oscarCard.getByRole("button", { name: "Approve promotion" }).click();
    await oscarCard.getByRole("status").filter({ hasText: "Promoted" }).waitFor();
    await expect.poll(() => oscarCard.locator("strong.stage").textContent()).toBe("review all");
    const [after] = (await get("/v1/autonomy?agent=support-bot&actionType=billing.refund")).items;
    expect(after.stage).toBe("review_all");
    expect(after.history[0]).toMatchObject({ kind: "promotion", from: "observe", to: "review_all" });
    await oscarCard.getByText("History (1)").click();
    await expect(oscarCard.getByRole("listitem").first().textContent()).resolves.toContain(
      "promotion observe → review all by oscar",
    );
    const history = oscar.page.getByRole("table", { name: "Promotions and demotions" });
    await expect
      .poll(() => history.getByRole("row").nth(1).getByRole("cell").allTextContents())
      .toEqual([
        expect.any(String),
        "promotion observe → review all",
        "oscar",
        after.history[0].reason,
        `v${after.history[0].policyVersion}`,
      ]);
    await oscar.context.close();
  });

  it("shows the audit log newest first, pages back to its first entry, and links an entry to its proposal's trail", async () => {
    const { page } = olga;
    const newestSeq = async () => (await get("/v1/audit?order=desc&limit=1")).items[0].seq as number;
    const headBefore = await newestSeq();
    expect(headBefore).toBeGreaterThan(200); // more than a page, and more than the old view's one fetch
    await page.goto("/");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit" }).click();
    await page.getByText(/Chain verified: \d+ entries/).waitFor();
    const table = page.getByRole("table", { name: "Audit entries" });
    const seqCells = table.locator("tbody tr > td:first-child");
    await seqCells.first().waitFor();
    const seqs = async () => (await seqCells.allTextContents()).map(Number);

    // The newest entry first: today's decisions are on the first screen, not behind a proposal id.
    const first = await seqs();
    const headAfter = await newestSeq();
    expect(first[0]).toBeGreaterThanOrEqual(headBefore);
    expect(first[0]).toBeLessThanOrEqual(headAfter);
    expect(first).toEqual(first.map((_, i) => first[0]! - i));

    // "Older entries" pages back through the cursor to entry #1, every entry once. (CSS locators: the
    // page grows to every entry, and role or text queries walk all of it.)
    const older = page.locator("main button", { hasText: "Older entries" });
    const done = page.locator("main p[role=status]", { hasText: "No older entry exists." });
    for (let clicks = 0; !(await done.isVisible()); clicks++) {
      expect(clicks).toBeLessThan(60);
      const shown = await seqCells.count();
      await older.click();
      await expect.poll(() => seqCells.count()).toBeGreaterThan(shown);
    }
    const all = await seqs();
    expect(all).toEqual(Array.from({ length: first[0]! }, (_, i) => first[0]! - i));
    await expect(older.count()).resolves.toBe(0);
    // A person's entries say how they acted: signed in, or through a key (the seed's decisions).
    await table
      .getByRole("cell", { name: /^\S+ \(user, (signed in|key [\w-]+)\)$/ })
      .first()
      .waitFor();

    // An entry's proposal links to that proposal's own trail.
    const link = table.getByRole("link").first();
    const proposalId = await link.textContent();
    await link.click();
    await expect.poll(() => page.getByLabel("Proposal id").inputValue()).toBe(proposalId);
    expect(new URL(page.url()).searchParams.get("proposal")).toBe(proposalId);
    const trail = await get(`/v1/audit?order=desc&proposalId=${encodeURIComponent(proposalId!)}`);
    await expect.poll(() => seqs()).toEqual(trail.items.map((e: { seq: number }) => e.seq));
  }, 120_000);

  it("gives auditors the dashboards read-only, and reviewers no dashboard", async () => {
    const audrey = await web.signIn("audrey");
    await openDashboard(audrey.page);
    await audrey.page.getByRole("table", { name: "Threshold recommendations" }).waitFor();
    await expect(
      audrey.page.getByRole("button", { name: /Ask to apply|Approve|Ask to promote/ }).count(),
    ).resolves.toBe(0);
    await audrey.context.close();
    const rita = await web.signIn("rita");
    await expect(rita.page.getByRole("link", { name: "Dashboard" }).count()).resolves.toBe(0);
    for (const path of ["/dashboard", "/simulator"]) {
      await rita.page.goto(path);
      await rita.page.getByText("This page is for owners and auditors").waitFor();
    }
    await rita.context.close();
  });

  it("replays a candidate threshold in the simulator and shows how routes change", async () => {
    const { page } = olga;
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Simulator" }).click();
    const policy = await get("/v1/policy");
    const editor = page.getByLabel(/^Candidate policy \(YAML\)/);
    await expect.poll(() => editor.inputValue()).toBe(policy.text);
    await page.getByRole("spinbutton", { name: "support.reply" }).fill("0.5");
    await page.getByRole("button", { name: "Run the replay" }).click();
    await page.getByRole("heading", { name: /^Replay of \d+ stored proposals$/ }).waitFor();

    const expected = await web.desk.call("POST", "/v1/policy/replay", {
      key: ownerKey,
      body: { policy: policy.text, thresholds: { "support.reply": 0.5 } },
    });
    expect(expected.status, JSON.stringify(expected.body)).toBe(200);
    const reply = expected.body.actionTypes.find(
      (a: { actionType: string }) => a.actionType === "support.reply",
    );
    const toAuto = reply.routeChanges.find(
      (c: { from: string; to: string }) => c.from === "review" && c.to === "auto",
    );
    expect(toAuto.count).toBeGreaterThan(0);
    const matrix = await rowCells(page, "Route changes of support.reply", "review");
    const header = await page
      .getByRole("table", { name: "Route changes of support.reply" })
      .getByRole("columnheader")
      .allTextContents();
    expect(matrix[header.indexOf("auto") - 1]).toBe(String(toAuto.count));
    const card = page.getByRole("article", { name: "support.reply", exact: true });
    await expect(figure(page, "Automation rate", card)).resolves.toBe(
      `${rate(reply.automationRate.before)} → ${rate(reply.automationRate.after)}`,
    );
    await expect(figure(page, "Newly automated", card)).resolves.toBe(String(reply.newlyAutomated.count));
    await expect(figure(page, "Estimated error among them", card)).resolves.toBe(
      `${rate(reply.newlyAutomated.estimatedErrorRate)} (≤ ${rate(reply.newlyAutomated.errorUpperBound)} at 95%)`,
    );
    await expect(figure(page, "Evidence", card)).resolves.toBe(
      `${reply.newlyAutomated.reviewed} reviewed, ${reply.newlyAutomated.unknownOutcome} never decided`,
    );
  });

  it("shows a candidate's problems with their line numbers", async () => {
    const { page } = olga;
    await page.goto("/simulator");
    const editor = page.getByLabel(/^Candidate policy \(YAML\)/);
    await expect.poll(() => editor.inputValue()).not.toBe("");
    const broken = "version: 1\nactions:\n  support.reply:\n    reversible: maybe\n";
    await editor.fill(broken);
    await page.getByRole("button", { name: "Run the replay" }).click();
    const alert = page.getByRole("alert");
    await alert.waitFor();
    const answer = await web.desk.call("POST", "/v1/policy/replay", {
      key: ownerKey,
      body: { policy: broken },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe("invalid_policy");
    await expect(alert.locator("p").textContent()).resolves.toBe(answer.body.error.message);
    const lines = answer.body.error.details.issues.filter((i: { line?: number }) => i.line !== undefined);
    expect(lines.length).toBeGreaterThan(0);
    for (const issue of lines)
      await alert.getByText(`line ${issue.line}`, { exact: false }).first().waitFor();
  });
});
