import { Annotation, END, MemorySaver, START, StateGraph } from "@langchain/langgraph";
import { approveAndRun, resumeFromLoopgate } from "../../../src/langgraph/index.ts";
import type { JsonObject } from "../../../src/types.ts";
import { ACTIONS, type AdapterDriver, describeCall, refundTool, uniqueTag } from "../support.ts";

const State = Annotation.Root({
  args: Annotation<JsonObject>(),
  toolResult: Annotation<string>(),
});

/** A one-node graph whose node asks Loopgate before refunding; the decision lands in `toolResult`. */
export function refundGraph(
  actionType: string,
  ran: JsonObject[],
  env: { agent: import("../../../src/loopgate-client.ts").LoopgateClient },
  checkpointer = new MemorySaver(),
) {
  return new StateGraph(State)
    .addNode("refund", async (state) => {
      const done = await approveAndRun({ actionType, describe: describeCall }, state.args, refundTool(ran), {
        loopgate: env.agent,
      });
      return { toolResult: done.approved ? done.result : done.reason };
    })
    .addEdge(START, "refund")
    .addEdge("refund", END)
    .compile({ checkpointer });
}

/** `approveAndRun` in a node + `resumeFromLoopgate` on the thread. */
export const langGraph: AdapterDriver = {
  name: "LangGraph.js",
  start(env, action, args) {
    const ran: JsonObject[] = [];
    const graph = refundGraph(ACTIONS[action].actionType, ran, env);
    const thread = uniqueTag("thread");
    const done = (async () => {
      const first = await graph.invoke({ args }, { configurable: { thread_id: thread } });
      if (first.toolResult !== undefined) return first.toolResult;
      const resumed = await resumeFromLoopgate(graph, thread, { loopgate: env.agent });
      return resumed?.toolResult ?? "(not resumed)";
    })();
    return { ran, done };
  },
};
