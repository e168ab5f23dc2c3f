import { canonicalJson } from "../audit/canonical-json.ts";

/**
 * Above this many DP cells a string comparison falls back to words, then to a bag of words, so a
 * rewritten 50 kB body costs milliseconds rather than seconds. 4 million cells is about 10 ms.
 */
const MAX_CELLS = 4_000_000;

/**
 * How far a reviewer's final payload is from the one the agent proposed, in [0, 1] (SPEC §5: an edited
 * proposal's label is 1 − this distance).
 *
 * Defined on the payloads' leaves: each payload is flattened to `path → value` (objects by key, arrays
 * by index). Over the union of paths, a leaf present in only one payload, or whose canonical JSON differs
 * in type or value, counts 1 — except two strings, which count their normalised Levenshtein distance
 * (edits ÷ length of the longer). The distance is the mean over the union, so it reads as "the share of
 * the payload that changed", with a small wording fix in a long reply counting for little and a changed
 * amount or recipient counting for its whole field. Equal payloads give 0, disjoint ones 1.
 *
 * @example
 * ```ts
 * payloadEditDistance({ to: "a@x.io", amount: 40 }, { to: "a@x.io", amount: 42.5 }); // 0.5
 * payloadEditDistance({ body: "Hello Anna" }, { body: "Hello Ana" }); // 0.1
 * ```
 */
export function payloadEditDistance(proposed: unknown, final: unknown): number {
  const before = flattenLeaves(proposed);
  const after = flattenLeaves(final);
  const paths = new Set([...before.keys(), ...after.keys()]);
  if (paths.size === 0) return 0;
  let total = 0;
  for (const path of paths) total += leafDistance(before.get(path), after.get(path));
  return total / paths.size;
}

function leafDistance(a: unknown, b: unknown): number {
  if (a === undefined || b === undefined) return 1;
  if (typeof a === "string" && typeof b === "string") return normalizedTextDistance(a, b);
  return canonicalJson(a) === canonicalJson(b) ? 0 : 1;
}

/** Leaves by path; an empty object or array is a leaf of its own so that `{}` → `{ a: 1 }` counts. */
function flattenLeaves(value: unknown): Map<string, unknown> {
  const leaves = new Map<string, unknown>();
  const walk = (node: unknown, path: string): void => {
    if (node !== null && typeof node === "object") {
      const entries = Array.isArray(node)
        ? node.map((item, i) => [String(i), item] as const)
        : Object.entries(node as Record<string, unknown>).filter(([, item]) => item !== undefined);
      if (entries.length === 0) {
        leaves.set(path, Array.isArray(node) ? [] : {});
        return;
      }
      // JSON Pointer-style escaping keeps "a.b" the key apart from a → b.
      for (const [key, item] of entries)
        walk(item, `${path}/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`);
      return;
    }
    leaves.set(path, node);
  };
  walk(value, "");
  return leaves;
}

/**
 * Normalised Levenshtein distance between two texts: edits ÷ the longer length, after stripping the
 * common prefix and suffix (which edits usually leave). Long texts are compared word by word, and very
 * long ones as bags of words, to bound the cost.
 */
export function normalizedTextDistance(a: string, b: string): number {
  if (a === b) return 0;
  const longer = Math.max(a.length, b.length);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const restA = a.slice(start, endA);
  const restB = b.slice(start, endB);
  if (restA.length * restB.length <= MAX_CELLS) return levenshtein(restA, restB) / longer;

  const wordsA = a.split(/\s+/).filter(Boolean);
  const wordsB = b.split(/\s+/).filter(Boolean);
  const longerWords = Math.max(wordsA.length, wordsB.length, 1);
  if (wordsA.length * wordsB.length <= MAX_CELLS) return levenshtein(wordsA, wordsB) / longerWords;
  return bagOfWordsDistance(wordsA, wordsB) / longerWords;
}

/** Edit distance (insert, delete, substitute; unit costs) between two sequences, two rows of memory. */
function levenshtein<T>(a: ArrayLike<T>, b: ArrayLike<T>): number {
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let previous = new Uint32Array(b.length + 1);
  let current = new Uint32Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    const item = a[i - 1];
    for (let j = 1; j <= b.length; j++) {
      const substitute = previous[j - 1]! + (item === b[j - 1] ? 0 : 1);
      current[j] = Math.min(substitute, previous[j]! + 1, current[j - 1]! + 1);
    }
    [previous, current] = [current, previous];
  }
  return previous[b.length]!;
}

/** Words to add or remove to turn one multiset into the other, halved, then at least the length change. */
function bagOfWordsDistance(a: string[], b: string[]): number {
  const counts = new Map<string, number>();
  for (const word of a) counts.set(word, (counts.get(word) ?? 0) + 1);
  for (const word of b) counts.set(word, (counts.get(word) ?? 0) - 1);
  let unmatched = 0;
  for (const count of counts.values()) unmatched += Math.abs(count);
  return Math.max(Math.abs(a.length - b.length), Math.ceil(unmatched / 2));
}
