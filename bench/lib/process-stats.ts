// What the load benches read about a child process from /proc: its RSS over a phase and its CPU seconds.
import { readFileSync } from 'node:fs';

/** VmRSS of a process in MB, sampled every 250 ms until stopped: the peak and the last sample. */
export function sampleRss(pid: number) {
  let peak = 0;
  let last = 0;
  const read = () => {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) last = Number(m[1]) / 1024;
      peak = Math.max(peak, last);
    } catch {
      // the process ended
    }
  };
  const timer = setInterval(read, 250);
  read();
  return { peak: () => peak, last: () => last, stop: () => clearInterval(timer) };
}

/** CPU seconds (user + system) a process has used so far (0 once it has ended). */
export function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime are fields 14 and 15 of the whole line, in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** This process's CPU seconds. */
export const ownCpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
