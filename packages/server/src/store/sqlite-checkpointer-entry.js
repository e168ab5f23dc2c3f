// The checkpointer worker's entry point (see sqlite-checkpointer.ts). As for the SQLite writer, a
// worker started with a `.ts` file cannot load it on Node 20, so this plain module registers tsx,
// then imports it.
import { register } from "tsx/esm/api";

register();
await import("./sqlite-checkpointer-worker.ts");
