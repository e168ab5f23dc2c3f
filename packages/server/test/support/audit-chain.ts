import { type AuditEntry, verifyAuditChain } from "@loopgate/core";
import type { Store } from "../../src/store/store.ts";

/** The whole audit chain of a store, read in pages through `auditRange`. */
export async function readAuditChain(store: Store, pageSize = 500): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  for (;;) {
    const page = await store.auditRange((entries.at(-1)?.seq ?? 0) + 1, pageSize);
    entries.push(...page);
    if (page.length < pageSize) return entries;
  }
}

/**
 * Reads the chain and checks it with core's verifier; throws naming the first bad entry.
 * Returns the entries for further assertions.
 */
export async function verifiedAuditChain(store: Store): Promise<AuditEntry[]> {
  const entries = await readAuditChain(store);
  const verdict = verifyAuditChain(entries);
  if (!verdict.ok) throw new Error(`audit chain does not verify: ${verdict.reason}`);
  return entries;
}
