/**
 * The audit chain (SPEC §10): canonical JSON, hash-chained entries, signed checkpoints over the head,
 * and offline verification of an export.
 */
export { canonicalJson, canonicalJsonWithPart, canonicalString } from "./canonical-json.ts";
export {
  type CheckpointTrust,
  checkpointMessage,
  generateSigningKey,
  signCheckpoint,
  verifyCheckpoint,
} from "./checkpoint.ts";
export {
  type GrantRefusal,
  type GrantVerification,
  grantMessage,
  signGrant,
  verifyGrant,
} from "./grant.ts";
export { GENESIS_HASH, hashPayload, sha256Hex } from "./hash.ts";
export {
  auditEntryText,
  chainedAuditEntry,
  placeAuditDraft,
  type SealedAuditDraft,
  sealAuditDraft,
  sealAuditEntry,
} from "./seal-audit-entry.ts";
export { type ChainVerification, type ChainVerificationOptions, verifyAuditChain } from "./verify-chain.ts";
