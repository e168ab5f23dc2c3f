import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { signIn } from "./support/browser.ts";
import { PASSWORD } from "./support/desk.ts";
import { useDesk } from "./support/use-desk.ts";

/** The sign-in page in real Chromium: asking "is anyone signed in?" is not an error. */
describe("the reviewer app's sign-in page", () => {
  const web = useDesk({ people: [{ name: "rita", role: "reviewer" }] });

  /** A page recording console errors and failed API answers. */
  async function watched(): Promise<{ page: Page; problems: string[]; close: () => Promise<void> }> {
    const context = await web.browser.newContext({ baseURL: web.desk.url });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`console: ${message.text()}`);
    });
    page.on("response", (response) => {
      if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
    });
    return { page, problems, close: () => context.close() };
  }

  it("opens without a failed request or a console error, before and after a session", async () => {
    const { page, problems, close } = await watched();
    const asked = page.waitForResponse((r) => r.url().endsWith("/v1/session"));
    await page.goto("/");
    expect(await (await asked).json()).toEqual({ signedIn: false });
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    expect(problems).toEqual([]);

    await signIn(page, "rita", PASSWORD);
    await page.reload();
    await page.getByRole("heading", { name: "Inbox" }).waitFor(); // the session is found on load
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByText("You are signed out.").waitFor();
    await page.reload();
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    expect(problems).toEqual([]);
    await close();
  });
});
