import { streamSSE } from "hono/streaming";
import { isCanaryProposal } from "../../app/canaries.ts";
import type { ChangeEvent } from "../../app/events.ts";
import { type Principal, worksQueue } from "../../app/principal.ts";
import type { RouteTable } from "../route-table.ts";

/** How often an idle stream sends a comment so proxies keep it open. */
const KEEPALIVE_MS = 15_000;

/**
 * Whether a caller may see an event: agents their own proposals, reviewers their queues, owners and
 * auditors all. Stops concern every person (a reviewer's approvals in scope will not execute) and
 * no agent, as `GET /v1/stops` answers.
 */
export function maySee(principal: Principal, event: ChangeEvent): boolean {
  if (event.type === "stop.created" || event.type === "stop.lifted") return principal.kind === "user";
  if (principal.kind === "agent") return event.agentId === principal.agentId;
  if (event.queue === null) return principal.user.role !== "reviewer" || principal.user.queues.length === 0;
  return worksQueue(principal, event.queue);
}

export function eventRoutes(routes: RouteTable): void {
  routes.add(
    {
      method: "get",
      path: "/v1/events",
      summary: "Server-Sent Events of the changes the caller may see (proposals, reviews, policy)",
      tag: "events",
      access: "authenticated",
      responses: {
        200: {
          description: "An event stream; each event's data is a JSON change",
          contentType: "text/event-stream",
        },
      },
    },
    (c, principal) =>
      streamSSE(c, async (stream) => {
        const queue: ChangeEvent[] = [];
        let wake: (() => void) | null = null;
        const unsubscribe = c.var.deps.events.subscribe((event) => {
          if (!maySee(principal!, event)) return;
          queue.push(event);
          wake?.();
        });
        stream.onAbort(() => {
          unsubscribe();
          wake?.();
        });
        await stream.writeSSE({ event: "ready", data: JSON.stringify({ at: new Date().toISOString() }) });
        while (!stream.aborted) {
          const event = queue.shift();
          if (event !== undefined) {
            // A seeded canary borrows a real agent's name; that agent never hears of it.
            const mayBeCanary = principal!.kind === "agent" && event.proposalId !== null;
            if (mayBeCanary && (await isCanaryProposal(c.var.deps, event.proposalId!))) continue;
            await stream.writeSSE({ event: event.type, data: JSON.stringify(event) });
            continue;
          }
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, KEEPALIVE_MS);
            wake = () => {
              clearTimeout(timer);
              wake = null;
              resolve();
            };
          });
          if (queue.length === 0 && !stream.aborted) await stream.write(": keep-alive\n\n");
        }
        unsubscribe();
      }),
  );
}
