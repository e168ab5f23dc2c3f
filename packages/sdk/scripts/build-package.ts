/**
 * Builds `@loopgate/sdk` into `dist/`: a package that plain Node ≥ 20, bundlers and TypeScript can use,
 * with the JavaScript and declarations of `src/`, the modules of `@loopgate/core` the SDK imports
 * (`@loopgate/core/wire` for types, `@loopgate/core/grant-check` for `verifyGrant`) compiled into
 * `dist/core/`, and a package.json whose dependencies are exactly the packages the output imports. Run
 * by `npm install` at the repository root and by `npm run build -w @loopgate/sdk`.
 *
 * Nothing in the repository reads `dist/`: the workspace package points at `src/`, so tsx, vitest and
 * tsc always see the current source. `dist/` is what you install or pack for a project outside it.
 *
 *     node --import tsx packages/sdk/scripts/build-package.ts [outDir]
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type * as TS from "typescript";

// `require`, not `import`: importing TypeScript's 9 MB CommonJS file as a module makes Node scan it for
// its exports first, which costs more than the whole build.
const ts: typeof TS = createRequire(import.meta.url)("typescript");

const SDK_DIR = resolve(import.meta.dirname, "..");
const PACKAGES_DIR = dirname(SDK_DIR);
const CORE_DIR = join(PACKAGES_DIR, "core");
const ROOT_DIR = dirname(PACKAGES_DIR);
/** Where tsc would write (relative to it, the output path); every file is written to `outDir` instead. */
const EMIT_DIR = join(PACKAGES_DIR, ".emit");

/** The subpaths of `@loopgate/core` the SDK may import; anything else of core fails the build. */
const CORE_SUBPATHS = ["grant-check", "wire"] as const;

type Manifest = {
  name: string;
  version: string;
  description: string;
  license: string;
  exports: Record<string, string>;
  engines?: Record<string, string>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional: boolean }>;
};

/** What a build wrote: the package's directory and its dependencies (name → version range). */
export type BuiltPackage = { dir: string; dependencies: Record<string, string> };

/** Builds the package into `outDir` (emptied first) and returns what it wrote. */
export function buildPackage(outDir: string = join(SDK_DIR, "dist")): BuiltPackage {
  const sdk = readManifest(SDK_DIR);
  const core = readManifest(CORE_DIR);
  const coreEntries = new Map(
    CORE_SUBPATHS.map((subpath) => {
      const source = core.exports[`./${subpath}`];
      if (source === undefined) throw new Error(`@loopgate/core has no export "./${subpath}"`);
      return [`@loopgate/core/${subpath}`, join(CORE_DIR, source)];
    }),
  );
  const imported = new Set<string>();
  const specifiers = rewriteSpecifiers(coreEntries, imported);
  rmSync(outDir, { recursive: true, force: true });

  const write = (fileName: string, text: string) => {
    const target = join(outDir, outputPath(join(PACKAGES_DIR, relative(EMIT_DIR, fileName))));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
  };
  const transformers = { before: [specifiers], afterDeclarations: [specifiers] };
  // Neither program is checked (that is `npm run typecheck`'s job); they only emit.
  // The SDK's declarations need no inference (it keeps to `isolatedDeclarations`), so its program reads
  // its own files only: no lib, no package — not the adapters' frameworks' (large) types, not core's.
  const sdkProgram = ts.createProgram(
    Object.values(sdk.exports).map((source) => join(SDK_DIR, source)),
    { ...COMPILER_OPTIONS, lib: undefined, noLib: true, isolatedDeclarations: true },
    hostResolvingRelativeOnly(),
  );
  // Core's wire declarations are inferred from the Zod schemas, so its program loads Zod's types.
  const coreProgram = ts.createProgram([...coreEntries.values()], COMPILER_OPTIONS);
  const problems: TS.Diagnostic[] = [];
  for (const program of [sdkProgram, coreProgram]) {
    const emitted = program.emit(undefined, write, undefined, false, transformers);
    problems.push(...program.getOptionsDiagnostics(), ...emitted.diagnostics);
  }
  if (problems.length > 0) throw new Error(ts.formatDiagnostics(problems, formatHost));

  const dependencies = dependenciesOf(imported, sdk, core);
  writeFileSync(join(outDir, "package.json"), `${JSON.stringify(manifestOf(sdk, dependencies), null, 2)}\n`);
  cpSync(join(SDK_DIR, "README.md"), join(outDir, "README.md"));
  return { dir: outDir, dependencies };
}

const COMPILER_OPTIONS: TS.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  lib: ["lib.es2023.d.ts"],
  types: [],
  declaration: true,
  verbatimModuleSyntax: true,
  noCheck: true,
  skipLibCheck: true,
  rootDir: PACKAGES_DIR,
  outDir: EMIT_DIR,
};

/** Where a file of `src/` goes in the package: the SDK's at the top, core's under `core/`. */
function outputPath(source: string): string {
  const [pkg, src, ...rest] = relative(PACKAGES_DIR, source).split(sep);
  if (src !== "src" || (pkg !== "sdk" && pkg !== "core")) throw new Error(`unexpected source ${source}`);
  return pkg === "sdk" ? join(...rest) : join("core", ...rest);
}

/**
 * Points imports of core's subpaths at their copies in `dist/core/` and relative imports at `.js` (in
 * JavaScript and declarations alike), and records every other package the output imports.
 */
function rewriteSpecifiers(
  coreEntries: Map<string, string>,
  imported: Set<string>,
): TS.CustomTransformerFactory {
  return (context) => ({
    transformSourceFile: (sourceFile) => rewrite(context, sourceFile),
    transformBundle: (bundle) => bundle,
  });

  function rewrite(context: TS.TransformationContext, sourceFile: TS.SourceFile): TS.SourceFile {
    const from = dirname(outputPath(sourceFile.fileName));
    const specifier = (text: string): TS.StringLiteral | undefined => {
      if (text.startsWith(".")) {
        return text.endsWith(".ts")
          ? ts.factory.createStringLiteral(text.replace(/\.ts$/, ".js"))
          : undefined;
      }
      const source = coreEntries.get(text);
      if (source !== undefined) {
        const target = relative(from, outputPath(source)).split(sep).join("/").replace(/\.ts$/, ".js");
        return ts.factory.createStringLiteral(target.startsWith(".") ? target : `./${target}`);
      }
      if (text.startsWith("@loopgate/")) {
        const allowed = [...coreEntries.keys()].join(", ");
        throw new Error(`${sourceFile.fileName} imports "${text}"; the SDK may import ${allowed}`);
      }
      imported.add(packageName(text));
      return undefined;
    };
    const visit = (child: TS.Node): TS.Node => {
      const { factory } = context;
      if (ts.isImportDeclaration(child) && ts.isStringLiteral(child.moduleSpecifier)) {
        const target = specifier(child.moduleSpecifier.text);
        if (target === undefined) return child;
        return factory.updateImportDeclaration(
          child,
          child.modifiers,
          child.importClause,
          target,
          child.attributes,
        );
      }
      if (
        ts.isExportDeclaration(child) &&
        child.moduleSpecifier &&
        ts.isStringLiteral(child.moduleSpecifier)
      ) {
        const target = specifier(child.moduleSpecifier.text);
        if (target === undefined) return child;
        return factory.updateExportDeclaration(
          child,
          child.modifiers,
          child.isTypeOnly,
          child.exportClause,
          target,
          child.attributes,
        );
      }
      if (
        ts.isImportTypeNode(child) &&
        ts.isLiteralTypeNode(child.argument) &&
        ts.isStringLiteral(child.argument.literal)
      ) {
        const target = specifier(child.argument.literal.text);
        if (target === undefined) return child;
        return factory.updateImportTypeNode(
          child,
          factory.createLiteralTypeNode(target),
          child.attributes,
          child.qualifier,
          child.typeArguments,
          child.isTypeOf,
        );
      }
      return ts.visitEachChild(child, visit, context);
    };
    return ts.visitEachChild(sourceFile, visit, context);
  }
}

/**
 * The built package's dependencies: each package its output imports, at the range of the workspace
 * package that declares it — core's dependencies (`@noble/*` at run time, `zod` for the wire types'
 * declarations), and the SDK's optional peers (the adapters' frameworks) staying peers.
 */
function dependenciesOf(imported: Set<string>, sdk: Manifest, core: Manifest): Record<string, string> {
  const dependencies: Record<string, string> = {};
  for (const name of [...imported].sort()) {
    if (sdk.peerDependencies?.[name] !== undefined) continue;
    const range = core.dependencies?.[name] ?? sdk.dependencies?.[name];
    if (range === undefined) throw new Error(`the SDK's output imports "${name}", which no package declares`);
    dependencies[name] = range;
  }
  return dependencies;
}

function manifestOf(sdk: Manifest, dependencies: Record<string, string>): object {
  const root = readManifest(ROOT_DIR);
  const exports = Object.fromEntries(
    Object.entries(sdk.exports).map(([subpath, source]) => {
      const built = `./${source.replace(/^\.\/src\//, "").replace(/\.ts$/, "")}`;
      return [subpath, { types: `${built}.d.ts`, default: `${built}.js` }];
    }),
  );
  return {
    name: sdk.name,
    version: sdk.version,
    description: sdk.description,
    type: "module",
    license: sdk.license,
    engines: root.engines,
    exports,
    sideEffects: false,
    dependencies,
    peerDependencies: sdk.peerDependencies,
    peerDependenciesMeta: sdk.peerDependenciesMeta,
  };
}

/** A compiler host that resolves relative imports only: a bare specifier stays as written, unread. */
function hostResolvingRelativeOnly(): TS.CompilerHost {
  const host = ts.createCompilerHost(COMPILER_OPTIONS);
  host.resolveModuleNameLiterals = (literals, containingFile, redirected, options) =>
    literals.map(({ text }) =>
      text.startsWith(".")
        ? ts.resolveModuleName(text, containingFile, options, host, undefined, redirected)
        : { resolvedModule: undefined },
    );
  return host;
}

function packageName(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}

function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Manifest;
}

const formatHost: TS.FormatDiagnosticsHost = {
  getCanonicalFileName: (fileName) => fileName,
  getCurrentDirectory: () => ROOT_DIR,
  getNewLine: () => "\n",
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const { dir } = buildPackage(process.argv[2] === undefined ? undefined : resolve(process.argv[2]));
  console.log(
    `@loopgate/sdk built into ${relative(process.cwd(), dir) || "."} in ${Math.round(performance.now() - started)} ms`,
  );
}
