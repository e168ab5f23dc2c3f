import type { FieldIssue } from "../wire/common.ts";
import type { CompiledPolicy } from "./compiled-policy.ts";
import { compilePayloadSchema, createSchemaCompiler, type PayloadValidator } from "./payload-schema.ts";

/**
 * Payload validators per compiled policy. `loadPolicy` fills this once per version; a policy object built
 * any other way gets its validators compiled on first use.
 */
const validatorsByPolicy = new WeakMap<CompiledPolicy, ReadonlyMap<string, PayloadValidator>>();

/** Keeps the validators `loadPolicy` compiled for a policy, so validation never compiles again. */
export function rememberPayloadValidators(
  policy: CompiledPolicy,
  validators: ReadonlyMap<string, PayloadValidator>,
) {
  validatorsByPolicy.set(policy, validators);
}

function validatorsOf(policy: CompiledPolicy): ReadonlyMap<string, PayloadValidator> {
  let validators = validatorsByPolicy.get(policy);
  if (validators === undefined) {
    const compiler = createSchemaCompiler();
    const compiled = new Map<string, PayloadValidator>();
    for (const [name, settings] of policy.actionTypes) {
      if (settings.payloadSchema === null) continue;
      const result = compilePayloadSchema(compiler, settings.payloadSchema);
      compiled.set(
        name,
        result.ok
          ? result.validate
          : () => result.problems.map((problem) => ({ path: "action.payload", message: problem.message })),
      );
    }
    validators = compiled;
    validatorsByPolicy.set(policy, validators);
  }
  return validators;
}

/**
 * Checks a payload against its action type's schema in this policy version. Returns no issues when it is
 * valid; otherwise one per problem, with paths such as `action.payload.amount` and messages that say what
 * to do. An undeclared action type is an issue on `action.type`.
 *
 * @example
 * ```ts
 * validatePayload(policy, "billing.refund", { amount: "ten" });
 * // [{ path: "action.payload.amount", message: "must be a number" },
 * //  { path: "action.payload.orderId", message: "is required" }]
 * ```
 */
export function validatePayload(policy: CompiledPolicy, actionType: string, payload: unknown): FieldIssue[] {
  if (!policy.actionTypes.has(actionType)) {
    const declared = [...policy.actionTypes.keys()].join(", ");
    return [
      {
        path: "action.type",
        message: `"${actionType}" is not declared in policy version ${policy.version}: use ${declared || "a declared action type"}`,
      },
    ];
  }
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
    return [{ path: "action.payload", message: "must be an object" }];
  }
  const validate = validatorsOf(policy).get(actionType);
  return validate === undefined ? [] : validate(payload);
}
