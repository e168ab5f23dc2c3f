import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../../src/app/api-keys.ts";
import { SYSTEM_ACTOR } from "../../src/app/principal.ts";
import { type RunningServer, startServer } from "../../src/http/start-server.ts";
import { runCli } from "./run-cli.ts";

const POLICY = join(import.meta.dirname, "..", "learning", "fixtures", "autonomy-policy.yaml");

describe("loopgate autonomy", () => {
  let dataDir: string;
  let server: RunningServer;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "loopgate-autonomy-cli-"));
    server = await startServer({ port: 0, dataDir, policyFile: POLICY, logLevel: "silent" });
  });
  afterAll(async () => {
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const key = async (name: string, role: "agent" | "reviewer") =>
    (
      await createApiKey(
        server.deps.store,
        { name, role, actions: null },
        { now: () => new Date().toISOString(), ids: server.deps.newId, actor: SYSTEM_ACTOR },
      )
    ).secret;
  const call = async (key: string, path: string, body: unknown) => {
    const res = await fetch(server.url + path, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(201);
    return (await res.json()) as { review: { id: string } };
  };

  it("prints each agent's stage, evidence and breakers from the data directory, beside a running server", async () => {
    const agent = await key("crm-bot", "agent");
    const rita = await key("rita", "reviewer");
    for (let i = 0; i < 3; i++) {
      const proposal = await call(agent, "/v1/proposals", {
        action: { type: "crm.update", payload: { customerId: `c_${i}` } },
      });
      await call(rita, `/v1/reviews/${proposal.review.id}/decisions`, {
        verdict: i === 0 ? "reject" : "approve",
      });
    }

    const json = await runCli(["autonomy", "--data-dir", dataDir, "--json"]);
    expect(json.code, json.stderr).toBe(0);
    const [item] = json.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(item).toMatchObject({
      agent: "crm-bot",
      actionType: "crm.update",
      stage: "review_all",
      next: "threshold",
      eligible: false,
      evidence: { decisions: 3 },
    });

    const text = await runCli(["autonomy", "--data-dir", dataDir, "--agent", "crm-bot"]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain("crm-bot  crm.update  review_all");
    expect(text.stdout).toContain("decisions 3, override 33.3%");
    expect(text.stdout).toMatch(
      /not yet eligible for threshold \(decisions, overrideRate, calibrationError\)/,
    );

    const none = await runCli(["autonomy", "--data-dir", dataDir, "--agent", "nobody"]);
    expect(none.code).toBe(0);
    expect(none.stderr).toContain("No agent and action type match");
  });
});
