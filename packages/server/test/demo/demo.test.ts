import { spawn } from "node:child_process";
import { join } from "node:path";
import { Loopgate } from "@loopgate/sdk";
import { afterAll, describe, expect, it } from "vitest";
import { startChatStandIn } from "../../../../examples/support-desk/chat-completions-stand-in.ts";
import { type RunningDemo, startDemo } from "../../src/demo/run-demo.ts";
import { REPO_ROOT, tempDir } from "../cli/run-cli.ts";

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function until<T>(read: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe("loopgate demo", () => {
  let demo: RunningDemo;
  let dataDir: string;

  it("populates every route from an empty data directory well within 30 s", async () => {
    const dir = await tempDir("loopgate-demo-");
    cleanups.push(dir.cleanup);
    dataDir = join(dir.path, "desk");
    const started = Date.now();
    demo = await startDemo({ port: 0, dataDir, logLevel: "silent" });
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `demo populated: ${demo.processed} tickets, ${demo.proposals.size} proposals in ${seconds.toFixed(1)} s`,
    );
    expect(seconds).toBeLessThan(30);
    expect(demo.processed).toBe(320);

    const verdicts = new Set([...demo.proposals.values()].map((p) => p.verdict));
    expect([...verdicts].sort()).toEqual(["auto", "block", "escalate", "needs_info", "review"]);

    const owner = new Loopgate({ url: demo.url, apiKey: demo.ownerKey });
    const [blockedId] = [...demo.proposals].find(([, p]) => p.verdict === "block")!;
    const blocked = await owner.getProposal(blockedId);
    expect(blocked.status).toBe("blocked");
    expect(blocked.route.reasons).toContainEqual(
      expect.objectContaining({
        rule: "card-number-in-draft",
        route: "block",
        message: expect.stringMatching(/card number/),
      }),
    );
  }, 60_000);

  it("shows auto-executed replies in the receiver exactly as proposed", async () => {
    const autoReplies = [...demo.proposals].filter(
      ([, p]) => p.actionType === "support.reply" && p.verdict === "auto",
    );
    expect(autoReplies.length).toBeGreaterThan(20);
    const deliveries = await until(async () => {
      const body = (await (await fetch(`${demo.url}/demo/receiver/deliveries?channel=email`)).json()) as {
        items: { proposalId: string; action: { payload: unknown } }[];
      };
      return body.items.length > 0 ? body.items : undefined;
    });
    const owner = new Loopgate({ url: demo.url, apiKey: demo.ownerKey });
    const sent = deliveries[0]!;
    expect(sent.action.payload).toEqual((await owner.getProposal(sent.proposalId)).action.payload);
    expect(demo.proposals.get(sent.proposalId)?.verdict).toBe("auto");
  });

  it("has reviews waiting for the support reviewer and escalations at the billing specialist", async () => {
    const [sam, bea] = demo.users;
    expect(sam).toMatchObject({ name: "sam", role: "reviewer", queues: ["support"] });
    const session = await fetch(`${demo.url}/v1/session`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: sam!.name, password: sam!.password }),
    });
    expect(session.status).toBe(201);

    const owner = new Loopgate({ url: demo.url, apiKey: demo.ownerKey });
    const waiting = await owner.listReviews({ limit: 500 });
    const queues = new Set(waiting.items.map((review) => review.queue));
    expect(queues).toContain("support");
    expect(queues).toContain("billing");
    expect(queues).toContain("complaints");
    const billing = waiting.items.filter((review) => review.queue === "billing");
    expect(billing.every((review) => review.approvalsRequired === 2)).toBe(true);
    expect(billing.some((review) => review.level === 1)).toBe(true); // escalated above the refund limit
    expect(bea!.queues).toEqual(["billing", "billing-leads"]);
  });

  it("delivers an edited reply to the receiver exactly as edited", async () => {
    const owner = new Loopgate({ url: demo.url, apiKey: demo.ownerKey });
    const { items } = await owner.listReviews({ queue: "support", actionType: "support.reply", limit: 1 });
    const review = items[0]!;
    const proposal = await owner.getProposal(review.proposalId);
    const body = `${String(proposal.action.payload.body)}\n\nP.S. Edited by a person.`;
    await owner.decide(review.id, { verdict: "edit", patch: { body }, category: "wrong_tone" });
    const delivered = await until(async () => {
      const { items: sent } = (await (
        await fetch(`${demo.url}/demo/receiver/deliveries?channel=email`)
      ).json()) as {
        items: {
          proposalId: string;
          action: { payload: { body: string } };
          decision: { verdict: string } | null;
        }[];
      };
      return sent.find((d) => d.proposalId === review.proposalId);
    });
    expect(delivered.action.payload).toEqual({ to: proposal.action.payload.to, body });
    expect(delivered.decision?.verdict).toBe("edit");
  });

  it("continues where it stopped when run again on the same data directory", async () => {
    const users = demo.users;
    await demo.close();
    demo = await startDemo({ port: 0, dataDir, logLevel: "silent" });
    expect(demo.processed).toBe(320);
    expect(
      [...demo.proposals.values()].filter((p) => p.step === "reply" && p.verdict === "auto").length,
    ).toBe(0);
    expect(demo.users).toEqual(users);
    await demo.close();
  });

  it("prints exactly one JSON line on stdout with --json, progress on stderr, and keeps serving", async () => {
    const dir = await tempDir("loopgate-demo-cli-");
    cleanups.push(dir.cleanup);
    const child = spawn(
      process.execPath,
      [
        join(REPO_ROOT, "packages/server/bin/loopgate.js"),
        "demo",
        "--port",
        "0",
        "--data-dir",
        dir.path,
        "--json",
        "--tickets",
        "10",
      ],
      { cwd: REPO_ROOT, env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] },
    );
    cleanups.push(async () => {
      if (child.exitCode === null) child.kill("SIGKILL");
    });
    let stdout = "";
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        stdout += chunk;
        if (stdout.includes("\n")) resolve(stdout.split("\n")[0]!);
      });
      child.on("exit", (code) => reject(new Error(`demo exited ${code}: ${stderr}`)));
    });
    const printed = JSON.parse(line);
    expect(Object.keys(printed).sort()).toEqual(["dataDir", "ownerKey", "url", "users"]);
    expect(printed.users.map((u: { name: string; role: string }) => [u.name, u.role])).toEqual([
      ["sam", "reviewer"],
      ["bea", "reviewer"],
      ["ben", "reviewer"],
      ["lea", "reviewer"],
      ["olivia", "owner"],
    ]);
    expect(printed.users.every((u: object) => Object.keys(u).sort().join() === "name,password,role")).toBe(
      true,
    );
    expect(printed.dataDir).toBe(dir.path);
    expect(stderr).toContain("10/10");
    const health = await fetch(`${printed.url}/healthz`);
    expect(health.status).toBe(200);
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGINT");
    expect(await exited).toBe(0);
    expect(stdout.trim().split("\n")).toHaveLength(1);
  });

  it("drafts replies with the model at --llm-url, the key from the environment", async () => {
    const standIn = await startChatStandIn({ apiKey: "sk-demo" });
    cleanups.push(() => standIn.close());
    const dir = await tempDir("loopgate-demo-llm-");
    cleanups.push(dir.cleanup);
    process.env.LOOPGATE_LLM_API_KEY = "sk-demo";
    try {
      const llmDemo = await startDemo({
        port: 0,
        dataDir: dir.path,
        logLevel: "silent",
        ticketLimit: 6,
        llm: { url: standIn.baseUrl, model: "tiny-model" },
      });
      cleanups.push(() => llmDemo.close());
      expect(standIn.requests.length).toBeGreaterThan(0);
      expect(
        standIn.requests.every((r) => r.body.model === "tiny-model" && r.authorization === "Bearer sk-demo"),
      ).toBe(true);
      const owner = new Loopgate({ url: llmDemo.url, apiKey: llmDemo.ownerKey });
      const [replyId] = [...llmDemo.proposals].find(([, p]) => p.actionType === "support.reply")!;
      const body = String((await owner.getProposal(replyId)).action.payload.body);
      const replies = standIn.requests.map((r) => r.reply ?? "");
      expect(replies.some((reply) => reply !== "" && body.includes(reply))).toBe(true);
      expect(body).toMatch(/^Hi [^,]+,\n\n/);
      expect(body).toContain("Kind regards,\nLarkspur Support");
    } finally {
      delete process.env.LOOPGATE_LLM_API_KEY;
    }
  });
});
