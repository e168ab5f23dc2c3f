import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SqliteCheckpointer } from "../../src/store/sqlite-checkpointer.ts";
import { BACKSTOP_CHECKPOINT_PAGES } from "../../src/store/sqlite-connection.ts";
import { SqliteStore, sqliteFile } from "../../src/store/sqlite-store.ts";
import { submissionChange } from "../support/store-fixtures.ts";

const PAGE = 4096;

/** A database in WAL mode that never checkpoints on its own, with one table `t (id, body)`. */
function walDatabase(dir: string): { file: string; db: Database.Database } {
  const file = join(dir, "db.sqlite");
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("wal_autocheckpoint = 0");
  db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB)");
  return { file, db };
}

describe("SqliteCheckpointer", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "loopgate-checkpointer-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("copies the WAL into the database file on its own thread when told of commits", async () => {
    const { file, db } = walDatabase(dir);
    const insert = db.prepare("INSERT INTO t (body) VALUES (?)");
    for (let i = 0; i < 300; i++) insert.run(Buffer.alloc(PAGE, i % 256));
    const before = statSync(file).size;

    const checkpointer = new SqliteCheckpointer(
      { file, busyTimeoutMs: 1_000 },
      { afterChanges: 1, maxDelayMs: 10 },
    );
    try {
      checkpointer.written(1);
      await vi.waitFor(() => expect(checkpointer.progress.checkpoints).toBeGreaterThan(0), {
        timeout: 10_000,
      });
      const { last } = checkpointer.progress;
      expect(last?.walFrames).toBeGreaterThan(300);
      expect(last?.checkpointedFrames).toBe(last?.walFrames);
      // The rows are in the database file now, not only in the WAL.
      expect(statSync(file).size).toBeGreaterThanOrEqual(before + 300 * PAGE);
    } finally {
      await checkpointer.close();
      db.close();
    }
  });

  it("checkpoints once enough changes were written, else after the delay, and never two at once", async () => {
    const { file, db } = walDatabase(dir);
    const checkpointer = new SqliteCheckpointer(
      { file, busyTimeoutMs: 1_000 },
      { afterChanges: 10, maxDelayMs: 2_000 },
    );
    const count = () => checkpointer.progress.checkpoints;
    try {
      // Written before the worker is ready: checkpointed once it is.
      checkpointer.written(10);
      await vi.waitFor(() => expect(count()).toBe(1), { timeout: 10_000 });

      // Fewer than ten: nothing yet; the delay brings it.
      checkpointer.written(3);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(count()).toBe(1);
      await vi.waitFor(() => expect(count()).toBe(2), { timeout: 10_000 });

      // Twenty in a burst: one checkpoint at the tenth, one more for the ten written while it ran.
      for (let i = 0; i < 20; i++) checkpointer.written(1);
      await vi.waitFor(() => expect(count()).toBe(4), { timeout: 10_000 });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(count()).toBe(4);
    } finally {
      await checkpointer.close();
      db.close();
    }
  });
});

describe("SqliteStore checkpoints off the writer thread", () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), "loopgate-checkpointed-store-"));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it("moves committed pages into the database file long before the writer's backstop, and leaves no WAL on close", async () => {
    const store = new SqliteStore({ dataDir });
    await store.migrate();
    // The checkpointer serves the writer thread's commits: wait until they go there.
    expect(await store.writerThreadReady()).toBe(true);
    const file = sqliteFile(dataDir);
    // Group commits of 25 submissions: a few MB of WAL, far below the writer's own checkpoint size.
    for (let round = 0; round < 24; round++) {
      const results = await Promise.all(Array.from({ length: 25 }, () => store.commit(submissionChange())));
      expect(results.every((r) => r.ok)).toBe(true);
    }
    expect(statSync(`${file}-wal`).size).toBeLessThan(BACKSTOP_CHECKPOINT_PAGES * PAGE);
    // Every page of the database (as a reader sees it, WAL included) is in the file itself.
    const reader = new Database(file, { readonly: true });
    try {
      const pages = () => reader.pragma("page_count", { simple: true }) as number;
      expect(pages()).toBeGreaterThan(300);
      await vi.waitFor(() => expect(statSync(file).size).toBe(pages() * PAGE), {
        timeout: 10_000,
        interval: 50,
      });
    } finally {
      reader.close();
    }
    await store.close();
    expect(existsSync(`${file}-wal`)).toBe(false);

    const reopened = new SqliteStore({ dataDir });
    try {
      expect(await reopened.historySize(null)).toBe(600);
      expect((await reopened.auditHead())?.seq).toBe(1_800);
    } finally {
      await reopened.close();
    }
  });
});
