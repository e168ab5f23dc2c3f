import type { parse } from "@bufbuild/cel";

/** A parsed CEL expression node (the cel-spec `Expr` message). */
type Expr = ReturnType<typeof parse>["expr"];

/**
 * What a sub-expression is known to give, when that can be told without running it; `value` is a
 * result of arithmetic on input of unknown kind — certainly not a bool, but which kind depends.
 */
type Kind = "bool" | "number" | "string" | "list" | "map" | "null" | "bytes" | "value";

/** Variables whose kind the policy language fixes (docs/policy.md, "CEL variables"); `null` aside. */
const KNOWN_PATHS: ReadonlyMap<string, Kind> = new Map<string, Kind>([
  ["action.type", "string"],
  ["agent.id", "string"],
  ["agent.name", "string"],
  ["summary", "string"],
  ["evidence", "list"],
  ["toolCalls", "list"],
  ["confidence", "number"],
  ["agentConfidence", "number"],
  ["thresholds.auto", "number"],
  ["signals.topics", "list"],
  ["signals.grounding", "number"],
  ["signals.sentiment", "number"],
  ["signals.amount", "number"],
  ["signals.novelty", "number"],
  ["signals.agentConfidence", "number"],
  ["signals.history.overrideRate", "number"],
  ["signals.bypass", "bool"],
  ["signals.pii.email", "bool"],
  ["signals.pii.phone", "bool"],
  ["signals.pii.cardNumber", "bool"],
  ["signals.pii.iban", "bool"],
  ["signals.pii.nationalId", "bool"],
  ["signals.pii.any", "bool"],
]);

const ARITHMETIC = new Set(["_+_", "_-_", "_*_", "_/_", "_%_", "-_"]);
const ORDERING = new Set(["_<_", "_<=_", "_>_", "_>=_"]);
const EQUALITY = new Set(["_==_", "_!=_"]);
const BOOLEAN_CALLS = new Set([
  ...ORDERING,
  ...EQUALITY,
  "_&&_",
  "_||_",
  "!_",
  "@in",
  "@not_strictly_false",
  "startsWith",
  "endsWith",
  "contains",
  "matches",
]);

/**
 * Finds the mistakes in a condition that need no run to see: a `when` whose value can only be a number,
 * a string, a list or a map (`action.payload.amount + 1`, `"x"`), and a comparison between values of
 * kinds that can never compare (`signals.grounding >= "high"`). Returns what is wrong and what to write,
 * or null. Only what is certain is reported — a payload field or an agent's own signal may hold anything,
 * so those are never judged.
 *
 * @example
 * ```ts
 * notACondition(parse("action.payload.amount + 1").expr); // "gives a number, not true or false: …"
 * notACondition(parse('signals.grounding >= "high"').expr); // "compares signals.grounding (a number) with a string …"
 * notACondition(parse("action.payload.amount > 100").expr); // null
 * ```
 */
export function notACondition(root: Expr | undefined): string | null {
  const mismatch = firstMismatch(root);
  if (mismatch !== null) return mismatch;
  const kind = kindOf(root);
  if (kind === null || kind === "bool") return null;
  return `gives ${article(kind)}, not true or false: compare it, e.g. action.payload.amount > 100, or test it, e.g. "legal" in signals.topics`;
}

/** The first comparison anywhere in the expression whose two sides can never compare. */
function firstMismatch(node: Expr | undefined): string | null {
  if (node === undefined) return null;
  const kind = node.exprKind;
  if (kind.case === "callExpr") {
    const { function: name, args } = kind.value;
    if ((ORDERING.has(name) || EQUALITY.has(name)) && args.length === 2) {
      const [left, right] = args as [Expr, Expr];
      const problem = comparison(name, left, right);
      if (problem !== null) return problem;
    }
    for (const child of [kind.value.target, ...args]) {
      const found = firstMismatch(child);
      if (found !== null) return found;
    }
    return null;
  }
  if (kind.case === "selectExpr") return firstMismatch(kind.value.operand);
  if (kind.case === "listExpr") {
    for (const child of kind.value.elements) {
      const found = firstMismatch(child);
      if (found !== null) return found;
    }
  }
  // Inside a comprehension (`exists`, `all`, …) the loop variables are unknown: nothing certain there.
  return null;
}

function comparison(name: string, left: Expr, right: Expr): string | null {
  const a = kindOf(left);
  const b = kindOf(right);
  if (a === null || b === null || a === "value" || b === "value" || a === b) return null;
  // Every variable above may be null; comparing one with null for (in)equality is how it is guarded.
  if (EQUALITY.has(name) && (a === "null" || b === "null")) return null;
  const named = pathOf(left) ?? pathOf(right);
  const subject = named === null ? `${article(a)}` : `${named} (${article(named === pathOf(left) ? a : b)})`;
  const other = named === null ? article(b) : article(named === pathOf(left) ? b : a);
  return `compares ${subject} with ${other}, and values of different kinds never compare: compare like with like, e.g. signals.grounding >= 0.8`;
}

/** What `node` gives, when certain; null when it depends on the input. */
function kindOf(node: Expr | undefined): Kind | null {
  if (node === undefined) return null;
  const kind = node.exprKind;
  switch (kind.case) {
    case "constExpr":
      switch (kind.value.constantKind.case) {
        case "boolValue":
          return "bool";
        case "int64Value":
        case "uint64Value":
        case "doubleValue":
          return "number";
        case "stringValue":
          return "string";
        case "bytesValue":
          return "bytes";
        case "nullValue":
          return "null";
        default:
          return null;
      }
    case "identExpr":
    case "selectExpr": {
      if (kind.case === "selectExpr" && kind.value.testOnly) return "bool";
      const path = pathOf(node);
      return path === null ? null : (KNOWN_PATHS.get(path) ?? null);
    }
    case "callExpr": {
      const name = kind.value.function;
      if (BOOLEAN_CALLS.has(name)) return "bool";
      if (ARITHMETIC.has(name)) {
        const kinds = kind.value.args.map(kindOf);
        if (kinds.every((k) => k === "number")) return "number";
        return kinds.every((k) => k === "string") ? "string" : "value";
      }
      return name === "size" ? "number" : null;
    }
    case "listExpr":
      return "list";
    case "structExpr":
      return kind.value.messageName === "" ? "map" : null;
    default:
      return null;
  }
}

/** `signals.pii.any` for a chain of field selections on a variable, else null. */
function pathOf(node: Expr): string | null {
  const kind = node.exprKind;
  if (kind.case === "identExpr") return kind.value.name;
  if (kind.case === "selectExpr" && !kind.value.testOnly && kind.value.operand !== undefined) {
    const base = pathOf(kind.value.operand);
    return base === null ? null : `${base}.${kind.value.field}`;
  }
  return null;
}

function article(kind: Kind): string {
  switch (kind) {
    case "null":
      return "null";
    case "bool":
      return "a bool";
    case "value":
      return "a computed value";
    default:
      return `a ${kind}`;
  }
}
