import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { Hono } from "hono";
import type { HttpEnv } from "./http-env.ts";

/** Where `npm run build -w @loopgate/web` writes the reviewer app. */
export const DEFAULT_WEB_DIR = fileURLToPath(new URL("../../../web/dist/", import.meta.url));

/**
 * The reviewer app's Content-Security-Policy: scripts, styles and connections from this origin only,
 * no inline script, no plugins, no framing. Agent-supplied text is rendered as text by React; this is
 * the second wall should anything ever slip through.
 */
export const WEB_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
};

/** Paths the API owns: an unknown one answers the API's 404, never the app. */
const API_PATHS = /^\/(v1\/|v1$|openapi\.json$|healthz$|readyz$|metrics$)/;

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Loopgate</title></head>
<body><h1>The reviewer app is not built yet</h1>
<p>Run <code>npm run build -w @loopgate/web</code> (or <code>npm install</code>, which builds it) and reload.
The API is available at <a href="/openapi.json">/openapi.json</a>.</p></body></html>`;

function securityHeaders(headers: Headers): void {
  headers.set("Content-Security-Policy", WEB_CSP);
  headers.set("X-Content-Type-Options", "nosniff");
  headers.set("X-Frame-Options", "DENY");
  headers.set("Referrer-Policy", "no-referrer");
}

/**
 * Serves the built reviewer app at `/`: its files, and `index.html` for any other page path (the app
 * routes in the browser). Registered after the API, so API routes always take precedence.
 */
export function serveWebApp(app: Hono<HttpEnv>, webDir: string = DEFAULT_WEB_DIR): void {
  const root = normalize(webDir.endsWith(sep) ? webDir : webDir + sep);
  app.get("*", async (c, next) => {
    const path = decodeURIComponent(c.req.path);
    if (API_PATHS.test(path)) return next();
    if (!existsSync(join(root, "index.html"))) {
      const response = c.html(NOT_BUILT, 503);
      securityHeaders(response.headers);
      return response;
    }
    const file = normalize(join(root, path));
    const isAsset = file.startsWith(root) && extname(file) !== "" && (await isFile(file));
    const target = isAsset ? file : join(root, "index.html");
    const body = await readFile(target);
    const response = new Response(body, {
      headers: { "Content-Type": TYPES[extname(target)] ?? "application/octet-stream" },
    });
    // Hashed asset names change with their content; the page itself must always be fresh.
    response.headers.set(
      "Cache-Control",
      isAsset && path.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "no-cache",
    );
    securityHeaders(response.headers);
    return response;
  });
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
