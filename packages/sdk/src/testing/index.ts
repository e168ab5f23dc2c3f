/**
 * `@loopgate/sdk/testing`: an in-memory Loopgate for testing agents without a server. It implements the
 * same `LoopgateClient` interface as the HTTP client and answers with the API's wire shapes.
 *
 * @packageDocumentation
 */
export { createFakeLoopgate, FakeLoopgate } from "./fake-loopgate.ts";
export type {
  FakeLoopgateOptions,
  FakeRule,
  FakeRuleMatch,
  FakeVerdict,
  LoosePayload,
} from "./fake-rules.ts";
export type { RecordedResult } from "./fake-state.ts";
