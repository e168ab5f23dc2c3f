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

/**
 * The whole machine's CPU time by kind, in milliseconds summed over every core, from the first line
 * of `/proc/stat`. Per-thread figures miss what the kernel does for no thread of ours in particular
 * (interrupts, softirq work such as loopback TCP delivery, journal writeback) and say nothing of how
 * busy the cores were; on a 2-core machine shared by the server and its load generator that is what
 * tells a saturated machine from a pipeline waiting on itself.
 */
export interface MachineCpu {
  /** User code, `nice` included. */
  user: number;
  /** The kernel on behalf of a process: system calls, page faults. */
  system: number;
  /** Hardware and software interrupts (softirq carries loopback TCP delivery and block I/O completion). */
  interrupts: number;
  /** Nothing to run; `iowait` (nothing to run while I/O is outstanding) is idle too. */
  idle: number;
  /** Time the hypervisor gave this VM's cores to someone else. */
  steal: number;
}

/**
 * Parses the aggregate `cpu` line of `/proc/stat` (fields in clock ticks: user nice system idle iowait
 * irq softirq steal …); null when there is none.
 *
 * @example
 * ```ts
 * parseMachineCpu("cpu  200 10 50 700 40 0 5 0 0 0\ncpu0 …");
 * // { user: 2100, system: 500, interrupts: 50, idle: 7400, steal: 0 }
 * ```
 */
export function parseMachineCpu(procStat: string): MachineCpu | null {
  const line = procStat.split("\n").find((l) => l.startsWith("cpu "));
  if (line === undefined) return null;
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map((ticks) => (Number(ticks) * 1000) / TICKS_PER_SECOND);
  return {
    user: (user ?? 0) + (nice ?? 0),
    system: system ?? 0,
    interrupts: (irq ?? 0) + (softirq ?? 0),
    idle: (idle ?? 0) + (iowait ?? 0),
    steal: steal ?? 0,
  };
}

/** The machine's CPU now (all zero where `/proc/stat` cannot be read). */
export function machineCpu(): MachineCpu {
  try {
    return parseMachineCpu(readFileSync("/proc/stat", "utf8")) ?? NO_MACHINE_CPU;
  } catch {
    return NO_MACHINE_CPU;
  }
}

const NO_MACHINE_CPU: MachineCpu = { user: 0, system: 0, interrupts: 0, idle: 0, steal: 0 };

/** `after - before`, kind by kind. */
export function machineSince(before: MachineCpu, after: MachineCpu): MachineCpu {
  return {
    user: after.user - before.user,
    system: after.system - before.system,
    interrupts: after.interrupts - before.interrupts,
    idle: after.idle - before.idle,
    steal: after.steal - before.steal,
  };
}
