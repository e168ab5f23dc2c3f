import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, executionPolicy, RecordingReceiver, TEST_SECRET } from "./receiver.ts";

const BIN = join(import.meta.dirname, "..", "..", "bin", "loopgate.js");
const ENV = {
  ...process.env,
  LOOPGATE_DATABASE_URL: "",
  LOOPGATE_LOG_LEVEL: "warn",
  LOOPGATE_TEST_HOOK_SECRET: TEST_SECRET,
};

const cli = (...args: string[]) =>
  execFileSync(process.execPath, [BIN, ...args], {
    encoding: "utf8",
    env: ENV,
    stdio: ["ignore", "pipe", "pipe"],
  }).trim();

describe("loopgate stop and resume beside a running server", () => {
  let dataDir: string;
  let receiver: RecordingReceiver;
  let child: ChildProcess;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "loopgate-stop-cli-"));
    receiver = await new RecordingReceiver(TEST_SECRET).start();
  });
  afterAll(async () => {
    child?.kill("SIGTERM");
    await receiver.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("stops from the store directly: the server holds and executes nothing in scope until resumed", async () => {
    const policy = join(dataDir, "loopgate.yaml");
    await writeFile(policy, executionPolicy(receiver.url));
    const agent = cli("keys", "create", "--data-dir", dataDir, "--name", "ops-bot", "--role", "agent");
    child = spawn(
      process.execPath,
      [BIN, "serve", "--port", "0", "--data-dir", dataDir, "--policy", policy, "--json"],
      {
        stdio: ["ignore", "pipe", "ignore"],
        env: ENV,
      },
    );
    const url = (
      JSON.parse(
        await new Promise<string>((resolve) =>
          createInterface({ input: child.stdout! }).once("line", resolve),
        ),
      ) as { url: string }
    ).url;
    const propose = async (amount: number) =>
      (await (
        await fetch(`${url}/v1/proposals`, {
          method: "POST",
          headers: { authorization: `Bearer ${agent}`, "content-type": "application/json" },
          body: JSON.stringify({ action: { type: "ledger.post", payload: { amount } } }),
        })
      ).json()) as any;

    expect(() => cli("stop", "--data-dir", dataDir, "--reason", "nothing named")).toThrow(
      /say what to stop: .*or --all/,
    );
    const stop = JSON.parse(
      cli("stop", "--data-dir", dataDir, "--agent", "ops-bot", "--reason", "drill", "--json"),
    );
    expect(stop).toMatchObject({ scope: { agent: "ops-bot" }, reason: "drill", createdBy: { id: "cli" } });
    const stoppedAt = Date.now();
    // The first proposal may still be routed from the server's cached stops; none of them executes.
    const first = await propose(1);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const second = await propose(2);
    expect(second.status).toBe("held");
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(receiver.deliveries.filter((d) => d.at >= stoppedAt)).toEqual([]);

    expect(cli("resume", "--data-dir", dataDir, stop.id)).toBe(stop.id);
    await eventually(
      () => receiver.deliveries.some((d) => d.body.proposalId === second.id),
      "the held proposal delivered",
    );
    expect(["held", "auto_approved"]).toContain(first.status);
    expect(() => cli("resume", "--data-dir", dataDir, stop.id)).toThrow(/lifted/);
    const types = cli("audit", "export", "--data-dir", dataDir)
      .split("\n")
      .map((line) => JSON.parse(line).type);
    expect(types).toEqual(expect.arrayContaining(["stop.created", "stop.lifted", "proposal.released"]));
  }, 60_000);
});
