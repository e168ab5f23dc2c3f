import { type Document, isMap, isPair, isScalar, isSeq, type LineCounter, type Node } from "yaml";

/**
 * One thing wrong with a policy file. `path` names the field (`rules[2].when`,
 * `actions.billing.refund.review.queue`); `line` and `column` (1-based) point into the YAML text when the
 * field is in it; `message` says what to do.
 */
export interface PolicyProblem {
  path: string;
  line: number | null;
  column: number | null;
  message: string;
}

/** A path into the policy document, as Zod and the loader build it. */
export type PolicyPath = readonly PropertyKey[];

/**
 * Formats a document path the way problems show it: keys joined by dots, list indexes in brackets.
 *
 * @example
 * ```ts
 * formatPolicyPath(["rules", 2, "when"]); // "rules[2].when"
 * formatPolicyPath(["actions", "billing.refund", "review", "queue"]); // "actions.billing.refund.review.queue"
 * ```
 */
export function formatPolicyPath(path: PolicyPath): string {
  let text = "";
  for (const segment of path) {
    if (typeof segment === "number") text += `[${segment}]`;
    else text += text === "" ? String(segment) : `.${String(segment)}`;
  }
  return text === "" ? "(file)" : text;
}

/**
 * Finds where a path sits in a parsed YAML document, for problems that point at a line. With `key`, the last
 * segment is a map key and the position is the key's own (used for unknown fields). A path that runs past
 * the document (a missing field) points at the deepest node that exists.
 */
export class PolicySourceMap {
  readonly #document: Document;
  readonly #lines: LineCounter;

  constructor(document: Document, lines: LineCounter) {
    this.#document = document;
    this.#lines = lines;
  }

  /** The YAML node at `path`, or null when the path is not in the text. */
  node(path: PolicyPath): Node | null {
    const found = this.#walk(path, false);
    return found.complete ? found.node : null;
  }

  /** The 1-based line and column of the node (or, with `key`, the map key) at `path`. */
  position(
    path: PolicyPath,
    options: { key?: boolean } = {},
  ): { line: number | null; column: number | null } {
    const { node } = this.#walk(path, options.key === true);
    return this.offsetPosition(node?.range?.[0] ?? null);
  }

  /** The 1-based line and column of a character offset in the text. */
  offsetPosition(offset: number | null): { line: number | null; column: number | null } {
    if (offset === null) return { line: null, column: null };
    const { line, col } = this.#lines.linePos(offset);
    return { line: line === 0 ? 1 : line, column: col };
  }

  /** Builds a problem for `path`, positioned at its node (or its key, for unknown fields). */
  problem(path: PolicyPath, message: string, options: { key?: boolean } = {}): PolicyProblem {
    return { path: formatPolicyPath(path), ...this.position(path, options), message };
  }

  #walk(path: PolicyPath, key: boolean): { node: Node | null; complete: boolean } {
    let current: unknown = this.#document.contents;
    let deepest = (isMap(current) || isSeq(current) || isScalar(current) ? current : null) as Node | null;
    for (const [index, segment] of path.entries()) {
      const last = index === path.length - 1;
      if (isMap(current)) {
        const pair = current.items.find((item) => isPair(item) && scalarKey(item.key) === String(segment));
        if (pair === undefined) return { node: deepest, complete: false };
        if (last && key && isScalar(pair.key)) return { node: pair.key, complete: true };
        // `field:` with nothing after it: point at the key, the only thing written.
        if (pair.value === null && isScalar(pair.key)) return { node: pair.key, complete: last };
        current = pair.value;
      } else if (isSeq(current) && typeof segment === "number") {
        current = current.items[segment];
      } else {
        return { node: deepest, complete: false };
      }
      if (current === null || current === undefined) return { node: deepest, complete: false };
      deepest = current as Node;
    }
    return { node: deepest, complete: true };
  }
}

function scalarKey(key: unknown): string | null {
  return isScalar(key) ? String(key.value) : null;
}
