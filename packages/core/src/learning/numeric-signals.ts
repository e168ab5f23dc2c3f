/**
 * The numbers in a proposal's signals, as calibration features (SPEC §5: "every numeric signal,
 * built-in and `signals.agent.*`"). Nested objects flatten to dotted paths (`pii.email`,
 * `agent.margin`); booleans count as 0 and 1; strings, nulls and arrays are not numbers and are left
 * out, as is `agentConfidence`, which the map treats on its own.
 *
 * @example
 * ```ts
 * numericSignals({ agentConfidence: 0.9, grounding: 0.8, pii: { email: true }, agent: { margin: 0.4, tone: "warm" } });
 * // { grounding: 0.8, "pii.email": 1, "agent.margin": 0.4 }
 * ```
 */
export function numericSignals(signals: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  const walk = (node: unknown, path: string, depth: number): void => {
    if (typeof node === "number") {
      if (Number.isFinite(node)) out[path] = node;
      return;
    }
    if (typeof node === "boolean") {
      out[path] = node ? 1 : 0;
      return;
    }
    if (node === null || typeof node !== "object" || Array.isArray(node) || depth > 8) return;
    for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
      if (depth === 0 && key === "agentConfidence") continue;
      walk(value, path === "" ? key : `${path}.${key}`, depth + 1);
    }
  };
  walk(signals, "", 0);
  return out;
}
