import { readFileSync } from "node:fs";

/** The CLI, whose shebang holds the node flags `loopgate` runs with. */
export const LOOPGATE_BIN = new URL("../../packages/server/bin/loopgate.js", import.meta.url).pathname;

/**
 * The node flags of a shebang line written as `#!/usr/bin/env -S node <flags>`; none for a plain
 * `#!/usr/bin/env node`.
 *
 * @example
 * ```ts
 * shebangNodeFlags("#!/usr/bin/env -S node --max-semi-space-size=32\n…"); // ["--max-semi-space-size=32"]
 * ```
 */
export function shebangNodeFlags(source: string): string[] {
  const end = source.indexOf("\n");
  const first = end < 0 ? source : source.slice(0, end);
  const match = /^#!\S*env(?:\s+-S)?\s+node(?<flags>(?:\s+\S+)*)\s*$/.exec(first);
  if (match === null) throw new Error(`not a "#!/usr/bin/env [-S] node …" line: ${first}`);
  return match.groups!.flags!.split(/\s+/).filter(Boolean);
}

/**
 * The node flags `loopgate` runs with (from its bin's shebang), so a benchmark that starts a server
 * with `process.execPath` runs it as `npx loopgate serve` would.
 */
export const SERVER_NODE_FLAGS: readonly string[] = shebangNodeFlags(readFileSync(LOOPGATE_BIN, "utf8"));
