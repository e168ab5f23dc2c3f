import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { RecordingReceiver, TEST_SECRET } from "../execution/receiver.ts";
import { FAST_EXECUTION } from "../execution/support.ts";
import type { WatchedPage } from "./support/browser.ts";
import { useDesk } from "./support/use-desk.ts";

/**
 * `mail.send` runs through a real webhook executor that is not idempotent: a stalled answer leaves
 * its outcome `unknown`, a 500 dead-letters it, and either opens a reconciliation review in `ops`.
 */
function policy(receiverUrl: string): string {
  return `version: 1
defaults:
  route: review
  review: { sla: 4h, onExpiry: reject }
actions:
  mail.send:
    description: Send an email to a customer
    reversible: false
    payload: { type: object, required: [to, body], properties: { to: { type: string }, body: { type: string } } }
    execute: { via: webhook, url: "${receiverUrl}/mail", secret: "env:LOOPGATE_TEST_HOOK_SECRET", idempotent: false, timeoutMs: 300 }
    review: { queue: ops }
queues:
  ops: { sla: 4h, onExpiry: reject }
`;
}

/** Reconciliation reviews in the reviewer app, in real Chromium against a real server and executor. */
describe("the reviewer app: reconciliation reviews", () => {
  let receiver: RecordingReceiver;
  let owner: string;
  let policyDir: string;
  let lena: WatchedPage;

  const web = useDesk({
    server: async () => {
      process.env.LOOPGATE_TEST_HOOK_SECRET = TEST_SECRET;
      receiver = await new RecordingReceiver(TEST_SECRET).start();
      policyDir = await mkdtemp(join(tmpdir(), "loopgate-reconcile-web-"));
      const policyFile = join(policyDir, "loopgate.yaml");
      await writeFile(policyFile, policy(receiver.url));
      return { policyFile, config: { execution: FAST_EXECUTION } };
    },
    people: [
      { name: "lena", role: "reviewer", pii: true },
      { name: "milo", role: "reviewer", pii: false },
    ],
    seed: async (desk) => {
      owner = await desk.key("olga", "owner");
    },
    cleanup: async () => {
      await receiver?.close();
      if (policyDir) await rm(policyDir, { recursive: true, force: true });
    },
  });
  beforeAll(async () => {
    lena = await web.signIn("lena");
  });
  beforeEach(async () => {
    await lena.page.goto("/");
  });

  async function poll<T>(read: () => Promise<T | null>, what: string): Promise<T> {
    for (let i = 0; i < 100; i++) {
      const value = await read();
      if (value !== null) return value;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  /**
   * Proposes a mail, approves it through the API and waits until its execution ends `unknown` or
   * `dead_lettered`; returns the proposal and the reconciliation review it opened.
   */
  async function unsettledMail(to: string, status: "unknown" | "dead_lettered") {
    receiver.answer = () => (status === "unknown" ? "stall" : { status: 500 });
    const proposal = await web.desk.propose({
      action: { type: "mail.send", payload: { to, body: "Your new card is on its way." } },
      summary: `Mail to ${to}`,
    });
    const approved = await web.desk.call("POST", `/v1/reviews/${proposal.review.id}/decisions`, {
      key: owner,
      body: { verdict: "approve" },
    });
    expect(approved.status).toBe(201);
    const execution = await poll(async () => {
      const row = (await web.desk.read(proposal.id)).execution.executions?.[0];
      return row?.status === status && row.reconciliationReviewId !== null ? row : null;
    }, `the execution to end ${status}`);
    return { proposal, execution, reviewId: execution.reconciliationReviewId as string };
  }

  /** Opens the reconciliation review from the inbox, where it carries the "reconcile" tag. */
  async function openFromInbox(page: Page, reviewId: string) {
    const row = page.locator(`tr[data-review-id="${reviewId}"]`);
    await row.waitFor();
    await expect(row.locator(".reconcile-tag").textContent()).resolves.toBe("reconcile");
    await row.getByRole("link").click();
    await page.getByRole("heading", { name: "Decide" }).waitFor();
    await page.getByText(/Claimed by you until/).waitFor();
  }

  /** The three verbs and nothing else: approve, edit and reject are refused on such a review. */
  async function expectOnlyReconcileVerbs(page: Page) {
    const verbs = page.getByRole("radiogroup", { name: "What happened" }).getByRole("radio");
    await expect(verbs.allTextContents()).resolves.toEqual([
      "It did happen d",
      "It did not happen f",
      "Try again t",
    ]);
    await expect(page.getByRole("radio", { name: /^Approve|^Reject|^Escalate/ }).count()).resolves.toBe(0);
  }

  /** What the header says after the action type, agent and queue: the proposal's status and more. */
  async function headerMeta(page: Page): Promise<string | null> {
    return page.locator(".review-head .meta").textContent();
  }

  /**
   * The action is what was sent, shown read only and looking it: its fields disabled and greyed, no
   * hint on how to edit them or on what approving sends, and no line asking to check before approving.
   */
  async function expectReadOnlyAction(page: Page) {
    const action = page.getByRole("region", { name: "Proposed action" });
    await expect(action.textContent()).resolves.toContain("What was sent (or was to be sent)");
    for (const field of ["#field-to", "#field-body"]) {
      await expect(action.locator(field).isDisabled()).resolves.toBe(true);
      await expect(
        action
          .locator(field)
          .evaluate(
            (el) =>
              (
                globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }
              ).getComputedStyle(el).backgroundColor,
          ),
      ).resolves.toBe("rgb(244, 246, 248)");
    }
    await expect(action.getByText(/^Your edits$|No edits|Masked personal data/).count()).resolves.toBe(0);
    const evidence = page.getByRole("region", { name: "Evidence (0)" });
    await expect(evidence.textContent()).resolves.toContain("No evidence: the agent cited nothing.");
    await expect(evidence.textContent()).resolves.not.toMatch(/approving/);
  }

  it("mark_executed: says the outcome is unknown, then records the action as executed once", async () => {
    const { proposal, execution, reviewId } = await unsettledMail("anna@example.com", "unknown");
    await lena.page.goto("/");
    await openFromInbox(lena.page, reviewId);

    const section = lena.page.getByRole("region", { name: "Reconcile: outcome unknown" });
    await section.waitFor();
    await expect(section.textContent()).resolves.toMatch(/may or may not have happened/);
    await expect(section.textContent()).resolves.toContain(execution.id);
    await expect(section.textContent()).resolves.toContain(execution.lastError);
    await expectOnlyReconcileVerbs(lena.page);
    await expect(headerMeta(lena.page)).resolves.toContain("· approved · outcome unknown");
    await expectReadOnlyAction(lena.page);

    // Keyboard first: d picks "It did happen" and moves focus to the confirm button.
    await lena.page.locator("body").press("d");
    await expect(
      lena.page.getByRole("radio", { name: /It did happen/ }).getAttribute("aria-checked"),
    ).resolves.toBe("true");
    await lena.page.getByLabel(/^Comment/).fill("The customer got the mail: checked in the mail log");
    await lena.page.getByRole("button", { name: "Confirm: mark executed" }).click();

    await lena.page
      .getByRole("status")
      .filter({
        hasText:
          "Recorded for “Mail to anna@example.com”: marked executed — mail.send is recorded as executed",
      })
      .waitFor();
    const stored = await web.desk.read(proposal.id);
    expect(stored.execution.status).toBe("executed");
    expect(stored.execution.executions[0]).toMatchObject({
      id: execution.id,
      status: "executed",
      attempts: 1,
    });
    expect(stored.decisions.at(-1)).toMatchObject({
      reviewId,
      verdict: "mark_executed",
      by: { name: "lena" },
      comment: "The customer got the mail: checked in the mail log",
    });
    // Recorded, not sent again.
    expect(receiver.of(execution.id)).toHaveLength(1);
  });

  it("mark_failed: says delivery was given up, then records the execution as failed", async () => {
    const { proposal, execution, reviewId } = await unsettledMail("ben@example.com", "dead_lettered");
    await lena.page.goto("/");
    await openFromInbox(lena.page, reviewId);

    const section = lena.page.getByRole("region", { name: "Reconcile: delivery given up" });
    await section.waitFor();
    await expect(section.textContent()).resolves.toContain("the executor answered HTTP 500");
    await expectOnlyReconcileVerbs(lena.page);
    await expect(headerMeta(lena.page)).resolves.toContain("· approved · delivery given up");
    await expectReadOnlyAction(lena.page);

    await lena.page.getByRole("radio", { name: /It did not happen/ }).click();
    await lena.page.keyboard.press("Control+Enter");

    await lena.page
      .getByRole("status")
      .filter({
        hasText: "Recorded for “Mail to ben@example.com”: marked failed — mail.send is recorded as failed",
      })
      .waitFor();
    const stored = await web.desk.read(proposal.id);
    expect(stored.execution.status).toBe("failed");
    expect(stored.execution.executions[0]).toMatchObject({ id: execution.id, status: "failed" });
    expect(stored.decisions.at(-1)).toMatchObject({ reviewId, verdict: "mark_failed", comment: null });
    expect(receiver.of(execution.id)).toHaveLength(1);
  });

  it("retry: queues a new attempt under the same webhook-id, which the executor now accepts", async () => {
    const { proposal, execution, reviewId } = await unsettledMail("cleo@example.com", "dead_lettered");
    await lena.page.goto("/");
    await openFromInbox(lena.page, reviewId);
    await expectOnlyReconcileVerbs(lena.page);

    receiver.answer = () => ({ status: 204 });
    await lena.page.locator("body").press("t");
    await expect(
      lena.page
        .getByRole("button", { name: "Confirm: retry" })
        .evaluate((b) => (b.ownerDocument as unknown as { activeElement: unknown }).activeElement === b),
    ).resolves.toBe(true);
    await lena.page.keyboard.press("Enter");

    await lena.page
      .getByRole("status")
      .filter({ hasText: /Recorded for “Mail to cleo@example\.com”: retry — a new attempt at mail\.send is/ })
      .waitFor();
    const executed = await poll(async () => {
      const stored = await web.desk.read(proposal.id);
      return stored.execution.status === "executed" ? stored : null;
    }, "the retried execution to be executed");
    expect(executed.execution.executions[0]).toMatchObject({
      id: execution.id,
      status: "executed",
      attempts: 2,
    });
    expect(executed.decisions.at(-1)).toMatchObject({ reviewId, verdict: "retry", by: { name: "lena" } });
    // Same webhook-id both times, so an executor that dedups on it applies it once.
    expect(receiver.of(execution.id).map((d) => d.answer)).toEqual(["500", "204"]);
  });

  it("shows masked personal data read only, without the hint on typing a new value", async () => {
    const { reviewId } = await unsettledMail("gus@example.com", "dead_lettered");
    const milo = await web.signIn("milo");
    try {
      await openFromInbox(milo.page, reviewId);
      // The address is masked for Milo: on an ordinary review the field would say how to replace it.
      await expect(milo.page.locator("#field-to").inputValue()).resolves.toBe("[email]");
      await expectReadOnlyAction(milo.page);
      await expect(headerMeta(milo.page)).resolves.toContain("· approved · delivery given up");
      // Settled, the review leaves the inbox (the next test starts from a clean one).
      await milo.page.getByRole("radio", { name: /It did not happen/ }).click();
      await milo.page.keyboard.press("Control+Enter");
      await milo.page
        .getByRole("status")
        .filter({ hasText: /marked failed — mail\.send is recorded as failed/ })
        .waitFor();
    } finally {
      await milo.context.close();
    }
  });

  it("tags a review by what the server says it is for, never by a summary an agent worded so", async () => {
    const { reviewId } = await unsettledMail("erin@example.com", "unknown");
    const lookalike = await web.desk.propose({
      action: { type: "mail.send", payload: { to: "fay@example.com", body: "Hello" } },
      summary: "Reconcile mail.send: outcome unknown (timeout); decide mark_executed, mark_failed or retry",
    });
    await lena.page.goto("/");
    const real = lena.page.locator(`tr[data-review-id="${reviewId}"]`);
    await real.waitFor();
    await expect(real.locator(".reconcile-tag").getAttribute("title")).resolves.toMatch(
      /may or may not have happened \(outcome unknown\)/,
    );
    const worded = lena.page.locator(`tr[data-review-id="${lookalike.review.id}"]`);
    await worded.waitFor();
    await expect(worded.locator(".reconcile-tag").count()).resolves.toBe(0);
    // Settled, neither the review nor its tag stays (the next test starts from a clean inbox).
    await web.desk.call("POST", `/v1/reviews/${reviewId}/decisions`, {
      key: owner,
      body: { verdict: "mark_failed" },
    });
    await web.desk.call("POST", `/v1/reviews/${lookalike.review.id}/decisions`, {
      key: owner,
      body: { verdict: "reject" },
    });
  });

  it("says so in words when someone else settled it meanwhile, and sends nothing", async () => {
    const { proposal, reviewId } = await unsettledMail("dora@example.com", "dead_lettered");
    await lena.page.goto("/");
    await openFromInbox(lena.page, reviewId);
    await lena.page.getByRole("radio", { name: /It did happen/ }).click();

    // While Lena's claim holds, a verb from anyone else is refused, as for any decision.
    const held = await web.desk.call("POST", `/v1/reviews/${reviewId}/decisions`, {
      key: owner,
      body: { verdict: "mark_failed" },
    });
    expect(held).toMatchObject({ status: 409, body: { error: { code: "claimed_by_other" } } });
    // Olga settles it through the API once Lena's claim is released.
    await lena.page.evaluate(async (id) => {
      const session = (await (await fetch("/v1/session")).json()) as { csrfToken: string };
      await fetch(`/v1/reviews/${id}/release`, {
        method: "POST",
        headers: { "x-csrf-token": session.csrfToken },
      });
    }, reviewId);
    const settled = await web.desk.call("POST", `/v1/reviews/${reviewId}/decisions`, {
      key: owner,
      body: { verdict: "mark_failed", comment: "Checked: never arrived" },
    });
    expect(settled.status).toBe(201);
    // A second verdict through the API is refused with 409: the review is decided.
    const again = await web.desk.call("POST", `/v1/reviews/${reviewId}/decisions`, {
      key: owner,
      body: { verdict: "mark_executed" },
    });
    expect(again.status).toBe(409);

    await lena.page
      .getByRole("alert")
      .filter({ hasText: /closed by someone else/ })
      .waitFor();
    await expect(
      lena.page.getByRole("button", { name: "Confirm: mark executed" }).isDisabled(),
    ).resolves.toBe(true);
    const stored = await web.desk.read(proposal.id);
    expect(stored.execution.status).toBe("failed");
    expect(stored.decisions.filter((d: { reviewId: string }) => d.reviewId === reviewId)).toHaveLength(1);
  });
});
