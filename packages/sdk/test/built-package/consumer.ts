// biome-ignore-all lint/suspicious/noThenProperty: the fake's rules are written `{ when, then }`, as documented.
// A TypeScript project using the built package: type-checked (strict, no skipLibCheck) against the
// package's declarations alone. In the repository it type-checks against the source, too.
import {
  type GrantVerification,
  Loopgate,
  type Proposal,
  type ProposeInput,
  verifyGrant,
} from "@loopgate/sdk";
import { createFakeLoopgate, type FakeRule } from "@loopgate/sdk/testing";

const rules: FakeRule[] = [{ when: { type: "billing.refund" }, then: { verdict: "auto" } }];
const fake = createFakeLoopgate({ rules });
const refund = { type: "billing.refund", payload: { orderId: "o_1", amount: 15 } };
const input: ProposeInput = { action: refund, evidence: [{ source: "orders", snippet: "charged twice" }] };
const proposal: Proposal = await fake.propose(input);
const { result } = await fake.gate(refund, (payload) => payload.amount * 2);
const doubled: number = result;
const grant = proposal.execution?.grant;
const check: GrantVerification = verifyGrant(grant, refund.payload, new Uint8Array(32));
const refused = check.ok ? undefined : check.reason;
// @ts-expect-error a proposal's status is one of Loopgate's statuses
const status: Proposal["status"] = "done";

export const used = [new Loopgate({ url: "http://localhost:4747" }), doubled, refused, status];
