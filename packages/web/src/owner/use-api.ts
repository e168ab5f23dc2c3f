import { useEffect, useState } from "react";
import { ApiError, api } from "../api/client.ts";

/** What a {@link useApiRead} holds: the answer, the API's message, or that the server lacks the route. */
export interface ApiRead<T> {
  data: T | null;
  error: string | null;
  /** The server answered 404 `route_not_found`: it does not offer this yet. */
  missing: boolean;
  loading: boolean;
}

/**
 * GETs `path` (again whenever it or `version` changes) and keeps the latest answer.
 * Answers to earlier paths that arrive late are dropped.
 */
export function useApiRead<T>(path: string, version = 0): ApiRead<T> {
  const [state, setState] = useState<ApiRead<T>>({ data: null, error: null, missing: false, loading: true });
  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` is a reload signal
  useEffect(() => {
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    api<T>("GET", path)
      .then((data) => {
        if (current) setState({ data, error: null, missing: false, loading: false });
      })
      .catch((e: unknown) => {
        if (!current) return;
        const missing = e instanceof ApiError && e.status === 404 && e.code === "route_not_found";
        setState({ data: null, error: missing ? null : (e as Error).message, missing, loading: false });
      });
    return () => {
      current = false;
    };
  }, [path, version]);
  return state;
}
