/**
 * @loopgate/core — Loopgate's pure domain: wire schemas, policy and routing, signals, the proposal
 * and review lifecycle, and the audit chain. No I/O, no clock: time and ids come in as parameters.
 *
 * @packageDocumentation
 */

export * from "./audit/index.ts";
export * from "./learning/index.ts";
export * from "./lifecycle/transitions.ts";
export * from "./policy/index.ts";
export * from "./replay/index.ts";
export * from "./signals/index.ts";
export * from "./wire.ts";
