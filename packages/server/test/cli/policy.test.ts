import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fixture, REPO_ROOT, runCli } from "./run-cli.ts";

const SHIPPED_POLICY = "examples/policies/support-desk-minimal.yaml";

describe("loopgate policy check", () => {
  it("prints a one-line summary and exits 0 for a valid file", async () => {
    const run = await runCli(["policy", "check", fixture("good-policy.yaml")]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    // Queues named only by a rule or action type exist too, so their count is the loader's to say.
    expect(run.stdout).toMatch(
      /^OK \S+good-policy\.yaml: 2 action types, 3 rules, \d+ queues, 4 examples\n$/,
    );
  });

  it.each([
    ["unknown-field.yaml", /:5:5 actions\.support\.reply\.reviewQueue: .+/],
    ["bad-cel.yaml", /:7:\d+ rules\[0\]\.when: .+/],
    [
      "post-review-irreversible.yaml",
      /:5:\d+ actions\.support\.reply\.autonomy: .*(post_review|reversible).*/,
    ],
  ])("names each problem of %s with its line and exits 1", async (name, problem) => {
    const run = await runCli(["policy", "check", fixture(name)]);
    expect(run.code).toBe(1);
    const first = run.stdout.split("\n")[0] ?? "";
    expect(first.startsWith(`${fixture(name)}:`)).toBe(true);
    expect(first).toMatch(problem);
  });

  it("prints problems as JSON with --json", async () => {
    const run = await runCli(["policy", "check", fixture("unknown-field.yaml"), "--json"]);
    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout) as { ok: boolean; problems: { path: string; line: number }[] };
    expect(result.ok).toBe(false);
    expect(result.problems[0]).toMatchObject({ path: "actions.support.reply.reviewQueue", line: 5 });
  });

  it("exits 2 when the file cannot be read", async () => {
    const run = await runCli(["policy", "check", "no/such/policy.yaml"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("cannot read no/such/policy.yaml: no such file");
  });
});

describe("loopgate policy test", () => {
  it("passes when every example gets its expected route", async () => {
    const run = await runCli(["policy", "test", fixture("good-policy.yaml")]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      "✓ a large refund goes to the billing leads: escalate (rules: large-refund)",
    );
    expect(run.stdout.match(/^✓ /gm)).toHaveLength(4);
    expect(run.stdout).toContain("4 examples passed");
  });

  it("shows expected and actual routes of a failing example and exits 1", async () => {
    const run = await runCli(["policy", "test", fixture("failing-examples.yaml")]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("✓ a large refund escalates");
    expect(run.stdout).toMatch(/✗ a small refund goes out on its own: expected auto.*, got review/);
    expect(run.stdout).toContain("FAILED");
  });

  it("fails a file without examples, saying so", async () => {
    const run = await runCli(["policy", "test", fixture("no-examples.yaml")]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("has no examples");
  });

  it("reports the problems of an invalid file instead of running it", async () => {
    const run = await runCli(["policy", "test", fixture("bad-cel.yaml")]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/bad-cel\.yaml:7:\d+ rules\[0\]\.when/);
  });
});

describe.skipIf(!existsSync(join(REPO_ROOT, SHIPPED_POLICY)))("the shipped example policy", () => {
  it("checks clean and passes its own examples", async () => {
    const check = await runCli(["policy", "check", SHIPPED_POLICY]);
    expect(check.stdout).toMatch(/^OK /);
    expect(check.code).toBe(0);
    const test = await runCli(["policy", "test", SHIPPED_POLICY]);
    expect(test.stdout).not.toContain("✗");
    expect(test.code).toBe(0);
  });
});
