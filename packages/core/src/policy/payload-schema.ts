import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import type { FieldIssue } from "../wire/common.ts";

/**
 * Formats a payload schema may name. Ajv ships none of its own (they live in `ajv-formats`), and an unknown
 * format must be a load problem rather than a silently skipped check, so the common ones are defined here.
 */
const FORMATS: Record<string, RegExp> = {
  email: /^[^\s@]+@[^\s@]+\.[^\s@]+$/,
  uri: /^[a-z][a-z0-9+.-]*:\S*$/i,
  "date-time": /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/,
  date: /^\d{4}-\d{2}-\d{2}$/,
  time: /^\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})?$/,
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
};

/** A compiled payload schema: returns the problems with a payload, or none. */
export type PayloadValidator = (payload: unknown) => FieldIssue[];

/**
 * Creates the Ajv instance one policy version compiles its payload schemas with (JSON Schema 2020-12, all
 * errors). Unknown keywords are errors, so a typo such as `require:` is reported instead of ignored.
 */
export function createSchemaCompiler(): Ajv2020 {
  return new Ajv2020({
    allErrors: true,
    strictSchema: true,
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
    allowUnionTypes: true,
    logger: false,
    formats: FORMATS,
  });
}

/**
 * Compiles one action type's payload schema.
 *
 * @example
 * ```ts
 * const compiled = compilePayloadSchema(createSchemaCompiler(), { type: "object", required: ["to"] });
 * if (compiled.ok) compiled.validate({}); // [{ path: "action.payload.to", message: "is required" }]
 * ```
 */
export function compilePayloadSchema(
  compiler: Ajv2020,
  schema: object,
): { ok: true; validate: PayloadValidator } | { ok: false; problems: SchemaProblem[] } {
  if (compiler.validateSchema(schema) === false)
    return { ok: false, problems: schemaProblems(compiler.errors ?? []) };
  let validate: ValidateFunction;
  try {
    validate = compiler.compile(schema);
  } catch (error) {
    const message = (error as Error).message;
    const keyword = /^strict mode: unknown keyword: "([^"]+)"/.exec(message)?.[1];
    const said =
      keyword === undefined
        ? message
        : `unknown keyword "${keyword}": check its spelling (e.g. required, properties, additionalProperties)`;
    return { ok: false, problems: [{ path: [], message: `invalid JSON Schema: ${said}` }] };
  }
  return {
    ok: true,
    validate: (payload) => (validate(payload) ? [] : issuesFrom(validate.errors ?? [])),
  };
}

/** Where inside a payload schema it is wrong (`["properties", "body", "type"]`), and why. */
export interface SchemaProblem {
  path: (string | number)[];
  message: string;
}

/**
 * Why a schema fails JSON Schema's own meta-schema, one problem for each innermost place it fails: the
 * allowed values when there is a list of them (`type: strin`), else Ajv's words.
 */
function schemaProblems(errors: readonly ErrorObject[]): SchemaProblem[] {
  const places = [...new Set(errors.map((error) => error.instancePath))];
  const innermost = places.filter((place) => !places.some((other) => other.startsWith(`${place}/`)));
  if (innermost.length === 0) return [{ path: [], message: "invalid JSON Schema" }];
  return innermost.map((place) => {
    const at = errors.filter((error) => error.instancePath === place);
    const allowed = (
      at.find((error) => error.keyword === "enum")?.params as { allowedValues?: unknown[] } | undefined
    )?.allowedValues;
    const message =
      allowed !== undefined
        ? `must be one of ${allowed.map((value) => JSON.stringify(value)).join(", ")}`
        : (at[0]?.message ?? "is not valid here");
    const path = place
      .split("/")
      .slice(1)
      .map((segment) => segment.replace(/~1/g, "/").replace(/~0/g, "~"))
      .map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
    return { path, message: `invalid JSON Schema: ${message}` };
  });
}

function issuesFrom(errors: readonly ErrorObject[]): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    const issue = toIssue(error);
    if (issue === null) continue;
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues;
}

/** Turns one Ajv error into a field issue whose message says what to do. */
function toIssue(error: ErrorObject): FieldIssue | null {
  const path = payloadPath(error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "required":
      return { path: childPath(path, String(params.missingProperty)), message: "is required" };
    case "dependentRequired":
      return {
        path: childPath(path, String(params.missingProperty)),
        message: `is required when ${String(params.property)} is present`,
      };
    case "additionalProperties":
      return {
        path: childPath(path, String(params.additionalProperty)),
        message: "is not allowed: remove it",
      };
    case "unevaluatedProperties":
      return {
        path: childPath(path, String(params.unevaluatedProperty)),
        message: "is not allowed: remove it",
      };
    case "type":
      return { path, message: `must be ${withArticle(String(params.type))}` };
    case "enum":
      return { path, message: `must be one of: ${(params.allowedValues as unknown[]).map(show).join(", ")}` };
    case "const":
      return { path, message: `must be ${show(params.allowedValue)}` };
    case "minimum":
      return { path, message: `must be at least ${String(params.limit)}` };
    case "maximum":
      return { path, message: `must be at most ${String(params.limit)}` };
    case "exclusiveMinimum":
      return { path, message: `must be more than ${String(params.limit)}` };
    case "exclusiveMaximum":
      return { path, message: `must be less than ${String(params.limit)}` };
    case "multipleOf":
      return { path, message: `must be a multiple of ${String(params.multipleOf)}` };
    case "minLength":
      return { path, message: `must have at least ${String(params.limit)} characters` };
    case "maxLength":
      return { path, message: `must have at most ${String(params.limit)} characters` };
    case "minItems":
      return { path, message: `must have at least ${String(params.limit)} items` };
    case "maxItems":
      return { path, message: `must have at most ${String(params.limit)} items` };
    case "minProperties":
      return { path, message: `must have at least ${String(params.limit)} fields` };
    case "maxProperties":
      return { path, message: `must have at most ${String(params.limit)} fields` };
    case "uniqueItems":
      return {
        path,
        message: `must not repeat items (items ${String(params.j)} and ${String(params.i)} are equal)`,
      };
    case "pattern":
      return { path, message: `must match the pattern ${String(params.pattern)}` };
    case "format":
      return { path, message: `must be a valid ${String(params.format)}` };
    case "anyOf":
      return { path, message: "must match one of the allowed forms" };
    case "oneOf":
      return { path, message: "must match exactly one of the allowed forms" };
    case "not":
      return { path, message: "must not match the excluded form" };
    case "if":
      // The failing `then`/`else` keyword reports the actual problem.
      return null;
    default:
      return { path, message: error.message ?? `fails the schema's ${error.keyword} check` };
  }
}

/** `/items/0/name` → `action.payload.items[0].name` (JSON Pointer, with `~1` and `~0` unescaped). */
function payloadPath(pointer: string): string {
  let path = "action.payload";
  if (pointer === "") return path;
  for (const raw of pointer.slice(1).split("/")) {
    const segment = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    path = /^\d+$/.test(segment) ? `${path}[${segment}]` : childPath(path, segment);
  }
  return path;
}

function childPath(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function withArticle(types: string): string {
  return types
    .split(",")
    .map((type) => (type === "null" ? "null" : /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`))
    .join(" or ");
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}
