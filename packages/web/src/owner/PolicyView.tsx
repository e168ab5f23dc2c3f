import { useEffect, useState } from "react";
import { api } from "../api/client.ts";
import type { PolicyVersionView } from "../api/types.ts";
import { when } from "../ui/format.ts";

/** The active policy, read-only: load new versions with `loopgate serve --policy` or `PUT /v1/policy`. */
export function PolicyView() {
  const [policy, setPolicy] = useState<PolicyVersionView | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<PolicyVersionView>("GET", "/v1/policy")
      .then(setPolicy)
      .catch((e: Error) => setError(e.message));
  }, []);
  return (
    <main className="owner" aria-labelledby="policy-title">
      <h1 id="policy-title">Active policy</h1>
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
      {policy ? (
        <>
          <p className="meta">
            Version {policy.version}, loaded {when(policy.createdAt)} by {policy.createdBy} · hash{" "}
            <code>{policy.hash.slice(0, 16)}…</code>
          </p>
          <p className="hint">
            Read-only here. Load a new version with <code>loopgate serve --policy loopgate.yaml</code>.
          </p>
          <section aria-label="Policy YAML">
            <pre className="policy-text">{policy.text}</pre>
          </section>
        </>
      ) : null}
    </main>
  );
}
