import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { SERVER_NODE_FLAGS, shebangNodeFlags } from "./server-node-flags.ts";

describe("shebangNodeFlags", () => {
  it("reads the flags after `env -S node`", () => {
    expect(shebangNodeFlags("#!/usr/bin/env -S node --a=1  --b\nrest")).toEqual(["--a=1", "--b"]);
    expect(shebangNodeFlags("#!/usr/bin/env -S node --only")).toEqual(["--only"]);
  });

  it("reads none from a plain node shebang", () => {
    expect(shebangNodeFlags("#!/usr/bin/env node\n")).toEqual([]);
  });

  it("refuses a line that does not start node", () => {
    expect(() => shebangNodeFlags("#!/bin/sh\n")).toThrow(/not a/);
  });
});

describe("SERVER_NODE_FLAGS", () => {
  it("are the CLI's flags, and this node accepts them", () => {
    expect(SERVER_NODE_FLAGS).toContain("--max-semi-space-size=32");
    const out = execFileSync(process.execPath, [...SERVER_NODE_FLAGS, "-p", "process.execArgv.join(' ')"], {
      encoding: "utf8",
    });
    // execArgv also lists `-p` and its script, after the flags.
    expect(out.trim().split(" ").slice(0, SERVER_NODE_FLAGS.length)).toEqual([...SERVER_NODE_FLAGS]);
  });
});
