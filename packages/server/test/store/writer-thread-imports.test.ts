import { readFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const STORE = resolve(dirname(fileURLToPath(import.meta.url)), "../../src/store");
const CORE = resolve(dirname(fileURLToPath(import.meta.url)), "../../../core/src");

/**
 * The module specifiers a file loads at run time: imports and re-exports that are not type-only
 * (`import type`, `export type`, or every named binding marked `type`), which TypeScript erases.
 */
function valueImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022);
  const specifiers: string[] = [];
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      if (clause?.isTypeOnly) continue;
      const named = clause?.namedBindings;
      const onlyTypes =
        clause !== undefined &&
        clause.name === undefined &&
        named !== undefined &&
        ts.isNamedImports(named) &&
        named.elements.length > 0 &&
        named.elements.every((element) => element.isTypeOnly);
      if (!onlyTypes) specifiers.push((statement.moduleSpecifier as ts.StringLiteral).text);
    } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier !== undefined) {
      if (!statement.isTypeOnly) specifiers.push((statement.moduleSpecifier as ts.StringLiteral).text);
    }
  }
  return specifiers;
}

/** Every package loaded from `entry` (a file under `root`), by the module that loads it. */
function packagesLoadedFrom(
  entry: string,
  root = STORE,
): { modules: string[]; packages: Map<string, string> } {
  const seen = new Set<string>();
  const packages = new Map<string, string>();
  const pending = [resolve(root, entry)];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const specifier of valueImports(file)) {
      if (specifier.startsWith(".")) pending.push(resolve(dirname(file), specifier));
      else packages.set(specifier, relative(root, file));
    }
  }
  return { modules: [...seen].map((file) => relative(root, file)), packages };
}

describe("the embedded store's threads", () => {
  it("the writer loads only core's commit entry, not the whole of core", () => {
    const { modules, packages } = packagesLoadedFrom("sqlite-writer-worker.ts");
    // The walk reaches the transaction code, so a regression there would be seen.
    expect(modules).toEqual(
      expect.arrayContaining(["group-commit.ts", "apply-change.ts", "metric-rollups.ts"]),
    );
    expect(packages.has("@loopgate/core/commit")).toBe(true);
    // Core's schemas, policy compiler and CEL runtime would add ~14 MB to the writer's heap, which
    // each of its major garbage collections marks while commits wait (docs/benchmarks.md).
    expect(packages.get("@loopgate/core"), "a value import of @loopgate/core in the writer's modules").toBe(
      undefined,
    );
    expect([...packages.keys()].filter((name) => !name.startsWith("node:")).sort()).toEqual([
      "@loopgate/core/commit",
      "better-sqlite3",
    ]);
  });

  it("core's commit entry loads no schema library, policy compiler or CEL runtime", () => {
    const { modules, packages } = packagesLoadedFrom("commit.ts", CORE);
    expect(modules).toEqual(
      expect.arrayContaining(["audit/seal-audit-entry.ts", "learning/metric-buckets.ts"]),
    );
    expect([...packages.keys()].sort()).toEqual(["@noble/hashes/sha2.js", "@noble/hashes/utils.js"]);
  });

  it("the checkpointer loads no more of core than the writer", () => {
    const { packages } = packagesLoadedFrom("sqlite-checkpointer-worker.ts");
    expect([...packages.keys()].filter((name) => !name.startsWith("node:")).sort()).toEqual([
      "@loopgate/core/commit",
      "better-sqlite3",
    ]);
  });
});
