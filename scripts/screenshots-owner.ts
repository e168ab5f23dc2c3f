/**
 * Screenshots of the owner views — the dashboards and the policy simulator — from a throwaway server
 * with the dashboards' test policy, seeded through the API with the synthetic stream of the browser
 * tests (220 reviewed replies from an over-confident agent, a calibration fit, a few refunds).
 * Called by `scripts/screenshots.ts`.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { createApiKey } from "../packages/server/src/app/api-keys.ts";
import { addUser } from "../packages/server/src/app/people.ts";
import { SYSTEM_ACTOR } from "../packages/server/src/app/principal.ts";
import { startServer } from "../packages/server/src/http/start-server.ts";
import { refitCalibration } from "../packages/server/src/learning/calibration-refitter.ts";
import { reviewRefunds, reviewReplies } from "../packages/server/test/web/support/learning-stream.ts";

const POLICY = join(import.meta.dirname, "../packages/server/test/web/fixtures/dashboard-policy.yaml");
const PASSWORD = "screenshots-only-password";
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

async function shoot(page: Page, section: string, path: string): Promise<void> {
  const target = page.locator(`section#${section}`);
  await target.scrollIntoViewIfNeeded();
  await target.screenshot({ path });
}

/** Writes dashboard-*.png and simulator.png to `out`; returns the files written. */
export async function ownerScreenshots(browser: Browser, out: string): Promise<string[]> {
  const dataDir = await mkdtemp(join(tmpdir(), "loopgate-screenshots-owner-"));
  // The history is written over the last day on a clock the script moves, so the charts have a shape;
  // from the screenshots on, the clock is the real one.
  // It only ever moves forward: it starts a day back, before the server does.
  const dayAgo = Date.now() - 23.5 * HOUR;
  let moved: number | null = dayAgo;
  const now = () => (moved === null ? new Date() : new Date(moved));
  const server = await startServer({ port: 0, dataDir, policyFile: POLICY, logLevel: "silent", now });
  try {
    const deps = { now: () => now().toISOString(), ids: server.deps.newId, actor: SYSTEM_ACTOR };
    await addUser(server.deps.store, { name: "olga", role: "owner", password: PASSWORD }, deps);
    const key = async (name: string, role: "agent" | "reviewer") =>
      (await createApiKey(server.deps.store, { name, role }, deps)).secret;
    const keys = { agent: await key("support-bot", "agent"), reviewer: await key("rita", "reviewer") };
    await reviewReplies(server.url, keys, {
      count: 220,
      seed: 7,
      before: (batch, step) => {
        moved = dayAgo + batch * 1.2 * HOUR + (step === "decide" ? (3 + ((batch * 7) % 25)) * MINUTE : 0);
      },
    });
    moved = null;
    await refitCalibration(server.deps);
    await reviewRefunds(
      server.url,
      keys,
      [12, 30, 45, 8, 60, 20, 35],
      ["approve", "approve", "reject", "approve", "approve"],
    );

    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      deviceScaleFactor: 1,
    });
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByLabel("Name").fill("olga");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Inbox" }).waitFor();

    await page.goto(`${server.url}/dashboard`);
    await page.locator("dl.stats").waitFor();
    // A promotion waiting for a second owner, so the autonomy panel shows one.
    const refunds = page.getByRole("article", { name: "Autonomy of support-bot · billing.refund" });
    await refunds.getByLabel("Comment").fill("Refunds reviewed cleanly for a week");
    await refunds.getByRole("button", { name: /^Ask to promote/ }).click();
    await refunds.getByRole("region", { name: /^Pending promotion/ }).waitFor();
    await page.locator("section#vigilance table").first().waitFor();
    const replies = page.getByRole("article", { name: "Autonomy of support-bot · support.reply" });
    if ((await replies.getByText(/^History/).count()) > 0) await replies.getByText(/^History/).click();

    const files = {
      rates: join(out, "dashboard-rates.png"),
      calibration: join(out, "dashboard-calibration.png"),
      autonomy: join(out, "dashboard-autonomy.png"),
      vigilance: join(out, "dashboard-vigilance.png"),
      simulator: join(out, "simulator.png"),
      simulatorForm: join(out, "simulator-candidate.png"),
    };
    await page.getByRole("heading", { name: "Dashboard", level: 1 }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: files.rates });
    await shoot(page, "calibration", files.calibration);
    await shoot(page, "autonomy", files.autonomy);
    await shoot(page, "vigilance", files.vigilance);

    await page.goto(`${server.url}/simulator`);
    // The form is ready once the candidate editor holds the active policy (it loads after the page).
    await page.getByLabel(/^Candidate policy \(YAML\)/).waitFor();
    await page.getByRole("spinbutton", { name: "support.reply" }).fill("0.6");
    // Replay first, then photograph the form: an element screenshot taller than the window (the form
    // is) leaves Chromium to put the scroll position back during the next input, so a click right
    // after one lands about a hundred pixels above its button and submits nothing.
    await page.getByRole("button", { name: "Run the replay" }).click();
    await page.getByRole("heading", { name: /^Replay of \d+ stored proposals$/ }).waitFor();
    await page.getByRole("form", { name: "Candidate" }).screenshot({ path: files.simulatorForm });
    await page.locator("section.replay-result").screenshot({ path: files.simulator });
    await context.close();
    return Object.values(files);
  } finally {
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
