import { randomBytes } from "node:crypto";
import { generateSigningKey, signGrant } from "@loopgate/core";
import { verifyGrant } from "@loopgate/sdk";
import { afterEach, describe, expect, it } from "vitest";
import { engines } from "../http/test-server.ts";
import { type ExecutionRig, startExecutionRig } from "./support.ts";

describe.each(engines())("grants for agent-executed actions (%s)", (engine) => {
  let rig: ExecutionRig;
  afterEach(async () => rig?.close());

  const approvedRefund = async (payload: Record<string, unknown>) => {
    const id = await rig.approved("billing.refund", payload);
    const proposal = (await rig.api.call("GET", `/v1/proposals/${id}`, { key: rig.agent })).body;
    const keys = (await rig.api.call("GET", "/v1/keys/grants")).body.items;
    return {
      id,
      grant: proposal.execution.grant,
      publicKey: keys[0].publicKey as string,
      keyId: keys[0].keyId as string,
    };
  };

  it("a valid grant verifies; a changed byte, an expired grant and another key's grant are refused", async () => {
    rig = await startExecutionRig(engine);
    const payload = { amount: 42.5, currency: "EUR" };
    const { grant, publicKey, keyId } = await approvedRefund(payload);
    expect(grant).toMatchObject({
      keyId,
      actionType: "billing.refund",
      payloadHash: expect.stringMatching(/^sha256:/),
    });

    expect(verifyGrant(grant, payload, publicKey)).toMatchObject({ ok: true });
    expect(verifyGrant(grant, { ...payload }, publicKey, { keyId })).toMatchObject({ ok: true });
    // One byte changed in the payload.
    expect(verifyGrant(grant, { amount: 42.6, currency: "EUR" }, publicKey)).toMatchObject({
      ok: false,
      reason: "payload_mismatch",
    });
    // One byte changed in the grant itself.
    const flipped = grant.proposalId.endsWith("0") ? "1" : "0";
    const tampered = { ...grant, proposalId: grant.proposalId.slice(0, -1) + flipped };
    expect(verifyGrant(tampered, payload, publicKey)).toMatchObject({ ok: false, reason: "bad_signature" });
    // Expired.
    const later = new Date(Date.parse(grant.expiresAt) + 1);
    expect(verifyGrant(grant, payload, publicKey, { now: later })).toMatchObject({
      ok: false,
      reason: "expired",
    });
    // Signed by another key (with the same key id, even).
    const other = generateSigningKey(randomBytes(32));
    const forged = signGrant(
      {
        id: grant.id,
        proposalId: grant.proposalId,
        actionType: grant.actionType,
        payloadHash: grant.payloadHash,
        issuedAt: grant.issuedAt,
        expiresAt: grant.expiresAt,
      },
      { keyId, secretKey: other.secretKey },
    );
    expect(verifyGrant(forged, payload, publicKey)).toMatchObject({ ok: false, reason: "bad_signature" });
    expect(verifyGrant(grant, payload, Buffer.from(other.publicKey).toString("base64"))).toMatchObject({
      ok: false,
      reason: "bad_signature",
    });
    expect(verifyGrant({ ...grant, signature: undefined }, payload, publicKey)).toMatchObject({
      ok: false,
      reason: "malformed",
    });
  });

  it("reporting a success consumes the grant: a reused grant, another payload or a forged grant is refused", async () => {
    rig = await startExecutionRig(engine);
    const payload = { amount: 30 };
    const { id, grant } = await approvedRefund(payload);
    const report = (body: unknown) =>
      rig.api.call("POST", `/v1/proposals/${id}/result`, { key: rig.agent, body });

    const other = generateSigningKey(randomBytes(32));
    const forged = signGrant(
      { ...grant, signature: undefined },
      { keyId: grant.keyId, secretKey: other.secretKey },
    );
    expect(await report({ status: "succeeded", grant: forged, payload })).toMatchObject({
      status: 422,
      body: { error: { code: "grant_invalid" } },
    });
    expect(await report({ status: "succeeded", grant, payload: { amount: 31 } })).toMatchObject({
      status: 422,
      body: { error: { code: "grant_payload_mismatch" } },
    });
    // A failure does not consume the grant…
    expect((await report({ status: "failed", grant, payload, error: "bank timeout" })).status).toBe(200);
    // …a success does, once.
    const first = await report({ status: "succeeded", grant, payload, output: { refundId: "r_1" } });
    expect(first.status).toBe(200);
    expect(first.body.execution).toMatchObject({ status: "executed" });
    expect(await report({ status: "succeeded", grant, payload })).toMatchObject({
      status: 409,
      body: { error: { code: "grant_already_used" } },
    });
    const audit = await rig.api.call("GET", `/v1/audit?proposalId=${id}`, { key: rig.owner });
    expect(audit.body.items.map((e: any) => e.type)).toEqual(
      expect.arrayContaining(["execution.granted", "execution.reported"]),
    );
  });

  it("an expired grant is refused when the result is reported", async () => {
    rig = await startExecutionRig(engine, { server: { config: { grantTtlSeconds: 1 } as never } });
    const payload = { amount: 12 };
    const { id, grant } = await approvedRefund(payload);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const res = await rig.api.call("POST", `/v1/proposals/${id}/result`, {
      key: rig.agent,
      body: { status: "succeeded", grant, payload },
    });
    expect(res).toMatchObject({ status: 422, body: { error: { code: "grant_expired" } } });
  });
});
