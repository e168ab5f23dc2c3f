import { AppError } from "../app/app-error.ts";
import type { AppDeps } from "../app/deps.ts";
import type { Principal } from "../app/principal.ts";
import { propose } from "../app/propose.ts";

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;
/** A W3C trace context header; passed on to executors only when well formed. */
const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** The 201 answer to `POST /v1/proposals`: the proposal's JSON and the headers that go with it. */
export interface SubmittedProposal {
  json: string;
  headers: Record<string, string>;
}

/**
 * `POST /v1/proposals` once the caller is known: checks the `Idempotency-Key`, reads the body, passes
 * a well-formed `traceparent` on, and proposes. The route's handler, which both the app and the direct
 * path (direct-routes.ts) run.
 *
 * @throws AppError `invalid_idempotency_key` (400), and whatever {@link propose} refuses.
 */
export async function submitProposal(
  deps: AppDeps,
  principal: Principal,
  readBody: () => Promise<unknown>,
  header: (name: string) => string | undefined,
): Promise<SubmittedProposal> {
  const key = header("idempotency-key") ?? null;
  if (key !== null && !IDEMPOTENCY_KEY.test(key)) {
    throw new AppError(
      "invalid_input",
      "invalid_idempotency_key",
      "Idempotency-Key must be 1–200 visible ASCII characters, e.g. a UUID",
      { issues: [{ path: "header.Idempotency-Key", message: "1–200 visible ASCII characters" }] },
    );
  }
  const body = await readBody();
  const traceparent = header("traceparent") ?? null;
  const result = await propose(
    deps,
    principal,
    body,
    key,
    traceparent !== null && TRACEPARENT.test(traceparent) ? traceparent : null,
  );
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    Location: `/v1/proposals/${result.proposal.id}`,
  };
  if (result.replayed) headers["Idempotent-Replayed"] = "true";
  return { json: result.json, headers };
}
