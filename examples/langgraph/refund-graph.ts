/**
 * A LangGraph.js refund graph whose refund node waits for a person in Loopgate. The thread lives in a
 * SQLite checkpointer, so the process can die while it waits; `resume` picks it up in a new process.
 *
 *   LOOPGATE_URL=… LOOPGATE_API_KEY=<agent key> node --import tsx refund-graph.ts start graph.sqlite ticket-812
 *   LOOPGATE_URL=… LOOPGATE_API_KEY=<agent key> node --import tsx refund-graph.ts resume graph.sqlite ticket-812
 */
import { appendFile } from "node:fs/promises";
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import { approveAndRun, resumeFromLoopgate } from "@loopgate/sdk/langgraph";

const State = Annotation.Root({
  customerId: Annotation<string>(),
  amount: Annotation<number>(),
  reply: Annotation<string>(),
});

export function refundGraph(checkpointFile: string) {
  return new StateGraph(State)
    .addNode("refund", async (state) => {
      const done = await approveAndRun(
        { actionType: "billing.refund", describe: (p) => ({ summary: `Refund ${p.amount} ${p.currency}` }) },
        { amount: state.amount, currency: "EUR", customerId: state.customerId },
        async (refund) => {
          await appendFile(process.env.REFUNDS_LOG ?? "refunds.log", `${JSON.stringify(refund)}\n`);
          return `refunded ${refund.amount} ${refund.currency} to ${refund.customerId}`;
        },
      );
      return { reply: done.approved ? done.result : done.reason };
    })
    .addEdge(START, "refund")
    .addEdge("refund", END)
    .compile({ checkpointer: SqliteSaver.fromConnString(checkpointFile) });
}

const [command, file = "graph.sqlite", thread = "ticket-812"] = process.argv.slice(2);
if (command === "start" || command === "resume") {
  const graph = refundGraph(file);
  const config = { configurable: { thread_id: thread } };
  const first =
    command === "start" ? await graph.invoke({ customerId: "c_123", amount: 42.5 }, config) : null;
  if (first?.reply !== undefined) console.log(JSON.stringify({ reply: first.reply }));
  else {
    if (command === "start") console.error(`thread ${thread} is waiting for review in Loopgate`);
    const done = await resumeFromLoopgate(graph, thread); // waits for the decision
    console.log(JSON.stringify({ reply: done?.reply ?? null }));
  }
} else {
  console.error("usage: refund-graph.ts start|resume [graph.sqlite] [thread]");
  process.exitCode = 2;
}
