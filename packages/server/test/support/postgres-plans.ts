import pg from "pg";
import { testDatabaseUrl } from "./stores.ts";

/** A node of PostgreSQL's `EXPLAIN (FORMAT JSON)` plan, as far as the plan checks read it. */
export interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  Plans?: PlanNode[];
}

/** A plan's nodes, flattened, and its shape as text for an assertion's message. */
export interface ExplainedPlan {
  nodes: PlanNode[];
  shape: string;
}

/**
 * The plans PostgreSQL makes for each `?`-parameterised query in the test store's schema (`location`),
 * after an ANALYZE of `table`: as the store first runs it (a custom plan for these values) and as it
 * may later run the prepared statement (one generic plan for any values). `check` gets each plan with
 * the query's text, `(generic plan)` appended for the second.
 *
 * @example
 * ```ts
 * await eachPostgresPlan(db.location, "reviews", queries, (plan, sql) => expect(plan.nodes).not.toContainEqual(…));
 * ```
 */
export async function eachPostgresPlan<Q extends { sql: string; params: unknown[] }>(
  location: string,
  table: string,
  queries: readonly Q[],
  check: (plan: ExplainedPlan, sql: string, query: Q) => void,
): Promise<void> {
  const client = new pg.Client({
    connectionString: testDatabaseUrl()!,
    options: `-c search_path=${location}`,
  });
  await client.connect();
  try {
    await client.query(`ANALYZE ${table}`);
    for (const query of queries) {
      let n = 0;
      const text = query.sql.replace(/\?/g, () => `$${++n}`);
      const custom = await client.query(`EXPLAIN (FORMAT JSON) ${text}`, query.params);
      check(explained(custom.rows[0]["QUERY PLAN"]), text, query);
      await client.query(`PREPARE plan_check AS ${text}`);
      await client.query("SET plan_cache_mode = force_generic_plan");
      const values = query.params.map((v) =>
        typeof v === "number" ? String(v) : client.escapeLiteral(String(v)),
      );
      const generic = await client.query(`EXPLAIN (FORMAT JSON) EXECUTE plan_check(${values.join(", ")})`);
      check(explained(generic.rows[0]["QUERY PLAN"]), `${text} (generic plan)`, query);
      await client.query("RESET plan_cache_mode");
      await client.query("DEALLOCATE plan_check");
    }
  } finally {
    await client.end();
  }
}

function explained(result: [{ Plan: PlanNode }]): ExplainedPlan {
  const nodes: PlanNode[] = [];
  const walk = (node: PlanNode) => {
    nodes.push(node);
    for (const child of node.Plans ?? []) walk(child);
  };
  walk(result[0].Plan);
  return {
    nodes,
    shape: JSON.stringify(result[0].Plan, ["Node Type", "Relation Name", "Index Name", "Plans"]),
  };
}
