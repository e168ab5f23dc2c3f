import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFile, mkdir, mkdtemp, readFile, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { generateSigningKey, hashPayload, signGrant } from "@loopgate/core";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BuiltPackage, buildPackage } from "../scripts/build-package.ts";

/**
 * The package as a project outside the repository gets it: built into a temporary project's
 * `node_modules/@loopgate/sdk`, next to only the dependencies its package.json declares (linked from the
 * repository's `node_modules`), then imported by plain `node` — no tsx, no loader for TypeScript.
 */

const FIXTURES = join(import.meta.dirname, "built-package");
const REPOSITORY = resolve(import.meta.dirname, "../../..");
const run = promisify(execFile);

let project: string;
let built: BuiltPackage;

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), "loopgate-sdk-package-"));
  built = buildPackage(join(project, "node_modules/@loopgate/sdk"));
  for (const name of Object.keys(built.dependencies)) {
    const link = join(project, "node_modules", name);
    await mkdir(dirname(link), { recursive: true });
    await symlink(await realpath(join(REPOSITORY, "node_modules", name)), link, "dir");
  }
  await writeFile(join(project, "package.json"), JSON.stringify({ type: "module", private: true }));
  for (const fixture of ["agent.mjs", "record-loads.mjs", "load-hooks.mjs", "consumer.ts"]) {
    await copyFile(join(FIXTURES, fixture), join(project, fixture));
  }
});

afterAll(async () => {
  if (project !== undefined) await rm(project, { recursive: true, force: true });
});

/** Runs `node` with only PATH and `env` in its environment: no NODE_OPTIONS, so no tsx. */
async function node(args: string[], env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await run(process.execPath, args, {
    cwd: project,
    env: { PATH: process.env.PATH, ...env },
  });
  return stdout;
}

describe("the built @loopgate/sdk under plain node", () => {
  it("declares @noble/* as its runtime dependencies and zod for its declarations' types, nothing of Loopgate", async () => {
    expect(built.dependencies).toEqual({
      "@noble/curves": expect.any(String),
      "@noble/hashes": expect.any(String),
      zod: expect.any(String),
    });
    const manifest = JSON.parse(await readFile(join(built.dir, "package.json"), "utf8"));
    expect(manifest.exports["."]).toEqual({ types: "./index.d.ts", default: "./index.js" });
    expect(manifest.exports["./testing"]).toEqual({
      types: "./testing/index.d.ts",
      default: "./testing/index.js",
    });
    expect(Object.keys(manifest.peerDependencies)).toEqual(Object.keys(manifest.peerDependenciesMeta));
  });

  it("imports @loopgate/sdk and @loopgate/sdk/testing and gates actions through the fake", async () => {
    const key = generateSigningKey(randomBytes(32));
    const payload = { orderId: "o_1", amount: 15 };
    const grant = signGrant(
      {
        id: "exec_1",
        proposalId: "prop_1",
        actionType: "billing.refund",
        payloadHash: hashPayload(payload),
        issuedAt: new Date().toISOString(),
        expiresAt: new Date(Date.now() + 60_000).toISOString(),
      },
      { keyId: "k1", secretKey: key.secretKey },
    );
    const publicKey = Buffer.from(key.publicKey).toString("base64");

    const answer = JSON.parse(await node(["agent.mjs", JSON.stringify([grant, payload, publicKey])]));

    expect(answer).toEqual({
      refund: { result: { refunded: 100 }, status: "approved_with_edits", settled: true },
      reply: { result: "sent", status: "approved" },
      rejected: { isTyped: true, comment: "never" },
      freeze: { result: "c_9", revision: 2 },
      unanswered: { isTyped: true, question: "which card?" },
      results: ["succeeded", "succeeded", "succeeded"],
      client: "function",
      grant: true,
      tampered: { ok: false, reason: "payload_mismatch", message: expect.any(String) },
    });
  });

  it("loads only its own files and @noble/*: no CEL, protobuf, Zod, Ajv or YAML, nothing of core's index", async () => {
    const loads = join(project, "loads.txt");
    const main = "import '@loopgate/sdk'; import '@loopgate/sdk/testing';";
    await node(["--import", "./record-loads.mjs", "--input-type=module", "--eval", main], {
      LOOPGATE_LOADS: loads,
    });

    const urls = (await readFile(loads, "utf8")).split("\n").filter((url) => url.startsWith("file:"));
    const packages = new Set(urls.map((url) => packageOf(url)));
    expect([...packages].sort()).toEqual(["@loopgate/sdk", "@noble/curves", "@noble/hashes"]);
    for (const heavy of ["@bufbuild/cel", "@bufbuild/protobuf", "zod", "ajv", "yaml", "re2"]) {
      expect(packages).not.toContain(heavy);
    }
    expect(urls.filter((url) => url.includes("/packages/core/"))).toEqual([]);
  });

  it("type-checks a strict TypeScript project against its declarations alone", () => {
    const program = ts.createProgram([join(project, "consumer.ts")], {
      strict: true,
      noUncheckedIndexedAccess: true,
      exactOptionalPropertyTypes: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      lib: ["lib.es2023.d.ts", "lib.dom.d.ts"],
      types: [],
      noEmit: true,
      skipLibCheck: false,
    });
    // The consumer and the package's declarations it reaches, fully checked (lib.dom and Zod as used).
    const declarations = program.getSourceFiles().filter((file) => file.fileName.includes("/@loopgate/sdk/"));
    expect(declarations.length).toBeGreaterThan(0);
    expect(declarations.every((file) => file.isDeclarationFile)).toBe(true);
    const diagnostics = [program.getSourceFile(join(project, "consumer.ts"))!, ...declarations].flatMap(
      (file) => [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)],
    );
    expect(ts.formatDiagnostics([...program.getOptionsDiagnostics(), ...diagnostics], formatHost)).toBe("");
  });
});

const formatHost: ts.FormatDiagnosticsHost = {
  getCanonicalFileName: (fileName) => fileName,
  getCurrentDirectory: () => project,
  getNewLine: () => "\n",
};

/** The package a loaded file belongs to: the last `node_modules/` in its path. */
function packageOf(url: string): string {
  const path = new URL(url).pathname;
  const at = path.lastIndexOf("/node_modules/");
  if (at === -1) return path;
  const [scope, name] = path.slice(at + "/node_modules/".length).split("/");
  return scope?.startsWith("@") ? `${scope}/${name}` : scope!;
}
