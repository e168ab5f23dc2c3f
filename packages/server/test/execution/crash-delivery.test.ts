import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, executionPolicy, RecordingReceiver, TEST_SECRET } from "./receiver.ts";

const BIN = join(import.meta.dirname, "..", "..", "bin", "loopgate.js");
/** Actions in the run: the 1,000 (about 16 s on 2 cores); `LOOPGATE_TEST_CRASH_ACTIONS` changes it. */
const ACTIONS = Number(process.env.LOOPGATE_TEST_CRASH_ACTIONS ?? 1000);
const CRASHES = 3;

function key(dataDir: string, name: string, role: string): string {
  return execFileSync(
    process.execPath,
    [BIN, "keys", "create", "--data-dir", dataDir, "--name", name, "--role", role],
    {
      encoding: "utf8",
    },
  ).trim();
}

async function serve(dataDir: string, policy: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    // No rate limit: the check at the end reads all proposals at once, in rounds, with one key.
    [BIN, "serve", "--port", "0", "--data-dir", dataDir, "--policy", policy, "--json", "--rate-limit", "0"],
    {
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        LOOPGATE_DATABASE_URL: "",
        LOOPGATE_LOG_LEVEL: "warn",
        LOOPGATE_TEST_HOOK_SECRET: TEST_SECRET,
      },
    },
  );
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`serve exited with ${code}`)));
  });
  return { child, url: (JSON.parse(line) as { url: string }).url };
}

describe("kill -9 while approved actions are being delivered", () => {
  let dataDir: string;
  let receiver: RecordingReceiver;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "loopgate-exec-crash-"));
    receiver = await new RecordingReceiver(TEST_SECRET).start();
  });
  afterAll(async () => {
    await receiver.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("delivers every approved action, each with one effect, nothing unapproved, and never re-sends a non-idempotent one", async () => {
    const policy = join(dataDir, "loopgate.yaml");
    await writeFile(policy, executionPolicy(receiver.url, { timeoutMs: 1000, attempts: 8 }));
    receiver.answer = () => ({ status: 200, delayMs: Math.floor(Math.random() * 30) });
    const agent = key(dataDir, "ops-bot", "agent");
    const reviewer = key(dataDir, "rita", "reviewer");
    let server = await serve(dataDir, policy);
    const proposed = new Set<string>();
    let next = 0;

    const post = async (path: string, auth: string, body: unknown, headers: Record<string, string> = {}) => {
      const res = await fetch(server.url + path, {
        method: "POST",
        headers: { authorization: `Bearer ${auth}`, "content-type": "application/json", ...headers },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as any };
    };
    /** Repeats a request until the server answers it (it may be down, between a kill and the restart). */
    const untilAnswered = async (request: () => Promise<{ status: number; body: any }>) => {
      for (;;) {
        try {
          const res = await request();
          if (res.status < 500) return res;
        } catch {
          // the server is gone: wait for the restart
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    const worker = async () => {
      while (next < ACTIONS) {
        const n = next++;
        // Every fifth action goes to a non-idempotent executor; every seventh reviewed one is rejected.
        const type = n % 5 === 0 ? "mail.send" : "ledger.post";
        const payload =
          type === "mail.send" ? { to: `c${n}@example.com` } : { amount: n % 3 === 0 ? 5 : 20 + n };
        // The Idempotency-Key makes a proposal re-sent after a lost answer the same proposal.
        const p = await untilAnswered(() =>
          post("/v1/proposals", agent, { action: { type, payload } }, { "idempotency-key": `action-${n}` }),
        );
        proposed.add(p.body.id);
        if (p.body.review !== null && p.body.status === "pending_review") {
          const verdict = n % 7 === 0 ? "reject" : "approve";
          await untilAnswered(() => post(`/v1/reviews/${p.body.review.id}/decisions`, reviewer, { verdict }));
        }
      }
    };
    const workers = Array.from({ length: 8 }, worker);
    const doneAtCrash: number[] = [];
    for (let crash = 0; crash < CRASHES; crash++) {
      await new Promise((resolve) => setTimeout(resolve, 300 + Math.random() * 900));
      doneAtCrash.push(proposed.size);
      server.child.kill("SIGKILL");
      await new Promise((resolve) => server.child.once("exit", resolve));
      server = await serve(dataDir, policy);
    }
    await Promise.all(workers);

    // Read back every proposal, and wait until each approved one has a final execution status.
    const owner = key(dataDir, "olga", "owner");
    const read = async (id: string) =>
      (await (
        await fetch(`${server.url}/v1/proposals/${id}`, { headers: { authorization: `Bearer ${owner}` } })
      ).json()) as any;
    let proposals: any[] = [];
    await eventually(
      async () => {
        proposals = await Promise.all([...proposed].map(read));
        return proposals.every(
          (p) =>
            !["auto_approved", "approved"].includes(p.status) ||
            ["executed", "unknown"].includes(p.execution.status),
        );
      },
      "every approved action to be executed (or unknown)",
      60_000,
    );
    server.child.kill("SIGTERM");
    await new Promise((resolve) => server.child.once("exit", resolve));

    const approved = proposals.filter((p) => ["auto_approved", "approved"].includes(p.status));
    const notApproved = new Set(
      proposals.filter((p) => !["auto_approved", "approved"].includes(p.status)).map((p) => p.id),
    );
    const statuses: Record<string, number> = {};
    for (const p of proposals) statuses[p.status] = (statuses[p.status] ?? 0) + 1;
    expect(approved.length, `statuses: ${JSON.stringify(statuses)}`).toBeGreaterThan(ACTIONS / 2);
    expect(notApproved.size).toBeGreaterThan(0);
    const byProposal = new Map<string, Set<string>>();
    for (const d of receiver.deliveries) {
      expect(d.signatureValid).toBe(true);
      byProposal.set(d.body.proposalId, (byProposal.get(d.body.proposalId) ?? new Set()).add(d.webhookId));
    }
    for (const p of approved) {
      const keys = byProposal.get(p.id);
      if (p.execution.status === "executed") expect(keys?.size, `deliveries of ${p.id}`).toBe(1);
      // An effect per idempotency key, one key per proposal: exactly one effect per executed action.
      if (p.execution.status === "executed") expect(receiver.effects.get([...keys!][0]!)).toBe(1);
    }
    expect([...byProposal.keys()].filter((id) => notApproved.has(id))).toEqual([]);
    // The non-idempotent executor was sent each action at most once, crash or not.
    const mail = receiver.deliveries.filter((d) => d.path === "/mail");
    expect(mail.length).toBe(new Set(mail.map((d) => d.webhookId)).size);
    // Only an attempt cut off by a crash may have ended unknown.
    const unknown = approved.filter((p) => p.execution.status === "unknown");
    expect(unknown.every((p) => p.action.type === "mail.send")).toBe(true);
    // The kills landed while actions were still being proposed and delivered.
    expect(doneAtCrash.some((n) => n < ACTIONS)).toBe(true);
    const resent = [...new Set(receiver.deliveries.map((d) => d.webhookId))].filter(
      (id) => receiver.of(id).length > 1,
    );
    console.info(
      `crash run: ${proposals.length} proposals, ${approved.length} approved, ${receiver.deliveries.length} deliveries, ` +
        `${resent.length} re-sent after a crash (same key), ${unknown.length} unknown; kills after ${doneAtCrash.join(", ")} proposals`,
    );
  }, 180_000);
});
