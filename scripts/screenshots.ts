/**
 * Writes screenshots of the reviewer app — the inbox and the review page, then the owner dashboards
 * and the simulator (`screenshots-owner.ts`) — to docs/images/, from throwaway servers seeded through
 * the API. Uses Debian's Chromium (`chromium` on the PATH) through playwright-core; no browser is
 * downloaded.
 *
 *   npm run build -w @loopgate/web && node --import tsx scripts/screenshots.ts
 */
import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { createApiKey } from "../packages/server/src/app/api-keys.ts";
import { addUser } from "../packages/server/src/app/people.ts";
import { SYSTEM_ACTOR } from "../packages/server/src/app/principal.ts";
import { startServer } from "../packages/server/src/http/start-server.ts";
import { ownerScreenshots } from "./screenshots-owner.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const OUT = join(ROOT, "docs", "images");
const PASSWORD = "screenshots-only-password";

/** The first words of `text` up to `max` characters, with an ellipsis when cut. */
const shorten = (text: string, max: number) =>
  text.length <= max ? text : `${text.slice(0, max).replace(/\s+\S*$/, "")}…`;

const reply = (to: string, body: string, request: string, extra: Record<string, unknown> = {}) => ({
  action: { type: "support.reply", payload: { to, subject: "Your order", body } },
  request: { text: request, channel: "email", from: to },
  summary: `Reply to ${to.split("@")[0]}: ${shorten(body, 48)}`,
  evidence: [
    {
      source: "kb",
      id: "kb-12",
      title: "Card delivery times",
      snippet: "New cards arrive within 5 working days of the order.",
      score: 0.86,
      url: "https://help.example.com/cards/delivery",
    },
    {
      source: "orders",
      id: "ord-5521",
      title: "Order 5521",
      snippet: "Card ordered 2026-11-24, shipped 2026-11-26.",
      score: 0.74,
    },
  ],
  toolCalls: [
    {
      name: "lookup_order",
      input: { customerId: "c_123" },
      output: { orderId: "ord-5521", status: "shipped" },
    },
  ],
  signals: { agentConfidence: 0.78, agent: { margin: 0.31 } },
  context: { entity: "customer:c_123", customer: { tier: "gold" } },
  alternatives: [{ summary: "Ask the customer to confirm their delivery address first" }],
  rollbackPlan: "Send a correction email within the hour",
  ...extra,
});

async function main(): Promise<void> {
  process.env.SUPPORT_HOOK_SECRET ??= "whsec_c2NyZWVuc2hvdHMtb25seS1zZWNyZXQta2V5";
  const dataDir = await mkdtemp(join(tmpdir(), "loopgate-screenshots-"));
  const server = await startServer({
    port: 0,
    dataDir,
    policyFile: join(ROOT, "examples/policies/support-desk-minimal.yaml"),
    logLevel: "silent",
  });
  const browser = await chromium.launch({
    executablePath: execFileSync("sh", ["-c", "command -v chromium"], { encoding: "utf8" }).trim(),
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
  try {
    const deps = { now: () => new Date().toISOString(), ids: server.deps.newId, actor: SYSTEM_ACTOR };
    await addUser(server.deps.store, { name: "rita", role: "reviewer", password: PASSWORD, pii: true }, deps);
    const { secret } = await createApiKey(server.deps.store, { name: "support-bot", role: "agent" }, deps);
    const propose = async (body: unknown) => {
      const response = await fetch(`${server.url}/v1/proposals`, {
        method: "POST",
        headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      if (response.status !== 201) throw new Error(`propose: ${response.status} ${await response.text()}`);
      return (await response.json()) as { id: string; review: { id: string } };
    };
    const first = await propose(
      reply(
        "anna@example.com",
        "Hi Anna, your new card shipped on 26 November and should arrive within 5 working days. Sorry for the wait!",
        "Where is my new card? I ordered it last week and it still has not arrived.",
      ),
    );
    await propose(
      reply(
        "ben@example.com",
        "Hi Ben, we have reset your online banking password link.",
        "I am locked out of online banking.",
      ),
    );
    await propose(
      reply(
        "carla@example.com",
        "Hi Carla, we are sorry about the double charge and have raised a chargeback.",
        "You charged me twice. I will talk to my lawyer.",
        {
          signals: { agentConfidence: 0.55 },
        },
      ),
    );
    await propose({
      action: { type: "billing.refund", payload: { orderId: "ord-7781", amount: 42.5, currency: "EUR" } },
      request: { text: "I was charged twice for order 7781", channel: "chat" },
      summary: "Refund the duplicate charge of 42.50 EUR on order 7781",
      evidence: [
        { source: "orders", id: "ord-7781", snippet: "Two captures of 42.50 EUR on 2026-11-27", score: 0.93 },
      ],
      signals: { agentConfidence: 0.91 },
      context: { entity: "customer:c_456" },
      rollbackPlan: "Charge the amount again",
    });

    const context = await browser.newContext({
      viewport: { width: 1280, height: 860 },
      deviceScaleFactor: 1,
    });
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByLabel("Name").fill("rita");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("table", { name: "Open reviews" }).waitFor();
    await page.screenshot({ path: join(OUT, "inbox.png") });

    await page.goto(`${server.url}/review/${first.review.id}?proposal=${first.id}`);
    await page.getByText(/Claimed by you until/).waitFor();
    await page
      .getByLabel(/^body/)
      .fill(
        "Hi Anna, your new card shipped on 26 November and should arrive by 1 December. Sorry for the wait!",
      );
    await page.keyboard.press("Escape");
    await page.screenshot({ path: join(OUT, "review.png") });
    process.stdout.write(`Wrote ${join(OUT, "inbox.png")} and ${join(OUT, "review.png")}\n`);
    await context.close();
    for (const file of await ownerScreenshots(browser, OUT)) process.stdout.write(`Wrote ${file}\n`);
  } finally {
    await browser.close();
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
