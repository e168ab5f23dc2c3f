import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sqliteFile } from "../../src/store/sqlite-store.ts";
import { dataDirWithPolicy, runCli, tempDir } from "./run-cli.ts";

const PASSWORD = "a long enough secret\n";

let dataDir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  const dir = await tempDir();
  cleanup = dir.cleanup;
  dataDir = join(dir.path, "data");
});
afterEach(async () => {
  await cleanup();
});

describe("loopgate users add --queues", () => {
  it("refuses queues the active policy does not have, naming the ones it has (exit 2)", async () => {
    await dataDirWithPolicy(dataDir);
    const add = (queues: string) =>
      runCli(["users", "add", "rita", "--role", "reviewer", "--queues", queues, "--data-dir", dataDir], {
        input: PASSWORD,
      });

    const typo = await add("support,nosuchqueue");
    expect(typo.code).toBe(2);
    expect(typo.stdout).toBe("");
    expect(typo.stderr).toBe(
      'loopgate: --queues: "nosuchqueue" is not a queue of the active policy (version 1); ' +
        "its queues are billing, billing-leads, default, support, support-leads\n",
    );

    const good = await add("support,billing-leads");
    expect(good.code, good.stderr).toBe(0);
    expect(good.stderr).toContain("Added reviewer rita (queues support, billing-leads");
  });

  it("keeps queues it cannot check yet, with a warning, on a new data directory", async () => {
    const run = await runCli(
      ["users", "add", "rita", "--role", "reviewer", "--queues", "support", "--data-dir", dataDir],
      { input: PASSWORD },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(
      `loopgate: warning: no policy is loaded in data directory ${dataDir} yet, so --queues support could not be checked`,
    );
    expect(existsSync(sqliteFile(dataDir))).toBe(true);
  });
});
