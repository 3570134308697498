/**
 * Peak resident memory of this process's child processes (a peer's solver binary), polled from Linux's /proc:
 * the largest VmHWM (the kernel's own peak RSS of a process) seen among the direct children. Node gives no
 * getrusage of children, hence the polling; growth in the last poll interval before a child exits is missed.
 * Elsewhere than Linux the result is null.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';

function childPids(): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      // Fields after the command's closing parenthesis: state, then the parent's pid.
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === process.pid) out.push(Number(d));
    } catch {
      // the process ended meanwhile
    }
  }
  return out;
}

function peakKiB(pid: number): number {
  try {
    return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Starts polling; `stop()` returns the peak in MiB, or null where /proc is not there. */
export function watchChildrenPeak(pollMs = 250): { stop: () => number | null } {
  if (!existsSync('/proc/self/status')) return { stop: () => null };
  let peak = 0;
  const poll = () => {
    for (const pid of childPids()) peak = Math.max(peak, peakKiB(pid));
  };
  const timer = setInterval(poll, pollMs);
  return {
    stop: () => {
      clearInterval(timer);
      return peak / 1024;
    },
  };
}
