import { Loopgate } from "@loopgate/sdk";
import {
  ElicitationCompleteNotificationSchema,
  type ElicitRequest,
  ElicitRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gatewayFor, type NotesWorld, notesUpstream, startNotesWorld } from "./support.ts";

let world: NotesWorld;
let agent: Loopgate;
let reviewer: Loopgate;

beforeAll(async () => {
  world = await startNotesWorld();
  agent = new Loopgate({ url: world.server.url, apiKey: world.agentKey });
  reviewer = new Loopgate({ url: world.server.url, apiKey: world.reviewerKey });
});

afterAll(async () => {
  await world?.close();
});

async function until<T>(read: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const value = read();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const APP = "https://loopgate.example.com/app";

describe("a gated call waiting for review, to a client that declared elicitation", () => {
  it("form mode: the user is told it waits, with the review link; the call does not wait for the answer", async () => {
    const notes = new Map<string, string>();
    const { client } = await gatewayFor(
      world,
      notesUpstream(notes),
      agent,
      { reviewerAppUrl: APP },
      { capabilities: { elicitation: {} } },
    );
    const received: ElicitRequest["params"][] = [];
    const withdrawn: number[] = [];
    // The user never answers: each notice stays up until the gateway withdraws it.
    client.setRequestHandler(ElicitRequestSchema, (request, extra) => {
      received.push(request.params);
      return new Promise((_, reject) =>
        extra.signal.addEventListener("abort", () => {
          withdrawn.push(Number(extra.requestId));
          reject(new Error("withdrawn"));
        }),
      );
    });

    // Two calls in turn: the MCP SDK's client ignores a cancellation of request id 0 (`!requestId`),
    // so the withdrawal is checked on the second notice.
    for (const [i, name] of ["plan", "memo"].entries()) {
      const call = client.callTool({ name: "write_note", arguments: { name, text: `ship ${name}` } });
      const notice = await until(() => received[i], "the elicitation");
      const review = (await reviewer.listReviews({ queue: "notes" })).items.at(-1)!;
      expect(notice).toMatchObject({ mode: "form", requestedSchema: { type: "object", properties: {} } });
      expect(notice.message).toContain("write_note is waiting for review in Loopgate (queue notes");
      expect(notice.message).toContain(`Proposal ${review.proposalId}, review ${review.id}`);
      expect(notice.message).toContain(`Review: ${APP}/review/${review.id}`);
      expect(notes.has(name)).toBe(false);

      await reviewer.decide(review.id, { verdict: "approve" });
      expect((await call).isError).toBeFalsy();
      expect(notes.get(name)).toBe(`ship ${name}`);
    }
    await until(() => withdrawn[0], "the second notice to be withdrawn");
    expect(withdrawn).toEqual([1]);
    await client.close();
  });

  it("form mode: whatever the user answers, the call still waits for the reviewer", async () => {
    const notes = new Map<string, string>();
    const { client } = await gatewayFor(
      world,
      notesUpstream(notes),
      agent,
      {},
      { capabilities: { elicitation: {} } },
    );
    let answered = 0;
    client.setRequestHandler(ElicitRequestSchema, async () => {
      answered++;
      return { action: "decline" };
    });
    const call = client.callTool({ name: "write_note", arguments: { name: "draft", text: "no" } });
    await until(() => (answered > 0 ? true : undefined), "the user's answer");
    const review = (await reviewer.listReviews({ queue: "notes" })).items.at(-1)!;
    expect((await agent.getProposal(review.proposalId)).status).toBe("pending_review");
    await reviewer.decide(review.id, { verdict: "reject", comment: "Not today" });
    const result = await call;
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toContain("Not today");
    expect(notes.has("draft")).toBe(false);
    await client.close();
  });

  it("URL mode (a client that takes only URL elicitations): the review link, completed once decided", async () => {
    const { client } = await gatewayFor(
      world,
      notesUpstream(new Map()),
      agent,
      { reviewerAppUrl: APP },
      { capabilities: { elicitation: { url: {} } } },
    );
    const received: ElicitRequest["params"][] = [];
    const completed: string[] = [];
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      received.push(request.params);
      return { action: "accept" };
    });
    client.setNotificationHandler(ElicitationCompleteNotificationSchema, (notification) => {
      completed.push(notification.params.elicitationId);
    });
    const call = client.callTool({ name: "write_note", arguments: { name: "link", text: "x" } });
    const notice = await until(() => received[0], "the elicitation");
    const review = (await reviewer.listReviews({ queue: "notes" })).items.at(-1)!;
    expect(notice).toMatchObject({
      mode: "url",
      url: `${APP}/review/${review.id}`,
      elicitationId: `loopgate-review:${review.proposalId}`,
    });
    await reviewer.decide(review.id, { verdict: "approve" });
    await call;
    await until(() => completed[0], "the completion notification");
    expect(completed).toEqual([`loopgate-review:${review.proposalId}`]);
    await client.close();
  });
});

describe("a client without the elicitation capability", () => {
  it("is sent no elicitation, and the call goes as before", async () => {
    const notes = new Map<string, string>();
    const { client, seen } = await gatewayFor(world, notesUpstream(notes), agent, { reviewerAppUrl: APP });
    const call = client.callTool({ name: "write_note", arguments: { name: "quiet", text: "q" } });
    let review: { id: string } | undefined;
    for (let i = 0; i < 300 && review === undefined; i++) {
      review = (await reviewer.listReviews({ queue: "notes" })).items.at(-1);
      if (review === undefined) await new Promise((r) => setTimeout(r, 10));
    }
    await reviewer.decide(review!.id, { verdict: "approve" });
    expect((await call).isError).toBeFalsy();
    expect(notes.get("quiet")).toBe("q");
    const methods = seen.map((m) => ("method" in m ? m.method : "response"));
    expect(methods.filter((m) => m.startsWith("elicitation") || m.includes("elicitation"))).toEqual([]);
    expect(seen.length).toBeGreaterThan(0);
    await client.close();
  });

  it("an auto-routed call sends no notice even to a client that declared elicitation", async () => {
    const { client, seen } = await gatewayFor(
      world,
      notesUpstream(new Map([["n", "text"]])),
      agent,
      {},
      { capabilities: { elicitation: {} } },
    );
    client.setRequestHandler(ElicitRequestSchema, async () => ({ action: "accept" }));
    expect((await client.callTool({ name: "read_note", arguments: { name: "n" } })).isError).toBeFalsy();
    expect(seen.filter((m) => "method" in m && m.method === "elicitation/create")).toEqual([]);
    await client.close();
  });
});
