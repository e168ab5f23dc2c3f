import type { AppDeps } from "../app/deps.ts";

/** Hono's per-request variables. */
export interface HttpEnv {
  Variables: {
    requestId: string;
    deps: AppDeps;
  };
}
