import type { Change } from "./store.ts";

/**
 * Whether a batch holds leases only (see `Change.durability`), so both engines may commit it without
 * waiting for the disk. An empty batch is not one: it has nothing to spare the wait for.
 *
 * @example
 * ```ts
 * isLeaseBatch([{ writes, audit, durability: "lease" }]); // true
 * isLeaseBatch([{ writes, audit, durability: "lease" }, { writes, audit }]); // false
 * ```
 */
export function isLeaseBatch(changes: readonly Change[]): boolean {
  return changes.length > 0 && changes.every((change) => change.durability === "lease");
}
