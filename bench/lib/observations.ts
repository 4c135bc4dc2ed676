// What the simulator saw during one pipeline: Atlas requests (oauthToken excluded) and, per job,
// how long after it became terminal the first GET that saw it terminal arrived.
import type { SimulatorAdmin } from '../../src/simulator/index.js';

export interface JobIds {
  snapshotId: string;
  exportId: string;
  restoreJobId: string;
}
export type Job = 'snapshot' | 'export' | 'restore';
export const JOBS: Job[] = ['snapshot', 'export', 'restore'];

/** Raw model fields that /__simulator/resources passes through (the admin types list fewer). */
interface RawSnapshot {
  id: string;
  createdAt: number;
  queuedMs: number;
  inProgressMs: number;
}
interface RawExport {
  id: string;
  createdAt: number;
  queuedMs: number;
  perCollectionMs: number;
  totalCollections: number;
}
interface RawRestore {
  id: string;
  createdAt: number;
  durationMs: number;
}

export async function atlasRequests(admin: SimulatorAdmin): Promise<number> {
  const counters = await admin.counters();
  return Object.entries(counters).reduce((sum, [op, n]) => (op === 'oauthToken' ? sum : sum + (n ?? 0)), 0);
}

export interface JobTimeline {
  createdAt: number;
  terminalAt: number;
  gets: number[];
}

/** The job's terminal moment, from the simulator's lifecycle rules (states derive from createdAt + durations). */
async function lifecycles(
  admin: SimulatorAdmin,
  ids: JobIds,
): Promise<Record<Job, { createdAt: number; terminalAt: number }>> {
  const r = await admin.resources();
  const find = <T extends { id: string }>(list: unknown[], id: string, what: string): T => {
    const hit = (list as T[]).find((x) => x.id === id);
    if (!hit) throw new Error(`simulator holds no ${what} ${id}`);
    return hit;
  };
  const s = find<RawSnapshot>(r.snapshots, ids.snapshotId, 'snapshot');
  const e = find<RawExport>(r.exports, ids.exportId, 'export job');
  const j = find<RawRestore>(r.restoreJobs, ids.restoreJobId, 'restore job');
  return {
    snapshot: { createdAt: s.createdAt, terminalAt: s.createdAt + s.queuedMs + s.inProgressMs },
    export: { createdAt: e.createdAt, terminalAt: e.createdAt + e.queuedMs + e.totalCollections * e.perCollectionMs },
    restore: { createdAt: j.createdAt, terminalAt: j.createdAt + j.durationMs },
  };
}

/** Per job: when it was created, when it became terminal, and the times of its successful GETs. */
export async function jobTimelines(admin: SimulatorAdmin, ids: JobIds): Promise<Record<Job, JobTimeline>> {
  const [life, log] = await Promise.all([lifecycles(admin, ids), admin.requestLog()]);
  const idOf: Record<Job, string> = { snapshot: ids.snapshotId, export: ids.exportId, restore: ids.restoreJobId };
  const out = {} as Record<Job, JobTimeline>;
  for (const job of JOBS) {
    const gets = log
      .filter((e) => e.method === 'GET' && e.status === 200 && e.path.endsWith(`/${idOf[job]}`))
      .map((e) => Date.parse(e.at));
    out[job] = { ...life[job], gets };
  }
  return out;
}

/** Real milliseconds from "terminal" to the first successful GET of that job at or after it. */
export function detectionLatencyMs(timelines: Record<Job, JobTimeline>): Record<Job, number> {
  const out = {} as Record<Job, number>;
  for (const job of JOBS) {
    const { terminalAt, gets } = timelines[job];
    const seen = gets.filter((at) => at >= terminalAt);
    if (seen.length === 0) throw new Error(`no GET of the ${job} after it became terminal`);
    out[job] = Math.min(...seen) - terminalAt;
  }
  return out;
}

/** Nearest-rank percentile (p in 0..1) of a non-empty list. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? NaN;
}
