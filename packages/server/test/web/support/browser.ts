import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";

/** The system's Chromium (Debian's `chromium` package); never a downloaded browser. */
export function chromiumPath(): string | null {
  try {
    const path = execFileSync("sh", ["-c", "command -v chromium || command -v chromium-browser"], {
      encoding: "utf8",
    }).trim();
    return path === "" ? null : path;
  } catch {
    return null;
  }
}

const WEB = fileURLToPath(new URL("../../../../web/", import.meta.url));

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/**
 * Builds the reviewer app when `dist/` is missing or older than its sources, so the browser tests
 * always exercise the current code (`npm test` builds first; this covers running one file alone).
 */
export function ensureWebBuild(): void {
  const index = join(WEB, "dist", "index.html");
  const sources = Math.max(newest(join(WEB, "src")), statSync(join(WEB, "index.html")).mtimeMs);
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  execFileSync(
    process.execPath,
    [join(WEB, "../../node_modules/vite/bin/vite.js"), "build", "--logLevel", "warn"],
    // React's production build, as `npm run build` makes it (vitest sets NODE_ENV to "test").
    { cwd: WEB, stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } },
  );
}

/** Launches headless Chromium with the flags CI needs (no sandbox as root, no background traffic). */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (executablePath === null) throw new Error("chromium is not installed: apt-get install -y chromium");
  return chromium.launch({
    executablePath,
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
}

/** A page that records every dialog (alert, confirm) and console error, to prove nothing ran. */
export interface WatchedPage {
  context: BrowserContext;
  page: Page;
  dialogs: string[];
  pageErrors: string[];
}

export async function openPage(browser: Browser, baseURL: string): Promise<WatchedPage> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const dialogs: string[] = [];
  const pageErrors: string[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on("pageerror", (error) => pageErrors.push(error.message));
  return { context, page, dialogs, pageErrors };
}

/** Signs in through the sign-in form. */
export async function signIn(page: Page, name: string, password: string): Promise<void> {
  await page.goto("/");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Inbox" }).waitFor();
}
