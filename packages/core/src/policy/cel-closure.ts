import { parse } from "@bufbuild/cel";

/**
 * A rule's `when` as a plain JavaScript closure over the proposal's JSON values, so routing does not
 * convert every proposal to CEL values and walk twenty planned expressions for it.
 *
 * The closure decides only what it can decide exactly as `@bufbuild/cel` does, and answers
 * {@link UNSURE} for everything else, which the caller then evaluates with CEL. Decided: literals,
 * variables, field selection on maps, `has()` and `key in map` (a key whose value is null counts as
 * absent, as the evaluator's maps have it), `&&`, `||` (commutative over errors: `false && error` is
 * false), `!`, `==`/`!=` between scalars (numbers across int and double by value; other kinds only equal
 * to the same kind and value; different kinds unequal), `<` `<=` `>` `>=` between numbers, `x in list`
 * over scalars, and `size()` of a string (code points), list or map. Unsure: a missing field, a null
 * compared, anything on lists or maps beyond the above — every case where CEL gives an error, whose
 * message the caller must report. A `when` using anything else (macros, arithmetic, other functions)
 * compiles to null: it is always evaluated by CEL.
 */

/** The closure could not decide: evaluate the rule with CEL. */
export const UNSURE: unique symbol = Symbol("unsure");
type Unsure = typeof UNSURE;

/** The variables as plain JSON values (what `celBindings` converts for CEL). */
export type PlainBindings = Readonly<Record<string, unknown>>;

/** A compiled `when`: true or false when certain, else {@link UNSURE}. */
export type CelClosure = (bindings: PlainBindings) => boolean | Unsure;

type Node = (bindings: PlainBindings) => unknown;
type Expr = ReturnType<typeof parse>["expr"];

class Unsupported extends Error {}

/** Compiles a `when` text, or returns null when it uses anything outside the decided subset. */
export function compileCelClosure(source: string): CelClosure | null {
  let node: Node;
  try {
    node = compile(parse(source).expr);
  } catch {
    return null;
  }
  return (bindings) => {
    const value = node(bindings);
    return typeof value === "boolean" ? value : UNSURE;
  };
}

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
const isNumber = (v: unknown): v is number | bigint => typeof v === "number" || typeof v === "bigint";
const isScalar = (v: unknown): boolean =>
  v === null || typeof v === "boolean" || typeof v === "string" || isNumber(v);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function compile(expr: Expr | undefined): Node {
  if (expr === undefined) throw new Unsupported();
  const kind = expr.exprKind;
  switch (kind.case) {
    case "constExpr": {
      const constant = kind.value.constantKind;
      switch (constant.case) {
        case "boolValue":
        case "stringValue":
        case "doubleValue":
        case "int64Value": {
          const value = constant.value;
          return () => value;
        }
        case "nullValue":
          return () => null;
        default:
          throw new Unsupported();
      }
    }
    case "identExpr": {
      const { name } = kind.value;
      return (b) => (Object.hasOwn(b, name) ? b[name] : UNSURE);
    }
    case "selectExpr": {
      const operand = compile(kind.value.operand);
      const { field, testOnly } = kind.value;
      return testOnly ? (b) => hasKey(operand(b), field) : (b) => select(operand(b), field);
    }
    case "callExpr":
      return call(kind.value.function, kind.value.target, kind.value.args);
    default:
      throw new Unsupported();
  }
}

/** `map.field`: the value (null included); a missing field or a non-map is CEL's error to report. */
function select(target: unknown, field: string): unknown {
  if (!isMap(target) || !Object.hasOwn(target, field)) return UNSURE;
  const value = target[field];
  return value === undefined ? UNSURE : value;
}

/** `has(map.field)` and `"field" in map`: present with a value other than null. */
function hasKey(target: unknown, key: string): boolean | Unsure {
  if (!isMap(target)) return UNSURE;
  return Object.hasOwn(target, key) && target[key] !== undefined && target[key] !== null;
}

function call(name: string, target: Expr | undefined, args: readonly Expr[]): Node {
  if (name === "size") {
    if (target !== undefined && args.length > 0) throw new Unsupported();
    const operand = compile(target ?? (args.length === 1 ? args[0] : undefined));
    return (b) => size(operand(b));
  }
  if (target !== undefined) throw new Unsupported();
  if (args.length === 1 && name === "!_") {
    const operand = compile(args[0]);
    return (b) => {
      const v = operand(b);
      return typeof v === "boolean" ? !v : UNSURE;
    };
  }
  if (args.length !== 2) throw new Unsupported();
  const left = compile(args[0]);
  const right = compile(args[1]);
  switch (name) {
    case "_&&_":
      return (b) => {
        const l = left(b);
        if (l === false) return false;
        const r = right(b);
        if (r === false) return false;
        return l === true && r === true ? true : UNSURE;
      };
    case "_||_":
      return (b) => {
        const l = left(b);
        if (l === true) return true;
        const r = right(b);
        if (r === true) return true;
        return l === false && r === false ? false : UNSURE;
      };
    case "_==_":
      return (b) => equals(left(b), right(b));
    case "_!=_":
      return (b) => {
        const e = equals(left(b), right(b));
        return e === UNSURE ? UNSURE : !e;
      };
    case "_<_":
      return (b) => compare(left(b), right(b), (x, y) => x < y);
    case "_<=_":
      return (b) => compare(left(b), right(b), (x, y) => x <= y);
    case "_>_":
      return (b) => compare(left(b), right(b), (x, y) => x > y);
    case "_>=_":
      return (b) => compare(left(b), right(b), (x, y) => x >= y);
    case "@in":
      return (b) => contains(right(b), left(b));
    default:
      throw new Unsupported();
  }
}

/** CEL equality of two scalars: numbers by value across int and double (NaN unequal), else same kind and value. */
function equals(l: unknown, r: unknown): boolean | Unsure {
  if (l === UNSURE || r === UNSURE || !isScalar(l) || !isScalar(r)) return UNSURE;
  // biome-ignore lint/suspicious/noDoubleEquals: compares a double with an int by value, as CEL does.
  if (isNumber(l) && isNumber(r)) return l == r;
  return l === r;
}

/** Ordering of two numbers (doubles, or ints within ±2^53, mixed as CEL allows); anything else unsure. */
function compare(l: unknown, r: unknown, test: (x: number, y: number) => boolean): boolean | Unsure {
  const x = toNumber(l);
  const y = toNumber(r);
  if (x === null || y === null || Number.isNaN(x) || Number.isNaN(y)) return UNSURE;
  return test(x, y);
}

function toNumber(v: unknown): number | null {
  if (typeof v === "number") return v;
  if (typeof v === "bigint" && v <= MAX_SAFE && v >= -MAX_SAFE) return Number(v);
  return null;
}

/** `needle in haystack`: a list's elements by CEL equality (scalars only), or a map's keys. */
function contains(haystack: unknown, needle: unknown): boolean | Unsure {
  if (Array.isArray(haystack)) {
    if (!isScalar(needle)) return UNSURE;
    let unsure = false;
    for (const item of haystack) {
      const e = equals(needle, item);
      if (e === true) return true;
      if (e === UNSURE) unsure = true;
    }
    return unsure ? UNSURE : false;
  }
  if (typeof needle === "string") return hasKey(haystack, needle);
  return UNSURE;
}

/** `size()`: code points of a string, elements of a list, entries of a map; as a CEL int. */
function size(v: unknown): bigint | Unsure {
  if (typeof v === "string") return BigInt(/[\uD800-\uDFFF]/.test(v) ? [...v].length : v.length);
  if (Array.isArray(v)) return BigInt(v.length);
  if (isMap(v)) {
    let count = 0;
    for (const key in v) if (Object.hasOwn(v, key) && v[key] !== undefined) count++;
    return BigInt(count);
  }
  return UNSURE;
}
