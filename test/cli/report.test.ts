// `atlas-backup report`: the coverage of the whole estate as Atlas shows it, through the real binary
// against the real dev server, a real worker and a simulator over HTTP seeded with 3 projects and 40
// clusters: Atlas's scheduled snapshots, someone's on-demand one, flex clusters, clusters never
// backed up, a project under a Backup Compliance Policy, our own runs, and a typo run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterCoverage, CoverageReport } from '../../src/client/coverage.js';
import type { PipelineResult } from '../../src/contract/index.js';
import type { RunningSimulator, SeedSpec } from '../../src/simulator/index.js';
import { startTestSimulator, startTestWorker, type TestWorker } from '../helpers/temporal.js';
import { eventually, FAST_FLAGS, hexId, runCli } from './helpers.js';

const PROD = hexId();
const DEV = hexId();
const TEAM = hexId();
const BUCKET = hexId();
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
const TYPO = 'prod-ourz';

const SEED: SeedSpec = {
  projects: [
    {
      id: PROD,
      name: 'estate-prod',
      backupCompliancePolicy: { pitEnabled: true, restoreWindowDays: 7 },
      buckets: [{ id: BUCKET, bucketName: 'estate-exports' }],
      clusters: [
        ...range(8).map((i) => ({
          name: `prod-ok-${i}`,
          kind: 'replicaSet' as const,
          snapshots: 2,
          snapshotAgeHours: 2,
          tags: [{ key: 'env', value: 'prod' }],
        })),
        { name: 'prod-copied', kind: 'replicaSet', snapshots: 1, snapshotAgeHours: 3, copyRegions: ['US_WEST_2'] },
        { name: 'prod-sharded', kind: 'sharded', snapshots: 1, snapshotAgeHours: 5 },
        { name: 'prod-stale', kind: 'replicaSet', snapshots: 1, snapshotAgeHours: 72 },
        { name: 'prod-handmade', kind: 'replicaSet', pitEnabled: false, onDemandSnapshotAgeHours: 5 },
        { name: 'prod-ours', kind: 'replicaSet' },
        ...range(2).map((i) => ({ name: `prod-flex-${i}`, kind: 'flex' as const, snapshots: 1, snapshotAgeHours: 6 })),
      ],
    },
    {
      id: DEV,
      name: 'estate-dev',
      clusters: [
        ...range(5).map((i) => ({
          name: `dev-flex-${i}`,
          kind: 'flex' as const,
          snapshots: 3,
          snapshotAgeHours: 10,
          tags: [{ key: 'team', value: i <= 2 ? 'web' : 'data' }],
        })),
        ...range(2).map((i) => ({ name: `dev-flex-empty-${i}`, kind: 'flex' as const })),
        ...range(6).map((i) => ({
          name: `dev-rs-${i}`,
          kind: 'replicaSet' as const,
          snapshots: 1,
          snapshotAgeHours: 12,
          tags: [{ key: 'team', value: i <= 3 ? 'web' : 'data' }],
        })),
        { name: 'dev-restored', kind: 'replicaSet', snapshots: 1, snapshotAgeHours: 12 },
        { name: 'dev-target', kind: 'replicaSet', snapshots: 1, snapshotAgeHours: 12 },
      ],
    },
    {
      id: TEAM,
      name: 'estate-team',
      clusters: [
        ...range(3).map((i) => ({ name: `team-never-${i}`, kind: 'replicaSet' as const, backupEnabled: false })),
        ...range(2).map((i) => ({ name: `team-new-${i}`, kind: 'replicaSet' as const })),
        ...range(5).map((i) => ({
          name: `team-ok-${i}`,
          kind: 'replicaSet' as const,
          snapshots: 1,
          snapshotAgeHours: 20,
        })),
      ],
    },
  ],
};

let sim: RunningSimulator;
let worker: TestWorker;
let atlasEnv: NodeJS.ProcessEnv;
let oursSnapshotAt: string;

const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  runCli(args, { taskQueue: worker.taskQueue, env: { ...atlasEnv, ...env } });

beforeAll(async () => {
  const started = await startTestSimulator({ timeScale: 0.05, seed: SEED, serverlessLegacy: false });
  sim = started.sim;
  atlasEnv = {
    MONGODB_ATLAS_BASE_URL: sim.url,
    MONGODB_ATLAS_CLIENT_ID: started.creds.clientId,
    MONGODB_ATLAS_CLIENT_SECRET: started.creds.clientSecret,
  };
  worker = await startTestWorker(sim, started.auth);
  const backup = (project: string, cluster: string, ...more: string[]) =>
    cli(['backup', '--project', project, '--cluster', cluster, ...FAST_FLAGS, '--wait', '--json', ...more]);
  const results = await Promise.all([
    backup(PROD, 'prod-ours', '--export-bucket', BUCKET),
    backup(
      DEV,
      'dev-restored',
      ...['--restore', 'automated', '--target-project', DEV, '--target-cluster', 'dev-target'],
      ...['--overwrite', 'dev-target'],
    ),
    backup(PROD, TYPO),
  ]);
  expect(results.map((r) => r.code)).toEqual([0, 0, 1]);
  oursSnapshotAt = (JSON.parse(results[0]!.stdout) as { result: PipelineResult }).result.snapshot!.createdAt!;
}, 180_000);
afterAll(async () => {
  await worker?.stop();
  await sim?.stop();
});

/** Visibility lags a run's close by a moment: ask until our runs show up. */
async function report(args: string[] = []) {
  return eventually(async () => {
    const r = await cli(['report', ...args, '--json']);
    const parsed = JSON.parse(r.stdout) as CoverageReport;
    const row = (n: string) => parsed.clusters.find((c) => c.clusterName === n);
    const ready =
      (!row('prod-ours') || row('prod-ours')!.lastExport) &&
      (!row('dev-restored') || row('dev-restored')!.lastRestoreTest) &&
      (args.length || parsed.runsNamingUnknownClusters.length);
    return ready ? { code: r.code, report: parsed } : undefined;
  }, 'our runs to show up in visibility');
}

let full: { code: number; report: CoverageReport };
const row = (name: string): ClusterCoverage => {
  const c = full.report.clusters.find((x) => x.clusterName === name);
  if (!c) throw new Error(`no row for ${name}`);
  return c;
};

describe('atlas-backup report over the estate Atlas shows', () => {
  beforeAll(async () => {
    full = await report();
  }, 60_000);

  it('lists every cluster of the 3 projects, dedicated and flex, whether or not our runs ever named it', () => {
    expect(full.report.clusters).toHaveLength(40);
    expect(full.report.clusters.filter((c) => c.kind === 'flex')).toHaveLength(9);
    expect(full.report.projects.map((p) => p.name).sort()).toEqual(['estate-dev', 'estate-prod', 'estate-team']);
    expect(full.report.projects.find((p) => p.id === PROD)!.compliancePolicy).toMatchObject({ pitEnabled: true });
    expect(full.report.projects.find((p) => p.id === DEV)!.compliancePolicy).toBeNull();
    // One project list; per project its policy and two cluster lists; per cluster one snapshot list,
    // and one schedule per dedicated cluster with Cloud Backup on (28 of the 31 dedicated ones).
    expect(full.report.atlasRequests).toBe(1 + 3 * 3 + 40 + 28);
  });

  it("judges a cluster by Atlas's scheduled snapshots, with its policy and the project's compliance policy", () => {
    const ok = row('prod-ok-1');
    expect(ok.runs).toBe(0);
    expect(ok.newestProof).toMatchObject({ source: 'atlas-scheduled' });
    expect(ok.newestProof!.ageSeconds).toBeGreaterThanOrEqual(2 * 3600);
    expect(ok.newestProof!.ageSeconds).toBeLessThan(3 * 3600);
    expect(ok.protectedBy).toEqual(['Atlas schedule every 6h', 'PIT 7d', 'compliance policy']);
    expect(ok.breaches).toEqual([]);
    expect(row('prod-copied').protectedBy).toContain('copies to US_WEST_2');
    expect(row('prod-copied').policy).toMatchObject({
      copyRegions: ['US_WEST_2'],
      pitEnabled: true,
      restoreWindowDays: 7,
    });
    expect(row('prod-sharded')).toMatchObject({ clusterType: 'SHARDED', newestProof: { source: 'atlas-scheduled' } });
    expect(row('prod-sharded').breaches).toEqual([]);
    expect(row('team-ok-1')).toMatchObject({ compliancePolicy: false, breaches: [] });
  });

  it("counts an on-demand snapshot someone else took, and our own run's backup and export", () => {
    expect(row('prod-handmade').newestProof).toMatchObject({ source: 'atlas-on-demand' });
    expect(row('prod-handmade').protectedBy).not.toContain('PIT 7d');
    const ours = row('prod-ours');
    expect(ours.newestProof).toMatchObject({ source: 'our-run', at: new Date(oursSnapshotAt).toISOString() });
    expect(ours.newestSnapshot).toMatchObject({ snapshotType: 'onDemand', at: oursSnapshotAt });
    expect(ours.lastExport?.workflowId).toBe(ours.lastBackup?.workflowId);
    expect(ours.protectedBy).toContain('our runs');
    expect(row('dev-restored').lastRestoreTest).toBeDefined();
    expect(row('dev-restored').runs).toBe(1);
  });

  it("judges flex clusters by Atlas's own snapshots", () => {
    expect(row('dev-flex-1')).toMatchObject({
      kind: 'flex',
      protectedBy: ['Atlas flex snapshots daily'],
      newestProof: { source: 'atlas-flex' },
      breaches: [],
    });
    expect(row('dev-flex-1').newestProof!.ageSeconds).toBeLessThan(11 * 3600);
    expect(row('dev-flex-empty-1').breaches).toEqual(['no completed flex snapshot']);
  });

  it('breaches clusters never backed up, not yet snapshotted, or older than --rpo', () => {
    for (const i of range(3))
      expect(row(`team-never-${i}`)).toMatchObject({
        protectedBy: [],
        breaches: ['never backed up: Cloud Backup is off and no snapshot exists'],
      });
    expect(row('team-never-1').policy).toBeUndefined();
    expect(row('team-new-1')).toMatchObject({
      protectedBy: ['Atlas schedule every 6h', 'PIT 7d'],
      breaches: ['no completed snapshot yet'],
    });
    expect(row('prod-stale').breaches).toEqual([expect.stringMatching(/^newest backup is 3d\S* old \(--rpo 1d\)$/)]);
    const breached = full.report.clusters.filter((c) => c.breaches.length).map((c) => c.clusterName);
    expect(breached.sort()).toEqual(
      ['dev-flex-empty-1', 'dev-flex-empty-2', 'prod-stale', 'team-new-1', 'team-new-2']
        .concat(range(3).map((i) => `team-never-${i}`))
        .sort(),
    );
    expect(full.report.breached).toBe(8);
    expect(full.code).toBe(1);
  });

  it('lists a run naming a cluster that does not exist apart, never as a coverage row', async () => {
    expect(full.report.clusters.some((c) => c.clusterName === TYPO)).toBe(false);
    expect(full.report.runsNamingUnknownClusters).toEqual([
      expect.objectContaining({ groupId: PROD, clusterName: TYPO, runs: 1 }),
    ]);
    const text = await cli(['report', '--project', PROD]);
    expect(text.stdout).toMatch(
      /prod-ok-1\s+dedicated\s+Atlas schedule every 6h, PIT 7d, compliance policy\s+2h\S* ago/,
    );
    expect(text.stdout).toContain(`runs naming unknown clusters (not coverage; a typo or a deleted cluster):`);
    expect(text.stdout).toContain(`${PROD}/${TYPO}: 1 run(s)`);
    expect(text.code).toBe(1);
  });

  it('filters by project, tag and name glob, and exits 0 when nothing it keeps breaches', async () => {
    const web = await report(['--project', DEV, '--tag', 'team=web']);
    expect(web.report.clusters.map((c) => c.clusterName).sort()).toEqual(
      ['dev-flex-1', 'dev-flex-2', 'dev-rs-1', 'dev-rs-2', 'dev-rs-3'].sort(),
    );
    expect(web.code).toBe(0);
    const named = await report(['--name', 'prod-ok-?']);
    expect(named.report.clusters).toHaveLength(8);
    expect(named.code).toBe(0);
    const both = await report(['--project', PROD, '--project', TEAM, '--name', '*-ok-*']);
    expect(both.report.clusters).toHaveLength(13);
  });

  it('applies --export-max-age and --restore-test-max-age to our runs, export to dedicated clusters only', async () => {
    const exp = await report(['--project', PROD, '--name', 'prod-*', '--export-max-age', '7d']);
    expect(exp.report.clusters.find((c) => c.clusterName === 'prod-ours')!.breaches).toEqual([]);
    expect(exp.report.clusters.find((c) => c.clusterName === 'prod-ok-1')!.breaches).toEqual(['no successful export']);
    expect(exp.report.clusters.find((c) => c.clusterName === 'prod-flex-1')!.breaches).toEqual([]);
    const rt = await report(['--project', DEV, '--name', 'dev-re*', '--restore-test-max-age', '30d']);
    expect(rt.report.clusters.map((c) => [c.clusterName, c.breaches])).toEqual([['dev-restored', []]]);
    expect(rt.code).toBe(0);
  });

  it('refuses a bad --project before any call, and names a project the credentials cannot see', async () => {
    const bad = await cli(['report', '--project', 'nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--project must be a 24-character hex project id');
    const ghost = hexId();
    const unseen = await cli(['report', '--project', ghost, '--json']);
    expect((JSON.parse(unseen.stdout) as CoverageReport).projectsNotVisible).toEqual([ghost]);
    expect(unseen.code).toBe(1);
  });

  it("paces its Atlas reads to the project's budget", async () => {
    await sim.admin.resetObservations();
    const paced = await report(['--project', TEAM, '--project-requests-per-minute', '600']);
    expect(paced.report.clusters).toHaveLength(10);
    // The project's 20 reads (policy, two lists, 10 snapshot lists, 7 schedules) are sent 60 s /
    // (600 × 0.9 headroom) = 111 ms apart; the simulator logs each on its answer, so allow 100 ms.
    // Unpaced, the 20 reads take about 400 ms in all.
    const times = (await sim.admin.requestLog())
      .filter((e) => e.path.includes(`/groups/${TEAM}/`))
      .map((e) => Date.parse(e.at));
    expect(times).toHaveLength(20);
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(19 * 100);
  });

  it('waits out a 429 for its Retry-After instead of reporting the clusters it could not read', async () => {
    await sim.admin.setFaults({ projectRateLimitPerMinute: { [TEAM]: 4 }, projectRateLimitWindowSeconds: 1 });
    try {
      await sim.admin.resetObservations();
      const limited = await report(['--project', TEAM]);
      expect((await sim.admin.requestLog()).filter((e) => e.status === 429).length).toBeGreaterThan(0);
      expect(limited.report.clusters).toHaveLength(10);
      expect(limited.report.projects[0]!.problems).toEqual([]);
      expect(limited.report.clusters.filter((c) => c.problems.length)).toEqual([]);
      expect(limited.report.breached).toBe(5);
    } finally {
      await sim.admin.clearFaults();
    }
  });
});
