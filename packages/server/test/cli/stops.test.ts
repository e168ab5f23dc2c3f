import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../../src/app/api-keys.ts";
import { SYSTEM_ACTOR } from "../../src/app/principal.ts";
import { startServer } from "../../src/http/start-server.ts";
import { BIN, type CliRun, dataDirWithPolicy, fixture, REPO_ROOT, runCli, tempDir } from "./run-cli.ts";

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

describe("loopgate stop for a scope nothing has used yet", () => {
  let desk: string;

  beforeAll(async () => {
    // support-bot has proposed once; no other agent has.
    desk = join(root, "desk");
    const server = await startServer({
      port: 0,
      dataDir: desk,
      policyFile: join(REPO_ROOT, fixture("good-policy.yaml")),
      logLevel: "silent",
    });
    try {
      const { secret } = await createApiKey(
        server.deps.store,
        { name: "support-bot", role: "agent", actions: null },
        { now: () => new Date().toISOString(), ids: server.deps.newId, actor: SYSTEM_ACTOR },
      );
      const proposed = await fetch(`${server.url}/v1/proposals`, {
        method: "POST",
        headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
        body: JSON.stringify({
          action: { type: "billing.refund", payload: { amount: 20, currency: "EUR" } },
        }),
      });
      expect(proposed.status).toBe(201);
    } finally {
      await server.close();
    }
  });

  const stop = (...args: string[]) => runCli(["stop", "--data-dir", desk, "--reason", "checking", ...args]);

  it("stops an agent never seen, but warns on stderr to check the name", async () => {
    const run = await stop("--agent", "suport-bot");
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim()).toMatch(/^[0-9a-f-]{36}$/);
    expect(run.stderr).toContain(
      'Warning: no proposal from agent "suport-bot" has been seen yet. The stop is in force and will hold ' +
        "its proposals when they come, but check the name (agents seen so far: support-bot).\n",
    );
    // It is in force all the same: an agent's first proposal can be stopped before it comes.
    const resumed = await runCli(["resume", run.stdout.trim(), "--data-dir", desk]);
    expect(resumed.code, resumed.stderr).toBe(0);
  });

  it("says so in --json as agentSeen, and does not warn about an agent that has proposed", async () => {
    const unseen = await stop("--agent", "night-bot", "--json");
    expect(unseen.code, unseen.stderr).toBe(0);
    expect(JSON.parse(unseen.stdout)).toMatchObject({ scope: { agent: "night-bot" }, agentSeen: false });
    expect(unseen.stderr).toContain('no proposal from agent "night-bot" has been seen yet');

    const seen = await stop("--agent", "support-bot", "--action-type", "billing.refund", "--json");
    expect(seen.code, seen.stderr).toBe(0);
    expect(JSON.parse(seen.stdout)).toMatchObject({
      scope: { agent: "support-bot", actionType: "billing.refund" },
      agentSeen: true,
    });
    expect(seen.stderr).not.toContain("Warning");

    // Without an agent in the scope there is nothing to check: no field, no warning.
    const everything = await stop("--all", "--json");
    expect(JSON.parse(everything.stdout)).not.toHaveProperty("agentSeen");
    expect(everything.stderr).not.toContain("Warning");
  });

  it("answers a stop already in force with the same scope, in words, and makes no second one", async () => {
    const first = await stop("--action-type", "support.reply", "--json");
    expect(first.code, first.stderr).toBe(0);
    const made = JSON.parse(first.stdout);
    expect(made.scope).toEqual({ actionType: "support.reply" });
    expect(made).not.toHaveProperty("alreadyInForce");

    const again = await runCli([
      "stop",
      "--data-dir",
      desk,
      "--reason",
      "still bad",
      "--action-type",
      "support.reply",
    ]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout.trim()).toBe(made.id);
    expect(again.stderr).toContain(
      `Already stopped: action type support.reply has been stopped since ${made.createdAt} by ${made.createdBy.name} ("checking")`,
    );
    expect(again.stderr).toContain(`no new stop was made. Lift it with: loopgate resume ${made.id}`);
    expect(again.stderr).not.toContain("Stopped ");
    const asJson = await stop("--action-type", "support.reply", "--json");
    expect(JSON.parse(asJson.stdout)).toEqual({ ...made, alreadyInForce: true });

    const resumed = await runCli(["resume", made.id, "--data-dir", desk]);
    expect(resumed.code, resumed.stderr).toBe(0);
  });

  it("refuses an action type the policy does not declare, naming the declared ones", async () => {
    const run = await stop("--action-type", "billing.refnd");
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'loopgate: scope.actionType: "billing.refnd" is not declared in the active policy (version 1): use one of billing.refund, support.reply\n',
    );
  });
});
