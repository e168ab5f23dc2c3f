import { isScalar, LineCounter, parseDocument, Scalar } from "yaml";
import type { z } from "zod";
import { checkCanaries } from "./canary-document.ts";
import { type CelCompileError, compileCondition } from "./cel-condition.ts";
import type { ActionTypeSettings, CompiledPolicy, CompiledRule, QueueSettings } from "./compiled-policy.ts";
import { PolicyDocument } from "./document.ts";
import type { CompiledOverload } from "./overload.ts";
import { compilePayloadSchema, createSchemaCompiler, type PayloadValidator } from "./payload-schema.ts";
import { rememberPayloadValidators } from "./payload-validation.ts";
import { checkPolicyDocument } from "./policy-checks.ts";
import { formatPolicyPath, type PolicyProblem, PolicySourceMap } from "./policy-problem.ts";
import { namedQueues, resolveActionType, resolveQueue } from "./settings.ts";

/** The outcome of loading a policy file: the compiled policy, or every problem found in it. */
export type LoadPolicyResult =
  | { ok: true; policy: CompiledPolicy }
  | { ok: false; problems: PolicyProblem[] };

/**
 * Reads a policy file: parses the YAML, validates it against `PolicyDocument`, checks references and safety
 * rules, compiles every rule's CEL and every payload schema. Do this once per policy version and keep the
 * result; routing then only evaluates. Problems carry the YAML line and column and say what to do.
 * `stored: true` reads back a version the store already accepted: conditions are not judged again for
 * mistakes a later release learned to see (a `when` that can never be true or false), so an upgrade never
 * stops a stored policy from loading.
 *
 * @example
 * ```ts
 * const result = loadPolicy(text, { version: 7 });
 * if (!result.ok) for (const p of result.problems) console.log(`${p.line}:${p.column} ${p.path}: ${p.message}`);
 * else routeProposal(result.policy, input);
 * ```
 */
export function loadPolicy(text: string, options: { version: number; stored?: boolean }): LoadPolicyResult {
  const cel = { checkKinds: options.stored !== true };
  const lines = new LineCounter();
  const yaml = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const source = new PolicySourceMap(yaml, lines);
  if (yaml.errors.length > 0) {
    return {
      ok: false,
      problems: yaml.errors.map((error) => ({
        path: formatPolicyPath([]),
        ...source.offsetPosition(error.pos[0]),
        message: `invalid YAML: ${error.message.replace(/ at line \d+, column \d+.*$/s, "")}`,
      })),
    };
  }
  let raw: unknown;
  try {
    raw = yaml.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // Only an alias bomb (excessive alias expansion) gets here; the parse itself succeeded.
    return { ok: false, problems: [source.problem([], `invalid YAML: ${(error as Error).message}`)] };
  }
  if (raw === null || raw === undefined) {
    return { ok: false, problems: [source.problem([], "the policy is empty: start it with version: 1")] };
  }
  const parsed = PolicyDocument.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.flatMap((issue) => fromZod(issue, raw, source));
    // The rules' conditions are still worth judging, so a file is not fixed in two rounds.
    problems.push(...rawConditionProblems(raw, problems, cel, source, text));
    return { ok: false, problems: sortProblems(problems) };
  }
  const document = parsed.data;

  const problems = checkPolicyDocument(document, source);
  const rules: CompiledRule[] = [];
  for (const [index, rule] of document.rules.entries()) {
    const compiled = compileCondition(rule.when, cel);
    if (!compiled.ok) {
      problems.push(celProblem(["rules", index, "when"], compiled.error, source, text));
      continue;
    }
    rules.push({
      id: rule.id,
      when: rule.when,
      route: rule.route,
      queue: rule.queue ?? null,
      reason: rule.reason ?? null,
      priority: rule.priority ?? null,
      condition: compiled.condition,
    });
  }
  const overload = new Map<string, CompiledOverload>();
  for (const [queue, section] of Object.entries(document.overload)) {
    const capacity = document.queues[queue]?.capacity;
    if (capacity === undefined) {
      problems.push(
        source.problem(["overload", queue], `queue ${queue} has no capacity: add queues.${queue}.capacity`, {
          key: true,
        }),
      );
    }
    let autoWhen: CompiledOverload["autoWhen"] = null;
    if (section.autoWhen !== undefined) {
      const compiled = compileCondition(section.autoWhen, cel);
      if (!compiled.ok) {
        problems.push(celProblem(["overload", queue, "autoWhen"], compiled.error, source, text));
        continue;
      }
      autoWhen = { text: section.autoWhen, condition: compiled.condition };
    }
    overload.set(queue, {
      queue,
      autoWhen,
      pauseAgents: new Set(section.pauseAgents ?? []),
      raisePriority: section.raisePriority ?? 0,
    });
  }
  const compiler = createSchemaCompiler();
  const validators = new Map<string, PayloadValidator>();
  const actionTypes = new Map<string, ActionTypeSettings>();
  for (const [name, action] of Object.entries(document.actions)) {
    actionTypes.set(name, Object.freeze(resolveActionType(document, name, action)));
    if (action.payload === undefined) continue;
    const compiled = compilePayloadSchema(compiler, action.payload);
    if (compiled.ok) validators.set(name, compiled.validate);
    else {
      for (const problem of compiled.problems) {
        problems.push(source.problem(["actions", name, "payload", ...problem.path], problem.message));
      }
    }
  }
  const actionNames = [...actionTypes.keys()];
  const canaryContext = { actionTypes: actionNames, queues: namedQueues(document), validators };
  problems.push(...checkCanaries(document.canaries, canaryContext, source));
  if (problems.length > 0) return { ok: false, problems: sortProblems(problems) };

  const queues = new Map<string, QueueSettings>();
  for (const name of namedQueues(document)) queues.set(name, Object.freeze(resolveQueue(document, name)));
  const policy: CompiledPolicy = Object.freeze({
    version: options.version,
    document,
    actionTypes,
    queues,
    rules: Object.freeze(rules),
    overload,
    examples: Object.freeze(document.examples),
    categories: Object.freeze(document.categories),
    ...(document.signals?.topics === undefined ? {} : { topics: document.signals.topics }),
  });
  rememberPayloadValidators(policy, validators);
  return { ok: true, policy };
}

/** Turns one Zod issue into problems: one per unknown field, pointed at the field's key. */
function fromZod(issue: z.core.$ZodIssue, raw: unknown, source: PolicySourceMap): PolicyProblem[] {
  const path = issue.path;
  if (issue.code !== "unrecognized_keys" && issue.code !== "custom" && isMissing(raw, path)) {
    return [source.problem(path, `is required: add ${String(path.at(-1) ?? "it")}`)];
  }
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((key) =>
        source.problem([...path, key], `unknown field "${key}": remove it or check its spelling`, {
          key: true,
        }),
      );
    case "invalid_key":
      return [
        source.problem(path, `invalid name: ${issue.issues[0]?.message ?? issue.message}`, { key: true }),
      ];
    case "invalid_type":
      return [source.problem(path, friendlyTypeMessage(issue.message, issue.expected))];
    case "invalid_value":
      if (issue.values.length > 1 && issue.message.startsWith("Invalid option")) {
        return [source.problem(path, `must be one of: ${issue.values.map(String).join(", ")}`)];
      }
      return [source.problem(path, issue.message)];
    default:
      return [source.problem(path, issue.message)];
  }
}

/** Whether the last key of `path` is absent from its parent in the raw document (a required field left out). */
function isMissing(raw: unknown, path: readonly PropertyKey[]): boolean {
  if (path.length === 0) return false;
  let parent: unknown = raw;
  for (const segment of path.slice(0, -1)) {
    if (typeof parent !== "object" || parent === null) return false;
    parent = (parent as Record<PropertyKey, unknown>)[segment];
  }
  return typeof parent === "object" && parent !== null && !Object.hasOwn(parent, path.at(-1) as PropertyKey);
}

function friendlyTypeMessage(message: string, expected: string): string {
  if (!message.startsWith("Invalid input")) return message;
  const article = /^[aeiou]/.test(expected) ? "an" : "a";
  return `must be ${article} ${expected === "record" ? "map" : expected}`;
}

/**
 * Positions a CEL compile error in the YAML text. On a one-line `when` the column is exact; in a literal
 * block (`when: |`) the expression's lines are the file's lines; otherwise the problem points at the `when`.
 */
/**
 * The CEL problems of the rules of a document that failed validation elsewhere: each rule's `when` that
 * is a string and has no problem of its own yet.
 */
function rawConditionProblems(
  raw: unknown,
  found: readonly PolicyProblem[],
  cel: { checkKinds: boolean },
  source: PolicySourceMap,
  text: string,
): PolicyProblem[] {
  const rules = (raw as { rules?: unknown } | null)?.rules;
  if (!Array.isArray(rules)) return [];
  const problems: PolicyProblem[] = [];
  for (const [index, rule] of rules.entries()) {
    const when = (rule as { when?: unknown } | null)?.when;
    const path = formatPolicyPath(["rules", index, "when"]);
    if (typeof when !== "string" || found.some((problem) => problem.path === path)) continue;
    const compiled = compileCondition(when, cel);
    if (!compiled.ok) problems.push(celProblem(["rules", index, "when"], compiled.error, source, text));
  }
  return problems;
}

function celProblem(
  path: (string | number)[],
  error: CelCompileError,
  source: PolicySourceMap,
  text: string,
): PolicyProblem {
  const problem = source.problem(path, error.message);
  const node = source.node(path);
  if (
    !isScalar(node) ||
    node.range == null ||
    error.line === null ||
    error.column === null ||
    problem.line === null
  ) {
    return problem;
  }
  const quoted = node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE;
  if ((node.type === Scalar.PLAIN || quoted) && error.line === 1 && problem.column !== null) {
    return { ...problem, column: problem.column + (quoted ? 1 : 0) + error.column - 1 };
  }
  if (node.type === Scalar.BLOCK_LITERAL) {
    const line = problem.line + error.line;
    const lineText = text.split("\n")[line - 1] ?? "";
    const indent = lineText.length - lineText.trimStart().length;
    return { ...problem, line, column: indent + error.column };
  }
  return problem;
}

function sortProblems(problems: PolicyProblem[]): PolicyProblem[] {
  return problems.sort((a, b) => (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER));
}
