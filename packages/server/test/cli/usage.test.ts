import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { buildProgram } from "../../src/cli/main.ts";
import { runCli } from "./run-cli.ts";

/** Every command and group under `loopgate`, with its path: `["keys create", command]`. */
function allCommands(command: Command, path = ""): [string, Command][] {
  return command.commands.flatMap((sub) => {
    const name = `${path}${sub.name()}`;
    return sub.name() === "help" ? [] : [[name, sub] as [string, Command], ...allCommands(sub, `${name} `)];
  });
}

/** What `loopgate <path> --help` prints, the text after the options included. */
function helpOf(command: Command): string {
  let text = "";
  command.configureOutput({ writeOut: (chunk) => (text += chunk) });
  command.outputHelp();
  return text;
}

const COMMANDS = allCommands(buildProgram());

describe("loopgate --help", () => {
  it("covers every command (sanity check of the walk)", () => {
    expect(COMMANDS.map(([name]) => name)).toEqual(
      expect.arrayContaining([
        "serve",
        "users add",
        "mcp serve",
        "mcp gateway",
        "policy replay",
        "audit verify",
      ]),
    );
  });

  it.each(COMMANDS)("%s shows examples, as docs/cli.md promises", (_name, command) => {
    expect(helpOf(command)).toMatch(/\nExamples?:\n {2}\$ .*loopgate /);
  });

  it.each(COMMANDS)("%s states each default once", (_name, command) => {
    for (const option of command.options) {
      // Commander prints `(default: …)` for an option with a default value; its description must not too.
      if (option.defaultValue !== undefined) expect(option.description).not.toMatch(/default/);
    }
    const help = helpOf(command);
    expect(help).not.toMatch(/\(default[^)]*\)\s*\(default/);
    expect(help).not.toContain("(default: [])");
  });
});

describe("usage errors", () => {
  it.concurrent.each([
    [["serve", "--jsno"], "unknown option '--jsno' (Did you mean --json?); see loopgate serve --help"],
    [
      ["keys", "create", "--name", "bot"],
      "required option '--role <role>' not specified; see loopgate keys create --help",
    ],
    [
      ["serve", "--port", "http"],
      "option '--port <n>' argument 'http' is invalid: give a port number from 0 to 65535; see loopgate serve --help",
    ],
    [["sevre"], "unknown command 'sevre' (Did you mean serve?); see loopgate --help"],
  ])("%j prints one `loopgate: …` line and exits 2", async (args, message) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(`loopgate: ${message}\n`);
  });
});
