import { defineConfig } from "vite";

/**
 * The reviewer app builds to `dist/`, which `loopgate serve` serves at `/`. JSX is compiled by Vite's
 * own esbuild step (no Babel plugin needed). `npm run dev -w @loopgate/web` proxies the API to a
 * server on port 4747.
 *
 * A build is always React's production build: Vite would follow a `NODE_ENV` already set in the
 * environment (vitest sets `test`, so a build started from a test shipped React's development code).
 */
export default defineConfig(({ command }) => ({
  root: import.meta.dirname,
  esbuild: { jsx: "automatic" },
  ...(command === "build" ? { define: { "process.env.NODE_ENV": JSON.stringify("production") } } : {}),
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // The polyfill would be inlined into index.html; the app's strict CSP forbids inline script.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 800,
  },
  server: {
    proxy: { "/v1": "http://127.0.0.1:4747", "/openapi.json": "http://127.0.0.1:4747" },
  },
}));
