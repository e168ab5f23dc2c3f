import { readFile } from "node:fs/promises";
import { loadPolicy } from "@loopgate/core";
import { describe, expect, it } from "vitest";
import { withExecutorOrigin } from "../../src/demo/policy-origin.ts";
import { DEMO_POLICY, POLICY_ORIGIN } from "../../src/demo/run-demo.ts";

const PORT_ORIGIN = "http://127.0.0.1:4811";

describe("the demo's port rewrite of its policy", () => {
  it("moves every executor URL to the demo's origin and leaves the comments as written", async () => {
    const original = await readFile(DEMO_POLICY, "utf8");
    const rewritten = withExecutorOrigin(original, POLICY_ORIGIN, PORT_ORIGIN);

    const comments = (text: string) => text.split("\n").filter((line) => line.trimStart().startsWith("#"));
    expect(comments(rewritten)).toEqual(comments(original));
    expect(rewritten).toContain(`the origin \`${POLICY_ORIGIN}\` to the one it actually listens on`);

    const urls = (text: string) => [...text.matchAll(/url: "([^"]+)"/g)].map((m) => m[1]);
    expect(urls(original).length).toBeGreaterThan(0);
    expect(urls(rewritten)).toEqual(urls(original).map((url) => url!.replace(POLICY_ORIGIN, PORT_ORIGIN)));
    expect(rewritten.split("\n").filter((line) => !line.trimStart().startsWith("#"))).not.toContain(
      POLICY_ORIGIN,
    );
    expect(loadPolicy(rewritten, { version: 1 }).ok).toBe(true);
  });

  it("rewrites plain and single-quoted values, and no origin that merely starts the same", () => {
    const text = [
      "a: { url: http://127.0.0.1:4747/x }",
      "b: { url: 'http://127.0.0.1:4747' }",
      'c: { url: "http://127.0.0.1:47470/y" }',
      'd: { note: "http://127.0.0.1:4747/z" } # url: elsewhere',
    ].join("\n");
    expect(withExecutorOrigin(text, POLICY_ORIGIN, PORT_ORIGIN).split("\n")).toEqual([
      `a: { url: ${PORT_ORIGIN}/x }`,
      `b: { url: '${PORT_ORIGIN}' }`,
      'c: { url: "http://127.0.0.1:47470/y" }',
      'd: { note: "http://127.0.0.1:4747/z" } # url: elsewhere',
    ]);
  });
});
