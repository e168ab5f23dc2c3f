import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { FeedbackLine, ReplayReport } from "@loopgate/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AUTOMATING_CANDIDATE, EDIT_LABEL, EDITED, recordHistory } from "../http/replay-history.ts";
import { startTestServer, type TestServer } from "../http/test-server.ts";
import { createTestStore, type TestStore } from "../support/stores.ts";
import { runCli, tempDir } from "./run-cli.ts";

/** `loopgate policy replay` and `loopgate export feedback`, beside a running server on the same data directory. */
describe("policy replay and export feedback", () => {
  let db: TestStore;
  let t: TestServer;
  let dir: { path: string; cleanup: () => Promise<void> };
  let candidate: string;

  beforeAll(async () => {
    db = await createTestStore("sqlite");
    t = await startTestServer("sqlite", { store: db.store });
    await recordHistory(t);
    dir = await tempDir();
    candidate = join(dir.path, "candidate.yaml");
    await writeFile(candidate, AUTOMATING_CANDIDATE);
  });
  afterAll(async () => {
    await t.close();
    await db.cleanup();
    await dir.cleanup();
  });

  it("replay --json prints the report the API gives, and the progress goes to stderr", async () => {
    const run = await runCli(["policy", "replay", candidate, "--data-dir", db.location, "--json"]);
    expect(run.code, run.stderr).toBe(0);
    const report = ReplayReport.parse(JSON.parse(run.stdout));
    expect(run.stdout.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain("Replaying proposals [##############################] 7/7");
    const reply = report.actionTypes.find((a) => a.actionType === "support.reply")!;
    expect(reply.automationRate).toEqual({ before: 0, after: 0.8 });
    expect(reply.newlyAutomated).toMatchObject({ count: 4, reviewed: 3, unknownOutcome: 1 });
    expect(reply.newlyAutomated.estimatedErrorRate).toBeCloseTo((0 + 1 + (1 - EDIT_LABEL)) / 3, 5);

    const api = await t.call("POST", "/v1/policy/replay", {
      key: await t.key("olga", "owner"),
      body: { policy: AUTOMATING_CANDIDATE },
    });
    expect(api.body).toEqual(report);
  });

  it("replay prints a table for people, tries --threshold, and refuses bad input", async () => {
    const table = await runCli(["policy", "replay", candidate, "--data-dir", db.location, "--since", "7d"]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/support\.reply\s+5\s+0\.0%\s+80\.0%\s+4\s+3\s+1/);
    expect(table.stdout).toContain("support.reply: review → auto  4");

    const tried = await runCli([
      "policy",
      "replay",
      "--data-dir",
      db.location,
      "--threshold",
      "support.reply=0.5",
      "--json",
    ]);
    expect(tried.code, tried.stderr).toBe(0);
    // The active test policy has no thresholds.auto rule: a threshold alone changes nothing.
    expect(JSON.parse(tried.stdout)).toMatchObject({
      policyVersion: 1,
      thresholds: { "support.reply": 0.5 },
    });

    const badThreshold = await runCli(["policy", "replay", "--data-dir", db.location, "--threshold", "x"]);
    expect(badThreshold.code).toBe(2);
    expect(badThreshold.stderr).toContain("write <actionType>=<value>");
    const badSince = await runCli(["policy", "replay", "--data-dir", db.location, "--since", "soon"]);
    expect(badSince.code).toBe(2);

    const broken = join(dir.path, "broken.yaml");
    await writeFile(broken, "version: 1\nactions:\n  x.y:\n    reversible: maybe\n");
    const bad = await runCli(["policy", "replay", broken, "--data-dir", db.location]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/broken\.yaml:4:\d+ /);
  });

  it("export feedback writes one masked line per decided review", async () => {
    const out = join(dir.path, "feedback.jsonl");
    const run = await runCli(["export", "feedback", "--data-dir", db.location, "--out", out]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain("Exported 4 decided reviews");
    const lines = (await readFile(out, "utf8"))
      .trim()
      .split("\n")
      .map((l) => FeedbackLine.parse(JSON.parse(l)));
    expect(lines.map((l) => l.verdict)).toEqual(["approve", "reject", "edit", "approve"]);
    const [approved, rejected, edited] = lines;
    expect(approved).toMatchObject({ label: 1, diff: [], actionType: "support.reply", agent: "support-bot" });
    expect(rejected).toMatchObject({ label: 0, finalPayload: null, category: "wrong_facts" });
    expect(edited).toMatchObject({
      finalPayload: EDITED,
      diff: [{ op: "replace", path: "/body", value: EDITED.body }],
      category: "incomplete",
    });
    expect(edited!.label).toBeCloseTo(EDIT_LABEL, 9);
    expect(edited!.reviewerId).toBe(approved!.reviewerId); // anna decided both

    const stdout = await runCli(["export", "feedback", "--data-dir", db.location, "--since", "2999-01-01"]);
    expect(stdout.code).toBe(0);
    expect(stdout.stdout).toBe("");
  });

  it("export feedback masks personal data unless --unmasked", async () => {
    const agent = await t.key("mailer", "agent");
    const owner = await t.key("oscar", "owner");
    const proposed = await t.call("POST", "/v1/proposals", {
      key: agent,
      body: {
        action: {
          type: "support.reply",
          payload: { to: "mia@example.com", body: "Hello Mia, it is on its way." },
        },
        evidence: [{ source: "kb", id: "kb-9", snippet: "Orders ship in two days." }],
      },
    });
    expect(proposed.status).toBe(201);
    const decided = await t.call("POST", `/v1/reviews/${proposed.body.review.id}/decisions`, {
      key: owner,
      body: { verdict: "reject", comment: "Write to mia@example.com from the shared inbox" },
    });
    expect(decided.status, JSON.stringify(decided.body)).toBe(201);
    const lineOf = async (...flags: string[]) => {
      const run = await runCli(["export", "feedback", "--data-dir", db.location, ...flags]);
      expect(run.code, run.stderr).toBe(0);
      return FeedbackLine.parse(JSON.parse(run.stdout.trim().split("\n").at(-1)!));
    };
    const masked = await lineOf();
    expect(masked.proposedPayload.to).toBe("[email]");
    expect(masked.comment).toBe("Write to [email] from the shared inbox");
    const unmasked = await lineOf("--unmasked");
    expect(unmasked.proposedPayload.to).toBe("mia@example.com");
  });
});
