import type { PolicyDocument } from "./document.ts";
import { parseDuration } from "./duration.ts";
import type { PolicyProblem, PolicySourceMap } from "./policy-problem.ts";
import { resolveDefaults, schemaProperties } from "./settings.ts";

/**
 * Checks that need the whole document: references between its parts and safety rules that a field's own
 * schema cannot see. CEL and payload schemas are checked where they are compiled (`load-policy.ts`).
 */
export function checkPolicyDocument(document: PolicyDocument, source: PolicySourceMap): PolicyProblem[] {
  return [
    ...checkRules(document, source),
    ...checkActionTypes(document, source),
    ...checkQueues(document, source),
    ...checkCategories(document, source),
    ...checkExamples(document, source),
  ];
}

function checkRules(document: PolicyDocument, source: PolicySourceMap): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  const firstIndex = new Map<string, number>();
  for (const [index, rule] of document.rules.entries()) {
    const first = firstIndex.get(rule.id);
    if (first === undefined) firstIndex.set(rule.id, index);
    else {
      problems.push(
        source.problem(
          ["rules", index, "id"],
          `duplicate rule id "${rule.id}" (also rules[${first}]): give each rule its own id`,
        ),
      );
    }
    if (rule.queue !== undefined && rule.route !== "review" && rule.route !== "escalate") {
      problems.push(
        source.problem(
          ["rules", index, "queue"],
          `a queue only applies to routes review and escalate, not ${rule.route}: remove it`,
        ),
      );
    }
  }
  return problems;
}

/**
 * Irreversible action types (`reversible: false`) may neither run before review (`post_review`) nor be
 * approved by a deadline passing (`onExpiry: approve`), wherever that on-expiry rule comes from.
 */
function checkActionTypes(document: PolicyDocument, source: PolicySourceMap): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  const defaults = resolveDefaults(document);
  for (const [name, action] of Object.entries(document.actions)) {
    const at = ["actions", name];
    const irreversible = (action.reversible ?? false) === false;
    if (irreversible && action.autonomy === "post_review") {
      problems.push(
        source.problem(
          [...at, "autonomy"],
          `post_review runs ${name} before anyone reviews it, and it is not reversible: use threshold or sample_only, or declare reversible: true or compensate`,
        ),
      );
    }
    if (irreversible && action.rollback !== undefined) {
      problems.push(
        source.problem(
          [...at, "rollback"],
          `${name} is not reversible, so it can never be rolled back: remove rollback, or declare reversible: true or compensate`,
        ),
      );
    }
    const queue = action.review?.queue ?? defaults.review.queue;
    if (irreversible) {
      const where: (string | number)[] | null =
        action.review?.onExpiry !== undefined
          ? [...at, "review", "onExpiry"]
          : document.queues[queue]?.onExpiry !== undefined
            ? ["queues", queue, "onExpiry"]
            : ["defaults", "review", "onExpiry"];
      const onExpiry =
        action.review?.onExpiry ?? document.queues[queue]?.onExpiry ?? document.defaults?.review?.onExpiry;
      if (onExpiry === "approve") {
        problems.push(
          source.problem(
            where,
            `onExpiry: approve would let a deadline approve ${name}, which is not reversible: use escalate, reject or expire`,
          ),
        );
      }
    }
    if (action.review?.escalateTo !== undefined && action.review.escalateTo === queue) {
      problems.push(
        source.problem(
          [...at, "review", "escalateTo"],
          `escalates to its own queue "${queue}": name a different queue`,
        ),
      );
    }
    const properties = schemaProperties(action.payload);
    for (const field of ["amountField", "draftField"] as const) {
      const value = action[field];
      if (value !== undefined && properties.size > 0 && !properties.has(value)) {
        problems.push(
          source.problem(
            [...at, field],
            `"${value}" is not a property of the payload schema: use one of ${[...properties].join(", ")}`,
          ),
        );
      }
    }
  }
  return problems;
}

function checkQueues(document: PolicyDocument, source: PolicySourceMap): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  for (const [name, queue] of Object.entries(document.queues)) {
    if (queue.escalateTo === name) {
      problems.push(
        source.problem(
          ["queues", name, "escalateTo"],
          "a queue cannot escalate to itself: name another queue",
        ),
      );
    }
    const cycle = escalationCycle(document, name);
    if (cycle !== null && cycle[0] === name) {
      problems.push(
        source.problem(
          ["queues", name, "escalateTo"],
          `escalation goes round in a circle (${cycle.join(" → ")}): end the chain with a queue that has no escalateTo`,
        ),
      );
    }
    // Durations were validated by the schema, so parsing here cannot throw.
    const slaMs = queue.sla === undefined ? resolveDefaults(document).review.slaMs : parseDuration(queue.sla);
    for (const [index, reminder] of (queue.remindBefore ?? []).entries()) {
      if (parseDuration(reminder) >= slaMs) {
        problems.push(
          source.problem(
            ["queues", name, "remindBefore", index],
            `a reminder ${reminder} before the deadline would fire as the review opens (the SLA is shorter): use a shorter duration`,
          ),
        );
      }
    }
  }
  return problems;
}

/** The escalation chain from `start` when it returns to a queue already on it, else null. */
function escalationCycle(document: PolicyDocument, start: string): string[] | null {
  const chain = [start];
  let queue = start;
  for (;;) {
    const next = document.queues[queue]?.escalateTo ?? document.defaults?.review?.escalateTo;
    if (next === undefined || next === queue) return null;
    chain.push(next);
    if (chain.indexOf(next) !== chain.length - 1) return chain.slice(chain.indexOf(next));
    queue = next;
  }
}

function checkCategories(document: PolicyDocument, source: PolicySourceMap): PolicyProblem[] {
  const seen = new Set<string>();
  const problems: PolicyProblem[] = [];
  for (const [index, category] of document.categories.entries()) {
    if (seen.has(category)) {
      problems.push(source.problem(["categories", index], `"${category}" is listed twice: remove one`));
    }
    seen.add(category);
  }
  return problems;
}

function checkExamples(document: PolicyDocument, source: PolicySourceMap): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  const declared = Object.keys(document.actions);
  const ruleIds = new Set(["default", ...document.rules.map((rule) => rule.id)]);
  const names = new Set<string>();
  for (const [index, example] of document.examples.entries()) {
    if (names.has(example.name)) {
      problems.push(
        source.problem(["examples", index, "name"], `another example is named "${example.name}": rename one`),
      );
    }
    names.add(example.name);
    const type = example.proposal.action.type;
    if (document.actions[type] === undefined) {
      problems.push(
        source.problem(
          ["examples", index, "proposal", "action", "type"],
          `action type "${type}" is not declared under actions: declare it or use ${declared.join(", ") || "a declared type"}`,
        ),
      );
    }
    for (const [ruleIndex, rule] of (example.expect.rules ?? []).entries()) {
      if (!ruleIds.has(rule)) {
        problems.push(
          source.problem(
            ["examples", index, "expect", "rules", ruleIndex],
            `no rule has the id "${rule}": use a rule id from rules, or default`,
          ),
        );
      }
    }
  }
  return problems;
}
