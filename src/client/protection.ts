// The one rule for "what protects this cluster and how old is its newest proof", called by `report`
// (src/client/coverage.ts) and by the RPO gauges (src/telemetry/last-success.ts). A proof is a
// completed backup of the cluster's data, whoever took it: Atlas's scheduled snapshots, anyone's
// on-demand snapshot, a flex cluster's daily snapshot, or a backup our runs completed. Pure: the
// callers read Atlas and Temporal, this only judges.
import type { Success, Successes } from '../runs/last-success.js';

export type ClusterKind = 'dedicated' | 'flex';
export type ProofSource = 'atlas-scheduled' | 'atlas-on-demand' | 'atlas-flex' | 'our-run';

/** A cluster's backup policy as Atlas states it (getBackupSchedule plus the cluster's PIT flag). */
export interface BackupPolicy {
  /** Scheduled policy items as "hourly/6", "daily/1"...: empty means Atlas takes no scheduled snapshot. */
  items: string[];
  pitEnabled: boolean;
  restoreWindowDays?: number;
  copyRegions: string[];
  autoExportEnabled: boolean;
}

export interface ProtectionInput {
  kind: ClusterKind;
  /** Dedicated clusters' Cloud Backup switch; flex clusters' backupSettings.enabled. */
  backupEnabled: boolean;
  /** The newest completed snapshot Atlas lists for the cluster. */
  newestSnapshot?: { at: Date; snapshotType: 'scheduled' | 'onDemand' | 'flex' };
  policy?: BackupPolicy;
  /** The project is under a Backup Compliance Policy. */
  compliancePolicy?: boolean;
  /** What our runs proved (src/runs/last-success.ts). */
  runs: Successes;
}

export interface Proof {
  at: Date;
  ageSeconds: number;
  source: ProofSource;
  /** Our run's ids when the proof is our run's backup. */
  run?: Pick<Success, 'workflowId' | 'runId'>;
}

export interface Protection {
  /** Each thing protecting the cluster, in the user's words; empty: nothing does. */
  protectedBy: string[];
  newestProof?: Proof;
}

const ageOf = (at: Date, now: Date) => Math.max(0, Math.round((now.getTime() - at.getTime()) / 1000));

function snapshotSource(t: NonNullable<ProtectionInput['newestSnapshot']>['snapshotType']): ProofSource {
  return t === 'flex' ? 'atlas-flex' : t === 'scheduled' ? 'atlas-scheduled' : 'atlas-on-demand';
}

/** "hourly/6" → "every 6h"; the shortest interval of the policy says how often Atlas snapshots. */
function scheduleText(items: string[]): string {
  const hours = items.map((i) => {
    const [type, n] = i.split('/');
    const per = { hourly: 1, daily: 24, weekly: 24 * 7, monthly: 24 * 30, yearly: 24 * 365 }[type ?? ''] ?? 24;
    return type === 'hourly' ? per * Number(n) : per;
  });
  const h = Math.min(...hours);
  return h < 24 ? `Atlas schedule every ${h}h` : h === 24 ? 'Atlas schedule daily' : `Atlas schedule every ${h / 24}d`;
}

function protectors(i: ProtectionInput): string[] {
  const out: string[] = [];
  if (i.kind === 'flex') {
    if (i.backupEnabled) out.push('Atlas flex snapshots daily');
  } else if (i.backupEnabled && i.policy) {
    if (i.policy.items.length) out.push(scheduleText(i.policy.items));
    if (i.policy.pitEnabled) out.push(i.policy.restoreWindowDays ? `PIT ${i.policy.restoreWindowDays}d` : 'PIT');
    if (i.policy.copyRegions.length) out.push(`copies to ${i.policy.copyRegions.join(',')}`);
    if (i.policy.autoExportEnabled) out.push('Atlas auto-export');
  }
  if (i.compliancePolicy) out.push('compliance policy');
  if (i.runs.backup) out.push('our runs');
  return out;
}

/** What protects the cluster, and its newest proof (the newest of Atlas's snapshot and our runs' backup). */
export function protectionOf(i: ProtectionInput, now: Date): Protection {
  const candidates: Proof[] = [];
  const ours = i.runs.backup;
  if (ours)
    candidates.push({
      at: ours.at,
      ageSeconds: ageOf(ours.at, now),
      source: 'our-run',
      run: { workflowId: ours.workflowId, runId: ours.runId },
    });
  if (i.newestSnapshot) {
    const { at, snapshotType } = i.newestSnapshot;
    candidates.push({ at, ageSeconds: ageOf(at, now), source: snapshotSource(snapshotType) });
  }
  // Our run's snapshot is in Atlas's list too: at an equal time the run (first, kept by a stable sort) names it.
  candidates.sort((a, b) => b.at.getTime() - a.at.getTime());
  return { protectedBy: protectors(i), ...(candidates[0] ? { newestProof: candidates[0] } : {}) };
}

/** 90 → "1m30s", 93784 → "1d2h": two units are enough to judge an age. */
export function formatAge(seconds: number): string {
  const units: [string, number][] = [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ];
  let rest = Math.round(seconds);
  const parts: string[] = [];
  for (const [u, n] of units) {
    if (rest >= n || (u === 's' && parts.length === 0)) {
      parts.push(`${Math.floor(rest / n)}${u}`);
      rest %= n;
    }
    if (parts.length === 2) break;
  }
  return parts.join('');
}
