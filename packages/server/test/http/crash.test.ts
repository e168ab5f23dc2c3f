import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/open-store.ts";
import { verifiedAuditChain } from "../support/audit-chain.ts";
import { POLICY } from "./test-server.ts";

const BIN = join(import.meta.dirname, "..", "..", "bin", "loopgate.js");

function keys(dataDir: string, name: string, role: string): string {
  return execFileSync(
    process.execPath,
    [BIN, "keys", "create", "--data-dir", dataDir, "--name", name, "--role", role],
    {
      encoding: "utf8",
    },
  ).trim();
}

async function serve(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [BIN, "serve", "--port", "0", "--data-dir", dataDir, "--policy", POLICY, "--json"],
    {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, LOOPGATE_DATABASE_URL: "", LOOPGATE_LOG_LEVEL: "warn" },
    },
  );
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`serve exited with ${code}`)));
  });
  return { child, url: (JSON.parse(line) as { url: string }).url };
}

describe("kill -9 during traffic", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "loopgate-crash-"));
  });
  afterAll(async () => rm(dataDir, { recursive: true, force: true }));

  it("keeps every acknowledged proposal and decision, nothing half-written, and the chain verifies", async () => {
    const agent = keys(dataDir, "support-bot", "agent");
    const reviewer = keys(dataDir, "anna", "reviewer");
    const { child, url } = await serve(dataDir);
    const acknowledged = new Map<string, string>(); // proposal id → status acknowledged
    let stop = false;
    const post = async (path: string, key: string, body: unknown) => {
      const res = await fetch(url + path, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as any };
    };
    const worker = async (n: number) => {
      for (let i = 0; !stop; i++) {
        try {
          const p = await post("/v1/proposals", agent, {
            action: {
              type: "billing.refund",
              payload: { amount: 150 + i, currency: "EUR", customerId: `c_${n}` },
            },
          });
          if (p.status !== 201) continue;
          acknowledged.set(p.body.id, p.body.status);
          const d = await post(`/v1/reviews/${p.body.review.id}/decisions`, reviewer, {
            verdict: "reject",
            category: "test",
          });
          if (d.status === 201) acknowledged.set(p.body.id, "rejected");
        } catch {
          return; // the server is gone
        }
      }
    };
    const workers = Array.from({ length: 8 }, (_, n) => worker(n));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    child.kill("SIGKILL");
    stop = true;
    await Promise.all(workers);
    expect(acknowledged.size).toBeGreaterThan(20);

    const store = await openStore({ dataDir });
    try {
      for (const [id, status] of acknowledged) {
        const row = await store.proposal(id);
        expect(row, id).not.toBeNull();
        if (status === "rejected") expect(row!.status).toBe("rejected");
        const reviews = await store.reviewsOfProposal(id);
        expect(reviews).toHaveLength(1);
        if (row!.status === "rejected") {
          expect(reviews[0]!.status).toBe("decided");
          expect(await store.decisionsOfProposal(id)).toHaveLength(1);
        } else {
          expect(reviews[0]!.status).toBe("pending");
          expect(await store.decisionsOfProposal(id)).toHaveLength(0);
        }
      }
      const chain = await verifiedAuditChain(store);
      expect(chain.length).toBeGreaterThan(acknowledged.size * 2);
    } finally {
      await store.close();
    }

    // And the server starts again on the same data.
    const again = await serve(dataDir);
    try {
      const health = await fetch(`${again.url}/readyz`);
      expect(health.status).toBe(200);
    } finally {
      again.child.kill("SIGTERM");
    }
  }, 60_000);
});
