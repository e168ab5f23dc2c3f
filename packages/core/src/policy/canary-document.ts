import { parseDocument } from "yaml";
import { z } from "zod";
import { ProposalInput } from "../wire/proposal.ts";
import type { PayloadValidator } from "./payload-schema.ts";
import type { PolicyProblem, PolicySourceMap } from "./policy-problem.ts";
import { isSampled, sampleFraction } from "./sampling.ts";

/**
 * Canaries (SPEC §5, reviewer vigilance): known-bad proposals from a set written in the policy, seeded
 * into review queues at a configured rate to measure each reviewer's catch rate.
 *
 * ```yaml
 * canaries:
 *   rate: 0.02                 # share of real proposals entering a listed queue that bring a canary along
 *   queues: [support]          # where canaries may appear; every queue when absent
 *   proposals:
 *     - name: refund-to-unknown-iban
 *       agent: support-bot     # the agent name reviewers see: use a real agent's name
 *       proposal: { action: { type: billing.refund, payload: { amount: 900, currency: EUR } }, summary: … }
 *       expect: reject         # what a vigilant reviewer does; anything but approve-unchanged is a catch
 * ```
 */

/** One known-bad proposal under `canaries.proposals`. */
export const PolicyCanaryDocument = z.strictObject({
  name: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, {
      message: "use letters, digits, '-', '_' or '.', e.g. iban-swap",
    }),
  agent: z.string().min(1).max(200),
  proposal: ProposalInput,
  expect: z.enum(["reject", "edit", "escalate", "handle_manually", "request_info"]).default("reject"),
});
export type PolicyCanaryDocument = z.infer<typeof PolicyCanaryDocument>;

/** The top-level `canaries` section. */
export const PolicyCanariesDocument = z.strictObject({
  rate: z
    .number({ error: "must be a number between 0 and 1" })
    .min(0, { error: "must be between 0 and 1 (a share, e.g. 0.02)" })
    .max(0.5, { error: "must be at most 0.5: canaries are a small sample, e.g. 0.02" }),
  queues: z.array(z.string().min(1).max(100)).optional(),
  proposals: z.array(PolicyCanaryDocument).min(1, { error: "list at least one known-bad proposal" }),
});
export type PolicyCanariesDocument = z.infer<typeof PolicyCanariesDocument>;

/**
 * Checks the `canaries` section against the rest of the document: unique names, declared action types,
 * payloads valid under their schema, queues that exist.
 */
export function checkCanaries(
  canaries: PolicyCanariesDocument | undefined,
  context: {
    actionTypes: readonly string[];
    queues: readonly string[];
    validators: ReadonlyMap<string, PayloadValidator>;
  },
  source: PolicySourceMap,
): PolicyProblem[] {
  if (canaries === undefined) return [];
  const problems: PolicyProblem[] = [];
  for (const [index, queue] of (canaries.queues ?? []).entries()) {
    if (!context.queues.includes(queue)) {
      problems.push(
        source.problem(
          ["canaries", "queues", index],
          `queue "${queue}" is not used anywhere in the policy: name one of ${context.queues.join(", ")}`,
        ),
      );
    }
  }
  const names = new Set<string>();
  for (const [index, canary] of canaries.proposals.entries()) {
    const at = ["canaries", "proposals", index];
    if (names.has(canary.name)) {
      problems.push(source.problem([...at, "name"], `another canary is named "${canary.name}": rename one`));
    }
    names.add(canary.name);
    const type = canary.proposal.action.type;
    if (!context.actionTypes.includes(type)) {
      problems.push(
        source.problem(
          [...at, "proposal", "action", "type"],
          `action type "${type}" is not declared under actions: declare it or use ${context.actionTypes.join(", ") || "a declared type"}`,
        ),
      );
      continue;
    }
    const validate = context.validators.get(type);
    for (const issue of validate?.(canary.proposal.action.payload) ?? []) {
      const field = issue.path
        .replace(/^action\.payload\.?/, "")
        .split(".")
        .filter(Boolean);
      problems.push(
        source.problem(
          [...at, "proposal", "action", "payload", ...field],
          `${issue.message} (the payload schema of ${type})`,
        ),
      );
    }
  }
  return problems;
}

/**
 * The canary a real proposal brings into `queue`, or null. Deterministic per triggering proposal id, so a
 * test can pick ids that do or do not seed one: the proposal is sampled at `rate` (a salt keeps it
 * independent of the sampling of auto-routed proposals), and the canary is chosen by the same hash.
 */
export function canaryFor(
  canaries: PolicyCanariesDocument | undefined,
  triggerProposalId: string,
  queue: string,
): PolicyCanaryDocument | null {
  if (canaries === undefined || canaries.proposals.length === 0) return null;
  if (canaries.queues !== undefined && !canaries.queues.includes(queue)) return null;
  const key = `canary:${triggerProposalId}`;
  if (!isSampled(key, canaries.rate)) return null;
  const index = Math.floor(sampleFraction(`${key}:pick`) * canaries.proposals.length);
  return canaries.proposals[index] ?? null;
}

/**
 * The policy text without its `canaries` section, for people who review: knowing the seeded proposals
 * would let a reviewer recognise them. A comment says the section was withheld; the rest of the text —
 * comments included — is kept. Text without the section, or that does not parse, comes back unchanged.
 */
export function withoutCanaries(text: string): string {
  if (!/^canaries\s*:/m.test(text)) return text;
  const document = parseDocument(text);
  if (document.errors.length > 0 || !document.has("canaries")) return text;
  document.delete("canaries");
  const rest = document.toString();
  return `${rest}${rest.endsWith("\n") ? "" : "\n"}# canaries: withheld from reviewers (owners and auditors read them)\n`;
}
