import { Loopgate } from "@loopgate/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ResultReporter } from "../../src/mcp/result-reporter.ts";
import { auditOf, gatewayFor, type NotesWorld, notesUpstream, startNotesWorld } from "./support.ts";

let world: NotesWorld;
let agent: Loopgate;

beforeAll(async () => {
  world = await startNotesWorld();
  agent = new Loopgate({ url: world.server.url, apiKey: world.agentKey });
});

afterAll(async () => {
  await world?.close();
});

/** An auto-routed proposal the agent may report a result for, as the gateway would make. */
async function autoProposal(name: string): Promise<string> {
  const proposal = await agent.propose({ action: { type: "notes.read", payload: { name } } });
  expect(proposal.status).toBe("auto_approved");
  return proposal.id;
}

async function executionOf(id: string): Promise<string> {
  return (await agent.getProposal(id)).execution.status;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("an auto-routed call through the gateway", () => {
  it("is proposed and audited before it goes upstream, and its result is reported afterwards", async () => {
    const notes = new Map([["a", "alpha"]]);
    const routedWhenCalled: string[][] = [];
    const upstream = notesUpstream(notes, async () => {
      routedWhenCalled.push((await auditOf(world, "proposal.routed")).map((e) => e.proposalId));
    });
    const reporter = new ResultReporter(agent, { log: () => {}, quietMs: 10 });
    const { client } = await gatewayFor(world, upstream, agent, { reporter });

    for (let i = 0; i < 3; i++) {
      const result = await client.callTool({ name: "read_note", arguments: { name: "a" } });
      expect(result.content).toEqual([{ type: "text", text: "alpha" }]);
    }
    const routed = await auditOf(world, "proposal.routed");
    const calls = routed.filter((e) => e.data.route.verdict === "auto").map((e) => e.proposalId);
    expect(calls).toHaveLength(3);
    // Each call found its own routing entry already committed when it reached the upstream.
    for (const [i, seen] of routedWhenCalled.entries()) expect(seen).toContain(calls[i]);

    await reporter.flush();
    for (const id of calls) expect(await executionOf(id)).toBe("executed");
    const reported = (await auditOf(world, "execution.reported")).map((e) => e.proposalId);
    expect(reported).toEqual(expect.arrayContaining(calls));
    await client.close();
  });

  it("reports a failed upstream call as failed, with the tool's error text", async () => {
    const reporter = new ResultReporter(agent, { log: () => {}, quietMs: 10 });
    const { client } = await gatewayFor(world, notesUpstream(new Map()), agent, { reporter });
    const result = await client.callTool({ name: "read_note", arguments: { name: "missing" } });
    expect(result.isError).toBe(true);
    await reporter.flush();
    const entry = (await auditOf(world, "execution.reported")).at(-1);
    expect(entry?.data).toMatchObject({ status: "failed", error: "no note missing" });
    await client.close();
  });
});

describe("ResultReporter", () => {
  it("holds reports while gated calls keep starting, and sends them in the first pause", async () => {
    const reporter = new ResultReporter(agent, { log: () => {}, quietMs: 500, maxDelayMs: 60_000 });
    const ids = [await autoProposal("held-1"), await autoProposal("held-2")];
    for (const id of ids) reporter.report(id, { status: "succeeded" });
    // A call starts every 20 ms or so: never a 500 ms pause.
    for (let i = 0; i < 10; i++) {
      await sleep(20);
      reporter.callStarted();
    }
    expect(reporter.queued).toBe(2);
    for (const id of ids) expect(await executionOf(id)).toBe("not_started");
    for (let i = 0; i < 300 && (await executionOf(ids[1]!)) !== "executed"; i++) await sleep(10);
    expect(await executionOf(ids[0]!)).toBe("executed");
    expect(await executionOf(ids[1]!)).toBe("executed");
  });

  it("sends maxBatch reports together at once, pause or not", async () => {
    const reporter = new ResultReporter(agent, {
      log: () => {},
      quietMs: 60_000,
      maxDelayMs: 60_000,
      maxBatch: 3,
    });
    const ids = [await autoProposal("b-1"), await autoProposal("b-2"), await autoProposal("b-3")];
    reporter.report(ids[0]!, { status: "succeeded" });
    reporter.report(ids[1]!, { status: "succeeded" });
    expect(reporter.queued).toBe(2);
    reporter.report(ids[2]!, { status: "succeeded" });
    expect(reporter.queued).toBe(0);
    await reporter.flush();
    for (const id of ids) expect(await executionOf(id)).toBe("executed");
  });

  it("sends a report once no call has started for quietMs", async () => {
    const reporter = new ResultReporter(agent, { log: () => {}, quietMs: 30, maxDelayMs: 60_000 });
    const id = await autoProposal("quiet");
    reporter.report(id, { status: "succeeded" });
    for (let i = 0; i < 100 && (await executionOf(id)) !== "executed"; i++) await sleep(10);
    expect(await executionOf(id)).toBe("executed");
    expect(reporter.queued).toBe(0);
  });

  it("sends reports that waited maxDelayMs even while reports keep coming", async () => {
    const reporter = new ResultReporter(agent, { log: () => {}, quietMs: 50, maxDelayMs: 80 });
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push(await autoProposal(`busy-${i}`));
    // A report every 20 ms or so: the quiet time never passes, the deadline does.
    let sentBeforeTheLast = false;
    for (const id of ids) {
      reporter.report(id, { status: "succeeded" });
      await sleep(20);
      if (id !== ids.at(-1) && (await executionOf(ids[0]!)) === "executed") sentBeforeTheLast = true;
    }
    expect(sentBeforeTheLast).toBe(true);
    await reporter.flush();
  });

  it("sends what is queued on close", async () => {
    const reporter = new ResultReporter(agent, { log: () => {}, quietMs: 60_000, maxDelayMs: 60_000 });
    const id = await autoProposal("closing");
    reporter.report(id, { status: "succeeded" });
    await reporter.close();
    expect(await executionOf(id)).toBe("executed");
  });

  it("tries again when Loopgate cannot be reached, and notes a report given up on", async () => {
    let failures = 1;
    const flaky = new Loopgate({
      url: world.server.url,
      apiKey: world.agentKey,
      retry: { attempts: 1 },
      fetch: (input, init) =>
        failures-- > 0 ? Promise.reject(new TypeError("fetch failed")) : fetch(input, init),
    });
    const log: string[] = [];
    const reporter = new ResultReporter(flaky, { log: (line) => log.push(line), attempts: 3 });
    const id = await autoProposal("flaky");
    reporter.report(id, { status: "succeeded" });
    await reporter.flush();
    expect(await executionOf(id)).toBe("executed");
    expect(log).toEqual([]);

    failures = 10;
    const lost = await autoProposal("lost");
    reporter.report(lost, { status: "succeeded" });
    await reporter.flush();
    expect(await executionOf(lost)).toBe("not_started");
    expect(log).toEqual([expect.stringContaining(`could not report the result of ${lost}`)]);
  });
});
