// `atlas-backup report`: backup coverage from Temporal visibility, through the real binary against
// the real dev server, a real worker and the simulator over HTTP, in a project of this file's own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoverageReport } from '../../src/client/coverage.js';
import type { PipelineResult } from '../../src/contract/index.js';
import { eventually, FAST_FLAGS, startCliEnv, type CliEnv } from './helpers.js';

let env: CliEnv;
let p: string;
/** When Atlas took the snapshot of the exported cluster's backup. */
let snapshotCreatedAt: string;
beforeAll(async () => {
  env = await startCliEnv({ timeScale: 0.05 });
  p = env.ids.projectId;
  const backup = (cluster: string, ...more: string[]) =>
    env.cli(['backup', '--project', p, '--cluster', cluster, ...FAST_FLAGS, '--wait', '--json', ...more]);
  const results = await Promise.all([
    // cluster: backed up and exported; other: backed up and restore-tested; ghost: a run that failed.
    backup(env.ids.cluster, '--export-bucket', env.ids.bucketId),
    backup(
      env.ids.other,
      '--restore',
      'automated',
      '--target-project',
      env.ids.targetProjectId,
      '--target-cluster',
      env.ids.target,
      '--overwrite',
      env.ids.target,
    ),
    backup('ghost-cluster'),
  ]);
  expect(results.map((r) => r.code)).toEqual([0, 0, 1]);
  snapshotCreatedAt = (JSON.parse(results[0]!.stdout) as { result: PipelineResult }).result.snapshot!.createdAt!;
}, 120_000);
afterAll(async () => {
  await env?.stop();
});

/** Visibility lags a run's close by a moment: ask until every run shows up. */
async function report(args: string[], ready: (r: CoverageReport) => boolean) {
  return eventually(async () => {
    const r = await env.cli(['report', ...args, '--json']);
    const parsed = JSON.parse(r.stdout) as CoverageReport;
    return ready(parsed) ? { code: r.code, report: parsed } : undefined;
  }, 'the runs to show up in visibility');
}

const all3 = (r: CoverageReport) =>
  r.clusters.length >= 3 && r.clusters.filter((c) => c.lastBackup).length >= 2 && r.clusters.every((c) => c.runs > 0);

describe('atlas-backup report', () => {
  it('shows last backup, export and restore test per cluster, and a cluster whose runs never completed', async () => {
    const { code, report: r } = await report(['--project', p, '--rpo', '1h'], all3);
    const of = (name: string) => r.clusters.find((c) => c.clusterName === name)!;
    // The RPO gauge's rule: a backup is as current as its snapshot, not as late as its run's close.
    expect(of(env.ids.cluster).lastBackup?.at).toBe(new Date(snapshotCreatedAt).toISOString());
    expect(of(env.ids.cluster).lastExport).toBeDefined();
    expect(of(env.ids.cluster).lastRestoreTest).toBeUndefined();
    expect(of(env.ids.other).lastRestoreTest?.workflowId).toBe(of(env.ids.other).lastBackup?.workflowId);
    expect(of('ghost-cluster')).toMatchObject({ runs: 1, breaches: ['no successful backup'] });
    expect(of(env.ids.cluster).breaches).toEqual([]);
    expect(r.breached).toBe(1);
    expect(code).toBe(1);
  });

  it('exits 0 when every named cluster is within the RPO, and reports a named cluster with no runs', async () => {
    const named = ['--cluster', `${p}/${env.ids.cluster}`, '--cluster', `${p}/${env.ids.other}`];
    const ok = await report([...named, '--rpo', '1h'], (r) => r.clusters.every((c) => c.lastBackup));
    expect(ok.code).toBe(0);
    expect(ok.report.clusters.map((c) => c.clusterName).sort()).toEqual([env.ids.cluster, env.ids.other].sort());

    const spare = await env.cli(['report', '--cluster', `${p}/${env.ids.spare}`, '--rpo', '1h']);
    expect(spare.code).toBe(1);
    expect(spare.stdout).toMatch(
      new RegExp(`${env.ids.spare}\\s+none\\s+none\\s+none\\s+none\\s+BREACH: no successful backup`),
    );
  });

  it('exits 1 when a backup is older than --rpo, or no restore test is within --restore-test-max-age', async () => {
    await new Promise((r) => setTimeout(r, 2_100));
    const cluster = ['--cluster', `${p}/${env.ids.cluster}`];
    const old = await report([...cluster, '--rpo', '1s'], (r) => !!r.clusters[0]?.lastBackup);
    expect(old.code).toBe(1);
    expect(old.report.clusters[0]!.breaches[0]).toMatch(/^last backup is (\d+m)?\d+s old \(--rpo 1s\)$/);

    const untested = await env.cli([...['report', ...cluster], '--rpo', '1h', '--restore-test-max-age', '30d']);
    expect(untested.code).toBe(1);
    expect(untested.stdout).toContain('BREACH: no successful restore test');
  });
});
