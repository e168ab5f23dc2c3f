import { parse } from "@bufbuild/cel";

type Expr = ReturnType<typeof parse>["expr"];

/**
 * The policy variables (`action`, `signals`, …) a rule's `when` reads, or null when the text does
 * not parse. Names bound by a macro (`exists(x, …)`) are not variables.
 */
export function ruleVariables(source: string): Set<string> | null {
  let expr: Expr;
  try {
    expr = parse(source).expr;
  } catch {
    return null;
  }
  const names = new Set<string>();
  collectVariables(expr, new Set(), names);
  return names;
}

function collectVariables(node: Expr | undefined, bound: ReadonlySet<string>, names: Set<string>): void {
  if (node === undefined) return;
  const kind = node.exprKind;
  switch (kind.case) {
    case "identExpr":
      if (!bound.has(kind.value.name)) names.add(kind.value.name);
      return;
    case "selectExpr":
      collectVariables(kind.value.operand, bound, names);
      return;
    case "callExpr":
      for (const child of [kind.value.target, ...kind.value.args]) collectVariables(child, bound, names);
      return;
    case "listExpr":
      for (const child of kind.value.elements) collectVariables(child, bound, names);
      return;
    case "structExpr":
      for (const entry of kind.value.entries) {
        if (entry.keyKind.case === "mapKey") collectVariables(entry.keyKind.value, bound, names);
        collectVariables(entry.value, bound, names);
      }
      return;
    case "comprehensionExpr": {
      const loop = kind.value;
      const inner = new Set([...bound, loop.iterVar, loop.iterVar2, loop.accuVar]);
      collectVariables(loop.iterRange, bound, names);
      collectVariables(loop.accuInit, bound, names);
      collectVariables(loop.loopCondition, inner, names);
      collectVariables(loop.loopStep, inner, names);
      collectVariables(loop.result, inner, names);
      return;
    }
    default:
      return;
  }
}
