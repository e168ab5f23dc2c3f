import { type FormEvent, useEffect, useRef, useState } from "react";
import { ApiError, api } from "../api/client.ts";
import type { SessionView } from "../api/types.ts";

/** The sign-in page: name and password, with errors that say what to do. */
export function SignIn({
  onSignedIn,
  notice,
}: {
  onSignedIn: (session: SessionView) => void;
  notice?: string;
}) {
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const nameRef = useRef<HTMLInputElement>(null);
  useEffect(() => nameRef.current?.focus(), []);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await api<SessionView>("POST", "/v1/session", { name, password }));
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : "Signing in failed: try again");
      setPassword("");
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="sign-in">
      <form onSubmit={submit} aria-labelledby="sign-in-title" className="card">
        <h1 id="sign-in-title">Sign in to Loopgate</h1>
        {notice ? <p className="notice">{notice}</p> : null}
        <label htmlFor="sign-in-name">Name</label>
        <input
          id="sign-in-name"
          name="username"
          autoComplete="username"
          value={name}
          onChange={(e) => setName(e.target.value)}
          required
          ref={nameRef}
        />
        <label htmlFor="sign-in-password">Password</label>
        <input
          id="sign-in-password"
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
        />
        {error ? (
          <p role="alert" className="error">
            {error}
          </p>
        ) : null}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
        <p className="hint">
          No account? An owner adds you with <code>loopgate users add &lt;name&gt; --role reviewer</code>.
        </p>
      </form>
    </main>
  );
}
