import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, type CliRun, dataDirWithPolicy, runCli, tempDir } from "./run-cli.ts";

let root: string;
let cleanup: () => Promise<void>;
let dataDir: string;

beforeAll(async () => {
  ({ path: root, cleanup } = await tempDir());
  // A folder name a shell would split: the printed command must quote it.
  dataDir = join(root, "ops data");
  await dataDirWithPolicy(dataDir);
});
afterAll(async () => {
  await cleanup();
});

/** Runs a command line as printed for a person to paste, in a shell, from another directory. */
function paste(commandLine: string, cwd: string): Promise<CliRun> {
  const line = commandLine.replace(/^loopgate /, `'${process.execPath}' '${BIN}' `);
  return new Promise((resolve, reject) => {
    const child = spawn("sh", ["-c", line], { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("loopgate stop", () => {
  it("prints the resume command with the --data-dir it used, and that command lifts the stop", async () => {
    const stop = await runCli([
      "stop",
      "--agent",
      "support-bot",
      "--reason",
      "wrong refunds",
      "--data-dir",
      dataDir,
    ]);
    expect(stop.code, stop.stderr).toBe(0);
    const id = stop.stdout.trim();
    expect(stop.stderr).toContain(`Lift it with: loopgate resume ${id} --data-dir '${dataDir}'\n`);

    const printed = /Lift it with: (.+)\n/.exec(stop.stderr)?.[1] ?? "";
    const resumed = await paste(printed, root);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout.trim()).toBe(id);
    expect(resumed.stderr).toContain(`Lifted stop ${id} (agent support-bot)`);
  });

  it("asks for a scope in the CLI's own flags", async () => {
    const run = await runCli(["stop", "--reason", "freeze", "--data-dir", dataDir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      "loopgate: say what to stop: --agent <id>, --action-type <type> (both: that agent's actions of that type), or --all\n",
    );
  });
});
