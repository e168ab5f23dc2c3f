import { useState } from "react";
import type { PolicyVersionView } from "../api/types.ts";
import { when } from "../ui/format.ts";
import { PolicyEditor } from "./PolicyEditor.tsx";
import { PolicyTextArea } from "./PolicyTextArea.tsx";
import { useApiRead } from "./use-api.ts";

/**
 * The policy in force. Owners edit it as a draft, simulate and put it in force ({@link PolicyEditor});
 * reviewers and auditors read it with line numbers.
 */
export function PolicyView({ owner }: { owner: boolean }) {
  const [reload, setReload] = useState(0);
  const read = useApiRead<PolicyVersionView>("/v1/policy", reload);
  // A newer version the editor learnt of (one it put in force, or found since), shown at once.
  const [newer, setNewer] = useState<PolicyVersionView | null>(null);
  const policy =
    newer !== null && (read.data === null || newer.version > read.data.version) ? newer : read.data;

  return (
    <main className="owner policy-page" aria-labelledby="policy-title">
      <h1 id="policy-title">Policy</h1>
      {read.error ? (
        <p role="alert" className="error">
          {read.error}
        </p>
      ) : null}
      {policy ? (
        <p className="meta">
          Version {policy.version} in force, loaded {when(policy.createdAt)} by {policy.createdBy} · hash{" "}
          <code>{policy.hash.slice(0, 16)}…</code>
        </p>
      ) : null}
      {policy === null ? null : owner ? (
        <PolicyEditor
          active={policy}
          onVersion={(version, putHere) => {
            setNewer(version);
            if (putHere) setReload((n) => n + 1);
          }}
        />
      ) : (
        <>
          <p className="hint">Read-only: owners edit the policy and put new versions in force.</p>
          <label htmlFor="policy-text">Policy (YAML)</label>
          <PolicyTextArea id="policy-text" value={policy.text} readOnly />
        </>
      )}
    </main>
  );
}
