import { defineConfig } from "vite";

/**
 * The reviewer app builds to `dist/`, which `loopgate serve` serves at `/`. JSX is compiled by Vite's
 * own esbuild step (no Babel plugin needed). `npm run dev -w @loopgate/web` proxies the API to a
 * server on port 4747.
 */
export default defineConfig({
  root: import.meta.dirname,
  esbuild: { jsx: "automatic" },
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
});
