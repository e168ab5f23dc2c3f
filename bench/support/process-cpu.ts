import { readdirSync, readFileSync } from "node:fs";

/**
 * CPU time of another process, per thread, read from `/proc` (Linux only; elsewhere every figure is
 * empty). On a shared machine wall-clock throughput moves with the neighbours' load, but the CPU a
 * proposal costs does not, so the benchmark reports both.
 */

/** Kernel clock ticks per second (`getconf CLK_TCK`); 100 on every Linux this runs on. */
const TICKS_PER_SECOND = 100;

/**
 * CPU milliseconds (user + system) per thread, keyed `<pid>/main` for a process's main thread (the
 * event loop) and `<pid>/<tid>` for its other threads (worker threads, libuv's pool, V8's GC and
 * compiler threads; Node 20 does not name them).
 */
export type ThreadCpu = Map<string, number>;

/** Every thread of `pids`. */
export function threadCpu(pids: readonly number[]): ThreadCpu {
  const byName: ThreadCpu = new Map();
  for (const pid of pids) {
    let tids: string[];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      try {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
        // The name is in parentheses and may hold spaces; the numeric fields follow the last ")".
        const close = stat.lastIndexOf(")");
        const name = tid === String(pid) ? `${pid}/main` : `${pid}/${tid}`;
        const fields = stat.slice(close + 2).split(" ");
        // Fields 14 and 15 of stat (utime, stime) are at 11 and 12 after the name and state.
        const ms = ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
        byName.set(name, (byName.get(name) ?? 0) + ms);
      } catch {
        // The thread ended between listing and reading.
      }
    }
  }
  return byName;
}

/** The difference `after - before`, per thread name, dropping threads that used nothing. */
export function cpuSince(before: ThreadCpu, after: ThreadCpu): ThreadCpu {
  const spent: ThreadCpu = new Map();
  for (const [name, ms] of after) {
    const delta = ms - (before.get(name) ?? 0);
    if (delta > 0) spent.set(name, delta);
  }
  return spent;
}

export function totalMs(cpu: ThreadCpu): number {
  let sum = 0;
  for (const ms of cpu.values()) sum += ms;
  return sum;
}

/** `pid` and every process started under it (HTTP workers of a cluster), from `/proc/<pid>/task/<tid>/children`. */
export function processTree(pid: number): number[] {
  const found = [pid];
  for (let i = 0; i < found.length; i++) {
    const parent = found[i]!;
    let tids: string[];
    try {
      tids = readdirSync(`/proc/${parent}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      try {
        const children = readFileSync(`/proc/${parent}/task/${tid}/children`, "utf8").trim();
        if (children !== "") found.push(...children.split(" ").map(Number));
      } catch {
        // Gone meanwhile.
      }
    }
  }
  return found;
}
