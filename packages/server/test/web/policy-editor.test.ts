import type { Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import type { WatchedPage } from "./support/browser.ts";
import { refundProposal } from "./support/desk.ts";
import { useDesk } from "./support/use-desk.ts";

/** A rule routing refunds over 100 to a lead; `when` is left as given (broken or not). */
const largeRefundRule = (when: string) =>
  [
    "  - id: large-refund",
    `    when: ${when}`,
    "    route: escalate",
    "    reason: Refunds over 100 go to a lead",
    "",
  ].join("\n");
const BROKEN_WHEN = 'action.type == "billing.refund" && action.payload.amount >';

/** The character offset of a 1-based line and column, clamped to the line (as the editor places it). */
function offsetOf(text: string, line: number, column: number): number {
  const lines = text.split("\n");
  const start = lines.slice(0, line - 1).reduce((sum, l) => sum + l.length + 1, 0);
  return start + Math.min(column - 1, lines[line - 1]!.length);
}

/** The policy editor in real Chromium: an owner edits, simulates and puts a version in force; others read. */
describe("the reviewer app: the policy editor", () => {
  let ownerKey: string;
  const web = useDesk({
    people: [
      { name: "olga", role: "owner" },
      { name: "rita", role: "reviewer" },
      { name: "audrey", role: "auditor" },
    ],
    seed: async (desk) => {
      ownerKey = await desk.key("policy-owner", "owner");
      // History to simulate over: two refunds the new rule escalates, one it leaves alone.
      for (const amount of [150, 240, 40]) await desk.propose(refundProposal(amount, `c_${amount}`));
    },
  });

  const policy = async () => {
    const answer = await web.desk.call("GET", "/v1/policy", { key: ownerKey });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body as { version: number; text: string; createdBy: string };
  };
  const editorOf = (page: Page) => page.getByLabel("Policy (YAML)", { exact: true });
  /** Whether the text has focus, and where its cursor is (a browser-side read, typed structurally). */
  const selection = (editor: Locator) =>
    editor.evaluate((el) => {
      const area = el as unknown as { selectionStart: number; selectionEnd: number };
      return {
        focused: (el.ownerDocument as unknown as { activeElement: unknown }).activeElement === el,
        start: area.selectionStart,
        end: area.selectionEnd,
      };
    });

  /** A fresh browser context signed in as `name`. */
  const signedIn = (name: string): Promise<WatchedPage> => web.signIn(name, { timeout: 8000 });

  async function openPolicy(page: Page) {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Policy" }).click();
    await page.getByRole("heading", { name: "Policy", level: 1 }).waitFor();
  }

  it("lets an owner edit, fix a CEL error at its line, simulate and put the draft in force", async () => {
    const olga = await signedIn("olga");
    const { page } = olga;
    await openPolicy(page);
    const v1 = await policy();
    const editor = editorOf(page);
    await expect.poll(() => editor.inputValue()).toBe(v1.text);
    await page.getByText(`Version ${v1.version} in force`).waitFor();
    await expect(page.locator(".policy-gutter li").count()).resolves.toBe(v1.text.split("\n").length);

    // A new rule with a CEL condition cut short, and a comment that would be markup if it were rendered.
    const comment = "# <img src=x onerror=alert(1)> large refunds need a lead\n";
    const broken = `${v1.text}${largeRefundRule(BROKEN_WHEN)}${comment}`;
    await editor.fill(broken);
    await page.getByText("Draft: 5 lines added, 0 removed").waitFor();
    await page.getByText(`Changes against version ${v1.version} (+5 −0)`).click();
    const changes = page.getByRole("table", { name: `Changes against version ${v1.version}` });
    await changes.getByText(`when: ${BROKEN_WHEN}`).waitFor();
    await changes.getByText(comment.trim(), { exact: true }).waitFor();

    await page.getByRole("button", { name: "Simulate against history" }).click();
    const expected = await web.desk.call("POST", "/v1/policy/replay", {
      key: ownerKey,
      body: { policy: broken },
    });
    expect(expected.status).toBe(400);
    expect(expected.body.error.code).toBe("invalid_policy");
    const cel = expected.body.error.details.issues.find((i: { path: string }) => i.path.endsWith(".when"));
    const whenLine = v1.text.split("\n").length + 1;
    expect(cel.line).toBe(whenLine);
    const alert = page.getByRole("alert").filter({ hasText: expected.body.error.message });
    await alert.waitFor();
    const place = `line ${cel.line}${cel.column ? `, column ${cel.column}` : ""}`;
    const goTo = alert.getByRole("button", { name: place, exact: true });
    await goTo.waitFor();
    await expect(
      page
        .locator(".policy-gutter li")
        .nth(cel.line - 1)
        .getAttribute("class"),
    ).resolves.toBe("problem");

    // Clicking the problem puts the cursor on that line and column; finish the condition from there.
    await goTo.click();
    const at = offsetOf(broken, cel.line, cel.column ?? 1);
    await expect(selection(editor)).resolves.toEqual({ focused: true, start: at, end: at });
    await page.getByText(`cursor at line ${cel.line}, column`).waitFor();
    await page.keyboard.press("End");
    await page.keyboard.type(" 100");
    const fixed = `${v1.text}${largeRefundRule(`${BROKEN_WHEN} 100`)}${comment}`;
    await expect.poll(() => editor.inputValue()).toBe(fixed);

    await page.getByRole("button", { name: "Simulate against history" }).click();
    await page.getByRole("heading", { name: /^Replay of \d+ stored proposals$/ }).waitFor();
    await expect(alert.count()).resolves.toBe(0);
    const replay = await web.desk.call("POST", "/v1/policy/replay", {
      key: ownerKey,
      body: { policy: fixed },
    });
    expect(replay.status, JSON.stringify(replay.body)).toBe(200);
    const refunds = replay.body.actionTypes.find(
      (a: { actionType: string }) => a.actionType === "billing.refund",
    );
    const escalated = refunds.routeChanges.find(
      (c: { from: string; to: string }) => c.from === "review" && c.to === "escalate",
    );
    expect(escalated.count).toBe(2);
    const matrix = page.getByRole("table", { name: "Route changes of billing.refund", exact: true });
    const header = await matrix.getByRole("columnheader").allTextContents();
    const cells = await matrix
      .getByRole("row")
      .filter({ has: page.getByRole("rowheader", { name: "review", exact: true }) })
      .getByRole("cell")
      .allTextContents();
    expect(cells[header.indexOf("escalate") - 1]).toBe("2");

    // Put in force: the confirmation names the version the draft becomes.
    await page.getByRole("button", { name: "Put in force…" }).click();
    const dialog = page.getByRole("dialog", { name: `Put the draft in force as version ${v1.version + 1}?` });
    await dialog.waitFor();
    await dialog.getByText("5 lines added, 0 removed.").waitFor();
    await expect(dialog.getByText("has not been simulated").count()).resolves.toBe(0);
    await dialog.getByRole("button", { name: `Put in force as version ${v1.version + 1}` }).click();
    await page
      .getByRole("status")
      .filter({ hasText: `Version ${v1.version + 1} is in force.` })
      .waitFor();
    await page.getByText(`Version ${v1.version + 1} in force, loaded`).waitFor();
    await expect(page.getByRole("heading", { name: /^Replay of/ }).count()).resolves.toBe(0);
    await expect(dialog.count()).resolves.toBe(0);

    const v2 = await policy();
    expect(v2.version).toBe(v1.version + 1);
    expect(v2.text).toBe(fixed);
    expect(v2.createdBy).toBe("olga");
    // The new version routes: a large refund is now escalated.
    const routed = await web.desk.propose(refundProposal(500, "c_500"));
    expect(routed.route).toMatchObject({ verdict: "escalate", policyVersion: v2.version });

    await page.reload();
    await expect.poll(() => editor.inputValue()).toBe(fixed);
    await page.getByText(`No changes to version ${v2.version}`).waitFor();
    await expect(page.getByText("Your unsaved draft is restored").count()).resolves.toBe(0);
    expect(olga.dialogs).toEqual([]);
    expect(olga.pageErrors).toEqual([]);
    await olga.context.close();
  });

  it("keeps a draft the server refuses, shows its problems on their lines and warns of a newer version", async () => {
    const olga = await signedIn("olga");
    const { page } = olga;
    await openPolicy(page);
    const before = await policy();
    const editor = editorOf(page);
    await expect.poll(() => editor.inputValue()).toBe(before.text);
    // An unknown field in the new rule: a problem the server finds with its line.
    const draft = before.text.replace("route: escalate", "route: escalate\n    colour: red");
    expect(draft).not.toBe(before.text);
    await editor.fill(draft);

    // Another owner puts a version in force meanwhile: the confirmation reads it afresh.
    const other = before.text.replace("Refunds over 100 go to a lead", "Refunds over 100 need a lead");
    const put = await web.desk.call("PUT", "/v1/policy", { key: ownerKey, body: { text: other } });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const newer = put.body.version as number;
    expect(newer).toBe(before.version + 1);

    await page.getByRole("button", { name: "Put in force…" }).click();
    const dialog = page.getByRole("dialog", { name: `Put the draft in force as version ${newer + 1}?` });
    await dialog.waitFor();
    await dialog
      .getByText(
        `Your draft started from version ${before.version}; version ${newer} was put in force since.`,
      )
      .waitFor();
    await dialog.getByText("The draft has not been simulated as it stands.").waitFor();
    await page.getByText(`Version ${newer} in force, loaded`).waitFor();
    await dialog.getByRole("button", { name: `Put in force as version ${newer + 1}` }).click();

    const refused = await web.desk.call("PUT", "/v1/policy", {
      key: ownerKey,
      body: { text: await editor.inputValue() },
    });
    expect(refused.status).toBe(400);
    const alert = page.getByRole("alert").filter({ hasText: "Not put in force:" });
    await alert.getByText(`Not put in force: ${refused.body.error.message}`).waitFor();
    for (const issue of refused.body.error.details.issues as { line?: number; column?: number }[]) {
      if (issue.line === undefined) continue;
      const place = `line ${issue.line}${issue.column ? `, column ${issue.column}` : ""}`;
      await alert.getByRole("button", { name: place, exact: true }).waitFor();
      await expect(
        page
          .locator(".policy-gutter li")
          .nth(issue.line - 1)
          .getAttribute("class"),
      ).resolves.toBe("problem");
    }
    const kept = await editor.inputValue();
    expect(kept).toContain("colour: red");
    await expect(policy()).resolves.toMatchObject({ version: newer });

    // The draft survives a reload of the page, and is gone once discarded.
    await page.reload();
    await expect.poll(() => editor.inputValue()).toBe(kept);
    await page
      .getByText(
        `Your unsaved draft is restored (it started from version ${before.version}; version ${newer} is in force now).`,
      )
      .waitFor();
    await page.getByRole("button", { name: "Discard the draft…" }).click();
    await page.getByRole("button", { name: "Discard", exact: true }).click();
    await expect.poll(() => editor.inputValue()).toBe(other);
    expect(olga.pageErrors).toEqual([]);
    await olga.context.close();
  });

  it("carries a simulator candidate into the editor, after jumping to its problem", async () => {
    const olga = await signedIn("olga");
    const { page } = olga;
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Simulator" }).click();
    const active = await policy();
    const candidate = page.getByLabel(/^Candidate policy \(YAML\)/);
    await expect.poll(() => candidate.inputValue()).toBe(active.text);
    const broken = active.text.replace(/when: .*amount > 100/, `when: ${BROKEN_WHEN}`);
    expect(broken).not.toBe(active.text);
    await candidate.fill(broken);
    await page.getByRole("button", { name: "Run the replay" }).click();
    const answer = await web.desk.call("POST", "/v1/policy/replay", {
      key: ownerKey,
      body: { policy: broken },
    });
    const cel = answer.body.error.details.issues.find((i: { path: string }) => i.path.endsWith(".when"));
    const place = `line ${cel.line}${cel.column ? `, column ${cel.column}` : ""}`;
    await page.getByRole("alert").getByRole("button", { name: place, exact: true }).click();
    const at = offsetOf(broken, cel.line, cel.column ?? 1);
    await expect(selection(candidate)).resolves.toEqual({ focused: true, start: at, end: at });

    await page.getByRole("button", { name: "Edit in the policy editor" }).click();
    await page.getByRole("heading", { name: "Policy", level: 1 }).waitFor();
    await expect.poll(() => editorOf(page).inputValue()).toBe(broken);
    await page.getByText("Your unsaved draft is restored").waitFor();
    await page.getByRole("button", { name: "Discard the draft…" }).click();
    await page.getByRole("button", { name: "Discard", exact: true }).click();
    await olga.context.close();
  });

  it("shows reviewers and auditors the policy read-only, and the API refuses them a new version", async () => {
    const active = await policy();
    for (const name of ["rita", "audrey"]) {
      const w = await signedIn(name);
      await w.page.goto("/policy");
      await w.page.getByRole("heading", { name: "Policy", level: 1 }).waitFor();
      const text = editorOf(w.page);
      await expect.poll(() => text.inputValue()).toBe(active.text);
      await expect(text.isEditable()).resolves.toBe(false);
      await w.page.getByText("Read-only: owners edit the policy").waitFor();
      for (const button of ["Put in force…", "Simulate against history", "Discard the draft…"])
        await expect(w.page.getByRole("button", { name: button }).count()).resolves.toBe(0);
      if (name === "audrey") {
        await w.page.goto("/simulator");
        await w.page.getByRole("button", { name: "Run the replay" }).waitFor();
        await expect(w.page.getByRole("button", { name: "Edit in the policy editor" }).count()).resolves.toBe(
          0,
        );
      }
      await w.context.close();
    }
    for (const role of ["reviewer", "auditor"] as const) {
      const key = await web.desk.key(`policy-${role}`, role);
      const answer = await web.desk.call("PUT", "/v1/policy", { key, body: { text: active.text } });
      expect(answer.status).toBe(403);
    }
    await expect(policy()).resolves.toMatchObject({ version: active.version });
  });
});
