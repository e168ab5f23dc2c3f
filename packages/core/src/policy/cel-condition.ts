import { type CelEnv, type CelInput, type CelResult, celEnv, isCelError, parse, plan } from "@bufbuild/cel";
import { strings } from "@bufbuild/cel/ext";
import { notACondition } from "./cel-kinds.ts";

/**
 * The variables a rule's `when` may use (SPEC §4). Anything else is reported when the policy loads,
 * because at run time an unknown name would only surface as an evaluation error on every proposal.
 */
export const CEL_VARIABLES: readonly string[] = Object.freeze([
  "action",
  "request",
  "summary",
  "evidence",
  "toolCalls",
  "context",
  "agent",
  "signals",
  "agentConfidence",
  "confidence",
  "thresholds",
]);

/** Type names CEL resolves as identifiers, e.g. in `type(x) == double`. */
const CEL_TYPE_IDENTIFIERS = new Set([
  "int",
  "uint",
  "double",
  "bool",
  "string",
  "bytes",
  "list",
  "map",
  "null_type",
  "type",
  "dyn",
]);

/** The values bound to `CEL_VARIABLES` for one evaluation. */
export type CelBindings = Record<string, CelInput>;

/** A `when` condition, parsed and planned once per policy version. */
export type CelCondition = (bindings: CelBindings) => CelResult;

/** Why a `when` did not compile, positioned inside the expression text (1-based). */
export interface CelCompileError {
  message: string;
  line: number | null;
  column: number | null;
}

let sharedEnv: CelEnv | undefined;

/** The CEL environment: the standard library plus the string extensions (`lowerAscii`, `indexOf`, …). */
function env(): CelEnv {
  sharedEnv ??= celEnv({ funcs: strings });
  return sharedEnv;
}

/**
 * Parses and plans a CEL condition, and checks that it names only the policy's variables and can give
 * true or false (see {@link notACondition}; `checkKinds: false` skips that, for a policy stored before the
 * check existed).
 *
 * @example
 * ```ts
 * const compiled = compileCondition('action.payload.amount > 100');
 * if (compiled.ok) compiled.condition({ action: { type: "billing.refund", payload: { amount: 150 } } }); // true
 * compileCondition("action.payload.amount >"); // { ok: false, error: { message: "invalid CEL: …", line: 1, column: 23 } }
 * compileCondition("signal.pii.any"); // { ok: false, error: { message: 'unknown variable "signal": use action, …' } }
 * compileCondition("action.payload.amount + 1"); // { ok: false, error: { message: "gives a computed value, not true or false: …" } }
 * ```
 */
export function compileCondition(
  source: string,
  options: { checkKinds?: boolean } = {},
): { ok: true; condition: CelCondition } | { ok: false; error: CelCompileError } {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(source);
  } catch (error) {
    const location = (error as { location?: { start?: { line?: number; column?: number } } }).location?.start;
    return {
      ok: false,
      error: {
        message: `invalid CEL: ${stripLocation((error as Error).message)}`,
        line: location?.line ?? null,
        column: location?.column ?? null,
      },
    };
  }
  const unknown = { variables: new Set<string>(), functions: new Set<string>() };
  collectUnknownNames(parsed.expr, new Set(), unknown);
  if (unknown.variables.size > 0 || unknown.functions.size > 0) {
    const quoted = (names: Set<string>) => [...names].map((name) => `"${name}"`).join(", ");
    const parts = [
      unknown.variables.size > 0
        ? `unknown variable ${quoted(unknown.variables)}: use ${CEL_VARIABLES.join(", ")}`
        : null,
      unknown.functions.size > 0
        ? `unknown function ${quoted(unknown.functions)}: see the CEL standard library and string extensions`
        : null,
    ];
    return {
      ok: false,
      error: { message: parts.filter((part) => part !== null).join("; "), line: null, column: null },
    };
  }
  const wrong = options.checkKinds === false ? null : notACondition(parsed.expr);
  if (wrong !== null) return { ok: false, error: { message: wrong, line: null, column: null } };
  try {
    const evaluate = plan(env(), parsed);
    return { ok: true, condition: (bindings) => evaluate(bindings) };
  } catch (error) {
    return {
      ok: false,
      error: { message: `invalid CEL: ${(error as Error).message}`, line: null, column: null },
    };
  }
}

/**
 * The outcome of evaluating a condition: `true`/`false`, or why it could not give a boolean. The error text
 * ends with a hint for the mistakes people make most (a null value, a missing field, int/double arithmetic).
 */
export function evaluateCondition(
  condition: CelCondition,
  bindings: CelBindings,
): { ok: true; value: boolean } | { ok: false; error: string } {
  let result: CelResult;
  try {
    result = condition(bindings);
  } catch (error) {
    // The evaluator reports errors as values; a throw is a bug in it, and still must fail closed.
    result = error as CelResult;
  }
  if (typeof result === "boolean") return { ok: true, value: result };
  if (isCelError(result) || result instanceof Error) return { ok: false, error: explain(result.message) };
  return { ok: false, error: `gave ${describeValue(result)}, not true or false` };
}

function explain(message: string): string {
  if (message.includes("null_type")) {
    return `${message} (a value is null here: guard it, e.g. signals.grounding != null && signals.grounding >= 0.8)`;
  }
  if (message.startsWith("field not found")) {
    return `${message} (the field is missing: guard it with has(), e.g. has(action.payload.amount) && …)`;
  }
  if (/\((double, int|int, double)\)/.test(message)) {
    return `${message} (JSON numbers are doubles in CEL: write 2.0 instead of 2, or convert with double(…))`;
  }
  return message;
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "bigint") return `the number ${value}`;
  if (typeof value === "string") return `the string "${value.slice(0, 40)}"`;
  return `a ${typeof value === "object" ? "list or map" : typeof value}`;
}

/** Drops the `<input>:1:29: ` prefix: the problem already carries the position. */
function stripLocation(message: string): string {
  return message.replace(/^<input>:\d+:\d+:\s*/, "");
}

/** A parsed CEL expression node (the cel-spec `Expr` message), named without importing cel-spec. */
type Expr = ReturnType<typeof parse>["expr"];

/**
 * Collects names the environment cannot resolve: identifiers that are neither policy variables, type names
 * nor bound by a macro such as `exists`, and functions that do not exist. Operators (`_&&_`, `_[_]`,
 * `@not_strictly_false`) are planned specially and skipped.
 */
function collectUnknownNames(
  node: Expr | undefined,
  bound: ReadonlySet<string>,
  unknown: { variables: Set<string>; functions: Set<string> },
): void {
  if (node === undefined) return;
  const kind = node.exprKind;
  switch (kind.case) {
    case "identExpr": {
      const { name } = kind.value;
      if (!CEL_VARIABLES.includes(name) && !CEL_TYPE_IDENTIFIERS.has(name) && !bound.has(name)) {
        unknown.variables.add(name);
      }
      return;
    }
    case "selectExpr":
      collectUnknownNames(kind.value.operand, bound, unknown);
      return;
    case "callExpr": {
      const name = kind.value.function;
      if (!/^[_@]/.test(name) && env().funcs.find(name) === undefined) unknown.functions.add(name);
      for (const child of [kind.value.target, ...kind.value.args]) collectUnknownNames(child, bound, unknown);
      return;
    }
    case "listExpr":
      for (const child of kind.value.elements) collectUnknownNames(child, bound, unknown);
      return;
    case "structExpr":
      for (const entry of kind.value.entries) {
        if (entry.keyKind.case === "mapKey") collectUnknownNames(entry.keyKind.value, bound, unknown);
        collectUnknownNames(entry.value, bound, unknown);
      }
      return;
    case "comprehensionExpr": {
      const loop = kind.value;
      const inner = new Set([...bound, loop.iterVar, loop.iterVar2, loop.accuVar]);
      collectUnknownNames(loop.iterRange, bound, unknown);
      collectUnknownNames(loop.accuInit, bound, unknown);
      collectUnknownNames(loop.loopCondition, inner, unknown);
      collectUnknownNames(loop.loopStep, inner, unknown);
      collectUnknownNames(loop.result, inner, unknown);
      return;
    }
    default:
      return;
  }
}
