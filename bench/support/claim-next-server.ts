/**
 * The server side of bench/claim-next: Loopgate on an already seeded store (`CLAIM_NEXT_DATA_DIR`, or
 * PostgreSQL through `LOOPGATE_DATABASE_URL`) with the policy the backlog was seeded under
 * (`CLAIM_NEXT_POLICY`), and a reviewer key. Prints `{ url, reviewerKey, engine }` as one JSON line;
 * stops on SIGTERM and leaves the data directory as it is.
 */
import { startBenchServer } from "./start-bench-server.ts";

const dataDir = process.env.CLAIM_NEXT_DATA_DIR;
const policy = process.env.CLAIM_NEXT_POLICY;
if (!dataDir || !policy) throw new Error("CLAIM_NEXT_DATA_DIR and CLAIM_NEXT_POLICY are required");
const bench = await startBenchServer(dataDir, policy, "claim-next-policy.yaml");
bench.announce({ url: bench.server.url, reviewerKey: await bench.key("claim-next", "reviewer") });
