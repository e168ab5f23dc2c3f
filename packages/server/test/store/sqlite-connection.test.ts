import { mkdtempSync, readdirSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSqlite, openSqliteWriter } from "../../src/store/sqlite-connection.ts";

/** The files this process holds open that SQLite created as temporary files (`etilqs_…`). */
function openTemporaryFiles(): string[] {
  const open: string[] = [];
  for (const fd of readdirSync("/proc/self/fd")) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      if (target.includes("etilqs_")) open.push(target);
    } catch {
      // The descriptor closed while listing (readdir's own, for one).
    }
  }
  return open;
}

/**
 * Inside a transaction, runs one statement that rewrites every page of a table (well over SQLite's
 * 64 KiB in-memory limit for a statement journal) and reports the temporary files open before COMMIT.
 */
function temporaryFilesDuringBigStatement(db: Database.Database): string[] {
  db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
  const insert = db.prepare("INSERT INTO t (body) VALUES (?)");
  db.transaction(() => {
    for (let i = 0; i < 400; i++) insert.run("x".repeat(2_000));
  })();
  db.exec("BEGIN IMMEDIATE");
  try {
    db.exec("UPDATE t SET body = 'y' WHERE id = 1");
    // NOT NULL may abort this statement half-way, so SQLite journals the pages it changes.
    db.exec("UPDATE t SET body = body || 'z'");
    return openTemporaryFiles();
  } finally {
    db.exec("ROLLBACK");
  }
}

describe.runIf(process.platform === "linux")("the writer connection", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "loopgate-connection-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps a large statement's journal in memory instead of spilling it to a temporary file", () => {
    const writer = openSqliteWriter(join(dir, "writer.db"), 1_000, true);
    const plain = openSqlite(join(dir, "plain.db"), 1_000);
    try {
      // The control: SQLite's default spills the statement journal to a file, so the check can see one.
      expect(temporaryFilesDuringBigStatement(plain)).toHaveLength(1);
      expect(temporaryFilesDuringBigStatement(writer)).toEqual([]);
    } finally {
      writer.close();
      plain.close();
    }
  });

  it("keeps a 2 MB page cache, which every COMMIT walks while the file is under 1 GiB", () => {
    const writer = openSqliteWriter(join(dir, "writer.db"), 1_000, true);
    const plain = openSqlite(join(dir, "plain.db"), 1_000);
    try {
      // KiB, negative: better-sqlite3's build default of 16 MB stays on connections that only read.
      expect(plain.pragma("cache_size", { simple: true })).toBe(-16_000);
      expect(writer.pragma("cache_size", { simple: true })).toBe(-2_000);
    } finally {
      writer.close();
      plain.close();
    }
  });
});
