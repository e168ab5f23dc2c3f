import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";

/** What to do with a gated call's arguments before anything is proposed. */
export type InputCheck =
  | { kind: "valid" }
  /** Broken in a way no tool can run (a required argument missing, or of the wrong JSON type). */
  | { kind: "ask_upstream" }
  /** Breaks a finer rule of the schema (a pattern, an enum, extra properties, …). */
  | { kind: "invalid"; message: string };

type Schema = { type?: unknown; required?: unknown; properties?: Record<string, { type?: unknown }> };

/**
 * Checks a gated call's arguments against the upstream tool's `inputSchema`, so that a call that cannot
 * run never becomes a proposal a person has to look at (SPEC §7).
 *
 * The answer must be the upstream's own words, and only the upstream has them (its validator and message
 * format are its own). So a call broken at the root — a required argument missing, or an argument of the
 * wrong JSON type — goes upstream as it is: no tool can run it, and the upstream's error comes back
 * unchanged. A call that breaks only a finer rule is answered here, in the format of the MCP SDK's own
 * validation error, because a lenient upstream might run it, and a gated tool never runs unapproved.
 */
export class InputChecker {
  readonly #validator = new AjvJsonSchemaValidator();
  readonly #compiled = new Map<string, (input: unknown) => { valid: boolean; errorMessage?: string }>();

  check(tool: string, schema: unknown, args: Record<string, unknown>): InputCheck {
    if (typeof schema !== "object" || schema === null) return { kind: "valid" };
    let validate = this.#compiled.get(tool);
    if (validate === undefined) {
      validate = this.#validator.getValidator(schema as never);
      this.#compiled.set(tool, validate);
    }
    const result = validate(args);
    if (result.valid) return { kind: "valid" };
    if (brokenAtTheRoot(schema as Schema, args)) return { kind: "ask_upstream" };
    return {
      kind: "invalid",
      message: `MCP error -32602: Input validation error: Invalid arguments for tool ${tool}: ${result.errorMessage}`,
    };
  }

  /** Forgets compiled schemas, e.g. after the upstream's tool list changed. */
  clear(): void {
    this.#compiled.clear();
  }
}

function brokenAtTheRoot(schema: Schema, args: Record<string, unknown>): boolean {
  const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
  if (required.some((name) => !Object.hasOwn(args, name))) return true;
  for (const [name, value] of Object.entries(args)) {
    const declared = schema.properties?.[name]?.type;
    if (typeof declared === "string" && !hasJsonType(value, declared)) return true;
  }
  return false;
}

function hasJsonType(value: unknown, type: string): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number";
    case "integer":
      return Number.isInteger(value);
    case "boolean":
      return typeof value === "boolean";
    case "array":
      return Array.isArray(value);
    case "object":
      return typeof value === "object" && value !== null && !Array.isArray(value);
    case "null":
      return value === null;
    default:
      return true;
  }
}
