/**
 * How many threads the native kernels use, adapted to what other processes leave free.
 *
 * A parallel kernel ends at a barrier that waits for every thread. When other processes keep the
 * cores busy, a kernel's second thread is often descheduled and the barrier waits for a whole
 * scheduler time slice: measured on a 2-core machine under a load of 8, a training step took 7x
 * longer with 2 threads than with 1. The governor samples, twice a second, how much CPU the
 * rest of the machine uses (Linux `/proc/stat` minus this process's `/proc/self/stat`) and
 * gives the kernels only the cores that are free (at least one).
 *
 * @packageDocumentation
 */
import { readFileSync } from 'node:fs';

interface Sample {
  /** Busy jiffies of the whole machine. */
  busy: number;
  /** All jiffies of the whole machine. */
  total: number;
  /** Jiffies this process used. */
  self: number;
}

function readSample(): Sample | undefined {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal ...
    const idle = cpu[3] + (cpu[4] ?? 0);
    const total = cpu.slice(0, 8).reduce((a, b) => a + (b || 0), 0);
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields after the command: state(3) ... utime(14) stime(15), numbered from 1 with pid.
    const self = Number(fields[11]) + Number(fields[12]);
    if (!Number.isFinite(total) || !Number.isFinite(self)) return undefined;
    return { busy: total - idle, total, self };
  } catch {
    return undefined;
  }
}

/** Picks the thread count of the native kernels from the machine's load. */
export class ThreadGovernor {
  private last: Sample | undefined;
  private lastCheck = 0;
  private current: number;

  /**
   * @param setThreads - applies a thread count (the addon's `setThreads`).
   * @param maxThreads - the most threads (the core count).
   * @param intervalMs - how often to sample the load.
   */
  constructor(
    private readonly setThreads: (n: number) => void,
    readonly maxThreads: number,
    private readonly intervalMs = 500,
  ) {
    this.current = maxThreads;
    setThreads(maxThreads);
    this.last = readSample();
  }

  /** The thread count in force. */
  get threads(): number {
    return this.current;
  }

  /** Called before each kernel: re-samples the load at most every `intervalMs`. */
  tick(): void {
    const now = performance.now();
    if (now - this.lastCheck < this.intervalMs) return;
    this.lastCheck = now;
    const sample = readSample();
    if (!sample || !this.last) {
      this.last = sample;
      return;
    }
    const dTotal = sample.total - this.last.total;
    if (dTotal <= 0) return;
    // Cores' worth of CPU the other processes used since the last sample.
    const cores = this.maxThreads;
    const others = Math.max(0, ((sample.busy - this.last.busy - (sample.self - this.last.self)) / dTotal) * cores);
    this.last = sample;
    this.apply(ThreadGovernor.choose(cores, others));
  }

  /** Threads to use when the other processes use `others` cores' worth of CPU out of `cores`. */
  static choose(cores: number, others: number): number {
    return Math.max(1, Math.min(cores, Math.round(cores - others)));
  }

  private apply(n: number): void {
    if (n === this.current) return;
    this.current = n;
    this.setThreads(n);
  }
}
