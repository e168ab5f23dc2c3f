import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { replyProposal } from "./support/desk.ts";
import { useDesk } from "./support/use-desk.ts";

/** Untrusted agent text, masked personal data, CSRF and roles, in real Chromium. */
describe("the reviewer app: safety and roles", () => {
  const web = useDesk({
    people: [
      { name: "mia", role: "reviewer" }, // no PII permission
      { name: "olga", role: "owner" },
    ],
  });

  it("renders agent-supplied HTML and javascript: links as inert text: no script runs", async () => {
    const proposal = await web.desk.propose(
      replyProposal("<img src=x onerror=alert(1)>Your card is on its way.", {
        summary: "XSS <img src=x onerror=alert(2)>",
        request: { text: "<script>alert(3)</script> where is my card?" },
        evidence: [
          {
            source: "kb",
            title: "<b onmouseover=alert(4)>Card delivery</b>",
            url: "javascript:alert(5)",
            snippet: "<svg onload=alert(6)>",
          },
          { source: "web", title: "Carrier", url: "https://carrier.example/track", snippet: "Tracking page" },
        ],
        alternatives: [{ summary: "[click me](javascript:alert(7))" }],
      }),
    );
    const w = await web.signIn("olga");
    await w.page.goto(`/review/${proposal.review.id}?proposal=${proposal.id}`);
    await w.page.getByRole("heading", { name: "Decide" }).waitFor();
    await w.page.getByText("<script>alert(3)</script> where is my card?").waitFor();
    await w.page.getByText("javascript:alert(5)").click();
    await w.page.getByText("[click me](javascript:alert(7))").click();
    await w.page.getByText("<b onmouseover=alert(4)>Card delivery</b>").hover();
    await expect(
      w.page.locator("#content img, #content svg, #content script, #content b").count(),
    ).resolves.toBe(0);
    await expect(w.page.locator('a[href^="javascript"]').count()).resolves.toBe(0);
    await expect(
      w.page.getByRole("link", { name: "https://carrier.example/track" }).getAttribute("rel"),
    ).resolves.toContain("noopener");
    await expect(w.page.getByLabel(/^body/).inputValue()).resolves.toBe(
      "<img src=x onerror=alert(1)>Your card is on its way.",
    );
    await w.page.waitForTimeout(300);
    expect(w.dialogs).toEqual([]);
    expect(w.pageErrors).toEqual([]);
    await w.context.close();
  });

  it("masks personal data for a reviewer without the permission — in the page and in the API's answer — and edits by patch", async () => {
    const proposal = await web.desk.propose(
      replyProposal("Call us back on +44 20 7946 0958 if it has not arrived.", {
        summary: "PII reply for anna@example.com",
        rollbackPlan: "Email jane.doe@example.com",
      }),
    );
    const w = await web.signIn("mia");
    await w.page.getByRole("link", { name: "PII reply for [email]" }).click();
    await w.page.getByRole("heading", { name: "Decide" }).waitFor();
    await expect(w.page.getByLabel(/^to/).inputValue()).resolves.toBe("[email]");
    await expect(w.page.getByLabel(/^body/).inputValue()).resolves.toContain("[phone]");
    await expect(w.page.locator("body").textContent()).resolves.not.toContain("anna@example.com");
    // Under "If approved": the rollback plan is the agent's text too.
    await w.page.getByText("Email [email]", { exact: true }).waitFor();
    await expect(w.page.locator("body").textContent()).resolves.not.toContain("jane.doe@example.com");
    const api = await w.page.evaluate(async (id) => (await fetch(`/v1/proposals/${id}`)).text(), proposal.id);
    expect(api).toContain("[email]");
    expect(api).not.toContain("anna@example.com");
    expect(api).not.toContain("jane.doe@example.com");
    expect(api).not.toContain("7946");

    // Mia edits the body only; the patch leaves the real address in place.
    await w.page.getByLabel(/^body/).fill("Your card arrives tomorrow.");
    await w.page.getByRole("radio", { name: /Approve with edits/ }).click();
    await w.page.getByRole("button", { name: "Confirm: approve with edits" }).click();
    // The app moves on (to the next review, or the inbox when none is left) once the decision is in.
    await w.page.getByRole("heading", { name: "PII reply for [email]" }).waitFor({ state: "detached" });
    const stored = await web.desk.read(proposal.id);
    expect(stored.status).toBe("approved_with_edits");
    expect(stored.finalPayload).toEqual({ to: "anna@example.com", body: "Your card arrives tomorrow." });
    await w.context.close();
  });

  it("flags a mask left in a field the reviewer changed, at the field, and holds the decision until it is retyped", async () => {
    const proposal = await web.desk.propose(
      replyProposal("Call me on +44 20 7946 0958 when the card arrives.", { summary: "Masked edit draft" }),
    );
    const w = await web.signIn("mia");
    await w.page.goto(`/review/${proposal.review.id}?proposal=${proposal.id}`);
    await w.page.getByRole("heading", { name: "Decide" }).waitFor();
    const body = w.page.getByLabel(/^body/);
    await expect(body.inputValue()).resolves.toBe("Call me on [phone] when the card arrives.");

    // Sam's walkthrough: append to a body holding a masked phone number.
    await body.press("End");
    await body.pressSequentially(" Thanks.");
    const help = w.page.locator("#field-body-help");
    await help.getByText(/Still holds masked personal data/).waitFor();
    await expect(help.textContent()).resolves.toMatch(
      /retype the whole field without the masked parts, or escalate to someone who sees personal data/,
    );
    await expect(body.getAttribute("aria-invalid")).resolves.toBe("true");
    await w.page.getByRole("radio", { name: /Approve with edits/ }).click();
    const confirm = w.page.getByRole("button", { name: "Confirm: approve with edits" });
    await expect(confirm.isDisabled()).resolves.toBe(true);
    await w.page.keyboard.press("Control+Enter"); // the shortcut is held back too
    await w.page.waitForTimeout(300);
    expect((await web.desk.read(proposal.id)).status).toBe("pending_review");

    // Retyped without the mask: the error goes and the edit is sent as a patch of the body alone.
    await body.fill("We will call you when the card arrives. Thanks.");
    await expect(help.getByText(/Still holds masked personal data/).count()).resolves.toBe(0);
    await expect(confirm.isEnabled()).resolves.toBe(true);
    await confirm.click();
    await expect.poll(async () => (await web.desk.read(proposal.id)).status).toBe("approved_with_edits");
    expect((await web.desk.read(proposal.id)).finalPayload).toEqual({
      to: "anna@example.com",
      body: "We will call you when the card arrives. Thanks.",
    });
    expect(w.pageErrors).toEqual([]);
    await w.context.close();
  });

  it("refuses a CSRF attempt: a request without the token, and a forged post from another site", async () => {
    const proposal = await web.desk.propose(replyProposal("CSRF target: your card is on its way."));
    const w = await web.signIn("olga");
    const withoutToken = await w.page.evaluate(async (reviewId) => {
      const response = await fetch(`/v1/reviews/${reviewId}/decisions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ verdict: "approve" }),
      });
      return { status: response.status, body: (await response.json()) as { error: { code: string } } };
    }, proposal.review.id);
    expect(withoutToken.status).toBe(403);
    expect(withoutToken.body.error.code).toBe("csrf_token_invalid");

    // Another site (localhost is a different site from 127.0.0.1) forges a form post and a fetch.
    const target = `${web.desk.url}/v1/reviews/${proposal.review.id}/decisions`;
    const evil: Server = createServer((_, res) => {
      res.setHeader("content-type", "text/html");
      res.end(`<!doctype html><form id=f method=post action="${target}" enctype="text/plain">
        <input name='{"verdict":"approve","x":"' value='"}'></form>
        <script>fetch(${JSON.stringify(target)}, { method: "POST", credentials: "include", mode: "no-cors",
          headers: { "content-type": "text/plain" }, body: JSON.stringify({ verdict: "approve" }) })
          .finally(() => document.getElementById("f").submit());</script>`);
    });
    await new Promise<void>((resolve) => evil.listen(0, "127.0.0.1", resolve));
    const port = (evil.address() as AddressInfo).port;
    await w.page.goto(`http://localhost:${port}/`);
    await w.page
      .waitForURL((url) => url.href.startsWith(web.desk.url), { timeout: 5000 })
      .catch(() => undefined);
    await w.page.waitForTimeout(500);
    evil.close();
    expect((await web.desk.read(proposal.id)).status).toBe("pending_review");
    await w.context.close();
  });

  it("keeps owner screens and endpoints from a reviewer; an owner sees the audit trail verified and the policy", async () => {
    const proposal = await web.desk.propose(replyProposal("Audit me: your card is on its way."));
    const reviewer = await web.signIn("mia");
    await expect(reviewer.page.getByRole("link", { name: "Audit", exact: true }).count()).resolves.toBe(0);
    await reviewer.page.goto(`/audit?proposal=${proposal.id}`);
    await reviewer.page.getByText("This page is for owners and auditors").waitFor();
    await expect(reviewer.page.getByRole("table").count()).resolves.toBe(0);
    const status = await reviewer.page.evaluate(async () => (await fetch("/v1/audit")).status);
    expect(status).toBe(403);
    await reviewer.context.close();

    const owner = await web.signIn("olga");
    await owner.page.getByRole("link", { name: "Audit", exact: true }).click();
    await owner.page.getByLabel("Proposal id").fill(proposal.id);
    await owner.page.getByRole("button", { name: "Show" }).click();
    await owner.page.getByText(/Chain verified: \d+ entries/).waitFor();
    await owner.page.getByRole("cell", { name: "proposal.submitted" }).waitFor();
    await owner.page.getByRole("link", { name: "Policy" }).click();
    await owner.page.getByText("refund-needs-a-person").waitFor();
    await owner.context.close();
  });

  it("starts and lifts a stop from the owner's screen", async (ctx) => {
    const probe = await web.desk.call("GET", "/v1/stops", { key: await web.desk.key("stop-probe", "owner") });
    if (probe.status === 404) ctx.skip(); // the stops API is not in this build
    const w = await web.signIn("olga");
    await w.page.getByRole("link", { name: "Stops" }).click();
    await w.page.getByText("No stop is in force").waitFor();
    await w.page.getByLabel("Scope").selectOption("agent");
    await w.page.getByLabel("Agent id").fill("support-bot");
    await w.page.getByLabel("Reason", { exact: true }).fill("Drafts are off-brand today");
    await w.page.getByRole("button", { name: "Stop automation" }).click();
    await w.page.getByText("Stopped: agent support-bot").waitFor();
    const held = await web.desk.propose(replyProposal("Held: your card is on its way."));
    expect(held.status).toBe("held");
    await w.page.getByLabel("Reason for lifting").fill("Fixed the prompt");
    await w.page.getByRole("button", { name: "Lift this stop" }).click();
    await w.page.getByText("No stop is in force").waitFor();
    expect((await web.desk.read(held.id)).status).not.toBe("held");
    await w.context.close();
  });
});
