/**
 * The server side of bench/claim-next: Loopgate on an already seeded store (`CLAIM_NEXT_DATA_DIR`, or
 * PostgreSQL through `LOOPGATE_DATABASE_URL`) with the policy the backlog was seeded under
 * (`CLAIM_NEXT_POLICY`), and a reviewer key. Prints `{ url, reviewerKey, engine }` as one JSON line;
 * stops on SIGTERM and leaves the data directory as it is.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createApiKey } from "../../packages/server/src/app/api-keys.ts";
import { SYSTEM_ACTOR } from "../../packages/server/src/app/principal.ts";
import { startServer } from "../../packages/server/src/http/start-server.ts";

const dataDir = process.env.CLAIM_NEXT_DATA_DIR;
const policy = process.env.CLAIM_NEXT_POLICY;
if (!dataDir || !policy) throw new Error("CLAIM_NEXT_DATA_DIR and CLAIM_NEXT_POLICY are required");
const policyFile = join(dataDir, "claim-next-policy.yaml");
await writeFile(policyFile, policy);
const databaseUrl = process.env.LOOPGATE_DATABASE_URL;
const server = await startServer({
  port: 0,
  dataDir,
  ...(databaseUrl ? { databaseUrl } : {}),
  policyFile,
  logLevel: "warn",
  config: { rateLimit: { perSecond: 0, burst: 0 } },
});
const deps = { now: () => new Date().toISOString(), ids: server.deps.newId, actor: SYSTEM_ACTOR };
const reviewer = await createApiKey(server.deps.store, { name: "claim-next", role: "reviewer" }, deps);
process.stdout.write(
  `${JSON.stringify({ url: server.url, reviewerKey: reviewer.secret, engine: server.deps.store.engine })}\n`,
);
process.on("SIGTERM", () => {
  void server.close().then(() => process.exit(0));
});
