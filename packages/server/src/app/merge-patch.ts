/**
 * Applies a JSON Merge Patch (RFC 7386): members set to null are removed, objects merge recursively,
 * everything else replaces. Reviewers who see masked personal data edit with a patch of the fields
 * they changed, so the masked values they never saw stay as they were.
 *
 * @example
 * ```ts
 * applyMergePatch({ amount: 50, note: "x" }, { amount: 40, note: null }); // { amount: 40 }
 * ```
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const result: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
