/**
 * `@loopgate/core/commit`: the part of core a store needs inside a transaction — sealing audit
 * entries into the hash chain and naming the rollup counters a change adds to — and nothing else.
 *
 * The embedded store writes on a thread of its own (the server's `sqlite-writer-worker.ts`), which
 * loads this entry instead of the whole of core: core's schemas, policy compiler and CEL runtime
 * would add ~14 MB to that thread's heap, and every major garbage collection there marks all of it
 * while commits wait. Everything here is also exported from `@loopgate/core`.
 *
 * @example
 * ```ts
 * import { GENESIS_HASH, hourBucket, sealAuditDraft } from "@loopgate/core/commit";
 * const { entry, dataText } = sealAuditDraft(draft, 1, GENESIS_HASH); // the chain's first entry
 * hourBucket("2026-11-30T13:45:00Z"); // "2026-11-30T13:00:00.000Z"
 * ```
 */
export { GENESIS_HASH } from "./audit/hash.ts";
export {
  auditEntryText,
  chainedAuditEntry,
  placeAuditDraft,
  type SealedAuditDraft,
  sealAuditDraft,
} from "./audit/seal-audit-entry.ts";
export {
  DECIDE_BUCKET_BOUNDS,
  decideBucketMetric,
  histogramBucketMetric,
  hourBucket,
} from "./learning/metric-buckets.ts";
export type { AuditDraft, AuditEntry } from "./wire/audit.ts";
