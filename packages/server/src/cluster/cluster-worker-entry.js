// An HTTP worker of `loopgate serve --workers N` (see start-cluster.ts). Like the SQLite writer's
// entry, a plain module that registers tsx, so the worker loads the TypeScript however the primary
// was started (the CLI's bin script, `node --import tsx`, vitest).
import { register } from "tsx/esm/api";

register();
await import("./cluster-worker.ts");
