// The writer worker's entry point (see sqlite-writer.ts). On Node 20 a worker started with a `.ts`
// file cannot load it even with `--import tsx` in its execArgv: the loader hooks do not apply to the
// worker's own entry module. So this plain module registers tsx inside the worker, then imports the
// TypeScript. It works the same under `node --import tsx`, the CLI's bin script and vitest.
import { register } from "tsx/esm/api";

register();
await import("./sqlite-writer-worker.ts");
