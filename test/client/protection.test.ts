// The one protection rule `report` and the RPO gauges share, on plain inputs (the rule is pure data;
// both callers are checked end to end in test/cli/report.test.ts and test/telemetry).
import { describe, expect, it } from 'vitest';
import { protectionOf, type BackupPolicy } from '../../src/client/protection.js';

const now = new Date('2026-12-07T12:00:00Z');
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000);
const policy = (items: string[], more: Partial<BackupPolicy> = {}): BackupPolicy => ({
  items,
  pitEnabled: false,
  copyRegions: [],
  autoExportEnabled: false,
  ...more,
});
const run = (h: number) => ({ at: hoursAgo(h), workflowId: 'backup-x', runId: 'r1' });

describe('protection of a cluster', () => {
  it("names Atlas's schedule by its shortest interval, then PIT, copies, auto-export, compliance, our runs", () => {
    const p = protectionOf(
      {
        kind: 'dedicated',
        backupEnabled: true,
        policy: policy(['daily/1', 'hourly/12', 'weekly/6'], {
          pitEnabled: true,
          restoreWindowDays: 3,
          copyRegions: ['EU_WEST_1', 'US_WEST_2'],
          autoExportEnabled: true,
        }),
        compliancePolicy: true,
        runs: { backup: run(1) },
      },
      now,
    );
    expect(p.protectedBy).toEqual([
      'Atlas schedule every 12h',
      'PIT 3d',
      'copies to EU_WEST_1,US_WEST_2',
      'Atlas auto-export',
      'compliance policy',
      'our runs',
    ]);
    const only = (items: string[]) =>
      protectionOf({ kind: 'dedicated', backupEnabled: true, policy: policy(items), runs: {} }, now).protectedBy;
    expect(only(['daily/1', 'monthly/40'])).toEqual(['Atlas schedule daily']);
    expect(only(['weekly/6'])).toEqual(['Atlas schedule every 7d']);
    expect(only([])).toEqual([]);
  });

  it("ignores a dedicated cluster's policy while Cloud Backup is off", () => {
    const off = protectionOf({ kind: 'dedicated', backupEnabled: false, policy: policy(['hourly/6']), runs: {} }, now);
    expect(off).toEqual({ protectedBy: [] });
  });

  it('takes the newest proof, whoever took it, and names our run when it is the same snapshot', () => {
    const snapshot = (h: number, snapshotType: 'scheduled' | 'onDemand' | 'flex' = 'scheduled') => ({
      at: hoursAgo(h),
      snapshotType,
    });
    const atlasNewer = protectionOf(
      { kind: 'dedicated', backupEnabled: true, newestSnapshot: snapshot(2), runs: { backup: run(5) } },
      now,
    );
    expect(atlasNewer.newestProof).toEqual({ at: hoursAgo(2), ageSeconds: 7200, source: 'atlas-scheduled' });
    const same = protectionOf(
      { kind: 'dedicated', backupEnabled: true, newestSnapshot: snapshot(5, 'onDemand'), runs: { backup: run(5) } },
      now,
    );
    expect(same.newestProof).toMatchObject({ source: 'our-run', run: { workflowId: 'backup-x', runId: 'r1' } });
    const flex = protectionOf(
      { kind: 'flex', backupEnabled: true, newestSnapshot: snapshot(30, 'flex'), runs: {} },
      now,
    );
    expect(flex).toEqual({
      protectedBy: ['Atlas flex snapshots daily'],
      newestProof: { at: hoursAgo(30), ageSeconds: 108_000, source: 'atlas-flex' },
    });
  });
});
