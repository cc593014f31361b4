/** CPU time of another process (a proxy the bench runs in a process of its own), from Linux's /proc. */
import { readdirSync, readFileSync } from 'node:fs';

/** How often `untilIdle()` samples, and what a process may still use per sample once idle. */
const SAMPLE_MS = 20;
const IDLE_CPU_MS = 0.5;

/**
 * Time on CPU of every thread of a process so far, in ms (the first field of each task's
 * schedstat, in ns: proc(5)), V8's GC helpers included as process.cpuUsage() includes them.
 * /proc/PID/stat has the same in clock ticks, 10 ms each: too coarse for ~150 ms per burst.
 * Undefined without /proc.
 */
export function processCpuMs(pid: number): number | undefined {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return undefined;
  }
  let ns = 0;
  for (const task of tasks) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // a thread that ended since the listing: its time is gone with it
    }
  }
  return ns / 1e6;
}

/** Starts measuring a process's CPU: the function returns the ms it has used since (undefined without /proc). */
export function processCpuSince(pid: number): () => number | undefined {
  return since(() => processCpuMs(pid));
}

/** What a thread did with its time, in ms: ran, or was ready to run and waited for a core. */
export interface ThreadTime {
  cpuMs: number;
  /** Ready to run but waiting in the scheduler's run queue (every core busy with something else). */
  runQueueMs: number;
}

/**
 * A process's main thread (its task whose id is the pid): what a run costs in its own thread,
 * without V8's compiler and GC helper threads, which a second core runs alongside; and how long it
 * waited for a core. The first two fields of its schedstat, in ns (proc(5)). Undefined without /proc.
 */
export function mainThreadTime(pid: number): ThreadTime | undefined {
  try {
    const [cpuNs, runQueueNs] = readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ').map(Number);
    return { cpuMs: cpuNs! / 1e6, runQueueMs: runQueueNs! / 1e6 };
  } catch {
    return undefined;
  }
}

/** Starts measuring a process's main thread: the function returns its time since (undefined without /proc). */
export function mainThreadTimeSince(pid: number): () => ThreadTime | undefined {
  const before = mainThreadTime(pid);
  return () => {
    const after = mainThreadTime(pid);
    return before && after && { cpuMs: after.cpuMs - before.cpuMs, runQueueMs: after.runQueueMs - before.runQueueMs };
  };
}

/** The growth of a reading from now on, as a function to call later; undefined when either reading is. */
function since(read: () => number | undefined): () => number | undefined {
  const before = read();
  return () => {
    const after = read();
    return before === undefined || after === undefined ? undefined : after - before;
  };
}

/**
 * Resolves once a process has gone idle (it has finished closing what the clients closed): a
 * sample that adds less than IDLE_CPU_MS. Without /proc, after one sample's wait.
 */
export async function untilIdle(pid: number): Promise<void> {
  let last = processCpuMs(pid);
  for (;;) {
    await new Promise((r) => setTimeout(r, SAMPLE_MS));
    const now = processCpuMs(pid);
    if (now === undefined || last === undefined || now - last < IDLE_CPU_MS) return;
    last = now;
  }
}
