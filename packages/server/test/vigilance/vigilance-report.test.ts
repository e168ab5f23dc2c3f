import { VigilanceReport } from "@loopgate/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engines } from "../http/test-server.ts";
import { realReply, startVigilanceRig, type VigilanceRig } from "./support.ts";

/**
 * `GET /v1/vigilance` over real HTTP: what reviewers did is recorded as they do it (the packet read,
 * the evidence shown, the decision) and the report counts it exactly.
 */
describe.each(engines())("reviewer vigilance report on %s", (engine) => {
  let rig: VigilanceRig;
  const startedAt = new Date().toISOString();

  beforeAll(async () => {
    rig = await startVigilanceRig(engine, 0);
  });
  afterAll(async () => rig.close());

  const report = async (query = "", key = rig.owner) => {
    const res = await rig.t.call("GET", `/v1/vigilance${query}`, { key });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return VigilanceReport.parse(res.body);
  };
  const auditCount = async (proposalId: string) =>
    (await rig.t.call("GET", `/v1/audit?proposalId=${proposalId}&limit=500`, { key: rig.owner })).body.items
      .length as number;

  it("counts approvals without the evidence opened, streaks, the band and dwell per reviewer", async () => {
    // rita works through the app's way: she reads each packet, opens the evidence of some, decides.
    const plan: { evidence: boolean; verdict: "approve" | "reject" }[] = [
      { evidence: true, verdict: "approve" },
      { evidence: true, verdict: "approve" },
      { evidence: false, verdict: "approve" },
      { evidence: true, verdict: "reject" },
      { evidence: true, verdict: "approve" },
      { evidence: false, verdict: "approve" },
    ];
    for (const [n, step] of plan.entries()) {
      const proposal = await rig.propose(realReply(n));
      const before = await auditCount(proposal.id);
      const read = await rig.t.call("GET", `/v1/proposals/${proposal.id}`, { key: rig.rita });
      expect(read.status).toBe(200);
      await rig.t.call("GET", `/v1/proposals/${proposal.id}`, { key: rig.rita }); // a reload is not a new opening
      if (step.evidence) {
        const shown = await rig.t.call("POST", `/v1/reviews/${proposal.review.id}/activity`, {
          key: rig.rita,
          body: { kind: "evidence_opened" },
        });
        expect(shown.status).toBe(200);
        expect(shown.body.evidenceOpenedAt).not.toBeNull();
      }
      // Openings are not audited: the log would fill with page reloads.
      expect(await auditCount(proposal.id)).toBe(before);
      await new Promise((resolve) => setTimeout(resolve, 5));
      await rig.decide(rig.rita, proposal.review.id, {
        verdict: step.verdict,
        ...(step.verdict === "reject" ? { category: "wrong_facts" } : {}),
      });
    }
    // sam decides through the API without ever reading a packet: nothing opened, no dwell.
    for (let n = 10; n < 13; n++) {
      const proposal = await rig.propose(realReply(n));
      await rig.decide(rig.sam, proposal.review.id, { verdict: "approve" });
    }

    const { items, window, band } = await report();
    expect(band).toEqual({ low: 0.05, high: 0.2 });
    expect(Date.parse(window.to) - Date.parse(window.from)).toBe(30 * 86_400_000);
    const rita = items.find((i) => i.reviewer.name === "rita")!;
    const sam = items.find((i) => i.reviewer.name === "sam")!;
    expect(rita.decisions).toBe(6);
    expect(rita.approvals).toBe(5);
    expect(rita.approvalsWithoutEvidence).toBe(2);
    expect(rita.streak).toEqual({ longest: 3, current: 2 });
    expect(rita.overrideRate).toBeCloseTo(1 / 6, 12);
    expect(rita.band).toBe("healthy");
    expect(rita.dwell.measured).toBe(6);
    expect(rita.dwell.p50Ms).toBeGreaterThanOrEqual(5);
    expect(rita.dwell.p50MsPerKChar).not.toBeNull();
    expect(rita.dwell.p50PacketChars).toBeGreaterThan(200);
    expect(rita.canaries).toEqual({ seen: 0, caught: 0, catchRate: null });

    expect(sam.decisions).toBe(3);
    expect(sam.approvalsWithoutEvidence).toBe(3);
    expect(sam.dwell).toEqual({ measured: 0, p50Ms: null, p50MsPerKChar: null, p50PacketChars: null });
    expect(sam.streak).toEqual({ longest: 3, current: 3 });
    expect(sam.overrideRate).toBe(0);
    expect(sam.band).toBe("below");
  });

  it("puts dwell and whether the evidence was opened on the decision's audit entry", async () => {
    const res = await rig.t.call("GET", "/v1/audit?type=decision.recorded&limit=100", { key: rig.owner });
    const data = res.body.items.map((e: { data: Record<string, unknown> }) => e.data);
    expect(data).toHaveLength(9);
    expect(data.slice(0, 6).map((d: { evidenceOpened: boolean }) => d.evidenceOpened)).toEqual([
      true,
      true,
      false,
      true,
      true,
      false,
    ]);
    expect(data.slice(0, 6).every((d: { dwellMs: unknown }) => typeof d.dwellMs === "number")).toBe(true);
    expect(
      data.slice(6).map((d: { dwellMs: unknown; evidenceOpened: unknown }) => [d.dwellMs, d.evidenceOpened]),
    ).toEqual([
      [null, false],
      [null, false],
      [null, false],
    ]);
  });

  it("filters by reviewer (id or name) and window, for owners and auditors only", async () => {
    const onlySam = await report("?reviewer=sam", rig.auditor);
    expect(onlySam.items.map((i) => i.reviewer.name)).toEqual(["sam"]);
    const samId = onlySam.items[0]!.reviewer.id;
    expect((await report(`?reviewer=${samId}`)).items.map((i) => i.reviewer.name)).toEqual(["sam"]);
    expect((await report(`?to=${encodeURIComponent(startedAt)}`)).items).toEqual([]);

    const forbidden = await rig.t.call("GET", "/v1/vigilance", { key: rig.rita });
    expect(forbidden.status).toBe(403);
    const backwards = await rig.t.call(
      "GET",
      `/v1/vigilance?from=${encodeURIComponent(new Date().toISOString())}&to=${encodeURIComponent(startedAt)}`,
      { key: rig.owner },
    );
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.details.issues[0].path).toBe("query.from");
    const bad = await rig.t.call("GET", "/v1/vigilance?from=yesterday", { key: rig.owner });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].path).toBe("query.from");
  });

  it("documents the new endpoints in the OpenAPI document, from the same schemas", async () => {
    const doc = (await rig.t.call("GET", "/openapi.json")).body;
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/v1/vigilance", "/v1/reviews/{id}/activity", "/v1/reviews/{id}/judgement"]),
    );
    const report = doc.paths["/v1/vigilance"].get;
    expect(report.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(["from", "to", "reviewer"]),
    );
  });

  it("refuses activity reports from agents and with an unknown kind, writing nothing", async () => {
    const proposal = await rig.propose(realReply(20));
    const agent = await rig.t.call("POST", `/v1/reviews/${proposal.review.id}/activity`, {
      key: rig.agent,
      body: { kind: "evidence_opened" },
    });
    expect(agent.status).toBe(403);
    const unknown = await rig.t.call("POST", `/v1/reviews/${proposal.review.id}/activity`, {
      key: rig.rita,
      body: { kind: "scrolled" },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details.issues[0].path).toBe("kind");
    expect(await rig.t.server.deps.store.reviewActivity(proposal.review.id, "x")).toBeNull();
    const missing = await rig.t.call("POST", "/v1/reviews/nope/activity", {
      key: rig.rita,
      body: { kind: "opened" },
    });
    expect(missing.status).toBe(404);
  });

  it("does not count evidence shown after the decision", async () => {
    const proposal = await rig.propose(realReply(30));
    await rig.decide(rig.sam, proposal.review.id, { verdict: "approve" });
    const late = await rig.t.call("POST", `/v1/reviews/${proposal.review.id}/activity`, {
      key: rig.sam,
      body: { kind: "evidence_opened" },
    });
    expect(late.status).toBe(200);
    const [sam] = (await report("?reviewer=sam")).items;
    expect(sam?.decisions).toBe(4);
    expect(sam?.approvalsWithoutEvidence).toBe(4);
    expect(sam?.dwell.measured).toBe(0);
  });
});
