// `atlas-backup snapshots list|delete|prune` through the real binary against a real simulator over
// HTTP and the run's Temporal dev server; the scheduled prune runs the pruneSnapshots workflow on a
// real worker.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import type { RunningSimulator } from '../../src/simulator/index.js';
import type { PruneSnapshotsResult } from '../../src/contract/index.js';
import { startTestSimulator, startTestWorker, temporalClient, type TestWorker } from '../helpers/temporal.js';
import { eventually, hexId, runCli } from './helpers.js';

const DAY = 86_400_000;
const project = hexId();
const guarded = hexId();
const bucket = hexId();
let sim: RunningSimulator;
let creds: { clientId: string; clientSecret: string };
let worker: TestWorker;
let temporal: { client: Client; close(): Promise<void> };

beforeAll(async () => {
  ({ sim, creds } = await startTestSimulator({
    // Exports of 'busy' stay in progress for the whole file.
    clusterDurations: { busy: { exportQueued: 0, exportPerCollection: 600_000 } },
    seed: {
      projects: [
        {
          id: project,
          name: 'prune-project',
          clusters: ['aging', 'busy', 'listed', 'scheduled'].map((name) => ({ name, kind: 'replicaSet' as const })),
          buckets: [{ id: bucket, bucketName: 'prune-bucket' }],
        },
        {
          id: guarded,
          name: 'prune-guarded',
          clusters: [{ name: 'kept', kind: 'replicaSet' }],
          backupCompliancePolicy: { onDemandPolicyItem: { retentionUnit: 'days', retentionValue: 7 } },
        },
      ],
    },
  }));
  worker = await startTestWorker(sim, { kind: 'serviceAccount', ...creds });
  temporal = await temporalClient();
});
afterAll(async () => {
  await worker?.stop();
  await temporal?.close();
  await sim?.stop();
});

const env = () => ({
  MONGODB_ATLAS_BASE_URL: sim.url,
  MONGODB_ATLAS_CLIENT_ID: creds.clientId,
  MONGODB_ATLAS_CLIENT_SECRET: creds.clientSecret,
});
const snapshots = (args: string[]) => runCli(['snapshots', ...args], { env: env(), taskQueue: worker.taskQueue });

/** An on-demand snapshot `days` old; ours when `run` is given (its description carries the run's tag). */
async function snapshot(groupId: string, clusterName: string, days: number, run?: string): Promise<string> {
  const description = run ? `nightly [atlas-backup:${run}:${hexId()}]` : 'taken by hand';
  const s = await sim.admin.addScheduledSnapshot({
    groupId,
    clusterName,
    ageMs: days * DAY,
    snapshotType: 'onDemand',
    description,
  });
  return s.id;
}
const deleted = (id: string) => sim.model.state.snapshots[id]?.deleted === true;

describe('atlas-backup snapshots', () => {
  it('lists a cluster newest first and says which snapshots are ours', async () => {
    const mine = await snapshot(project, 'listed', 3, 'backup-listed-run');
    const theirs = await snapshot(project, 'listed', 1);
    const r = await snapshots(['list', '-p', project, '-c', 'listed']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^${theirs} .* onDemand  not ours`));
    expect(lines[1]).toMatch(new RegExp(`^${mine} .* onDemand  ours \\(backup-listed-run\\)`));
  });

  it('prunes by age and count: a dry run deletes nothing, --apply deletes exactly what it printed', async () => {
    const d40 = await snapshot(project, 'aging', 40, 'backup-aging-40');
    const d50 = await snapshot(project, 'aging', 50, 'backup-aging-50');
    const d60 = await snapshot(project, 'aging', 60, 'backup-aging-60');
    const fresh = await snapshot(project, 'aging', 2, 'backup-aging-2');
    const notOurs = await snapshot(project, 'aging', 90);
    const args = ['prune', '-p', project, '-c', 'aging', '--older-than', '30d', '--keep-last', '2'];

    const dry = await snapshots(args);
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("cluster 'aging'");
    expect(dry.stdout).toContain('dry run: would delete 2');
    expect(dry.stdout).toMatch(new RegExp(`would delete ${d50} .*50 days old > 30 days, beyond the newest 2`));
    expect(dry.stdout).toMatch(new RegExp(`would delete ${d60} `));
    expect(dry.stdout).toMatch(new RegExp(`keep +${d40} .*among the newest 2`));
    expect(dry.stdout).toMatch(new RegExp(`keep +${fresh} `));
    expect(dry.stdout).not.toContain(notOurs);
    expect([d40, d50, d60, fresh, notOurs].filter(deleted)).toEqual([]);

    const applied = await snapshots([...args, '--apply', '--json']);
    expect(applied.code).toBe(0);
    const result = JSON.parse(applied.stdout) as PruneSnapshotsResult;
    expect(result.clusters[0]!.deleted.sort()).toEqual([d50, d60].sort());
    expect([d40, d50, d60, fresh, notOurs].filter(deleted).sort()).toEqual([d50, d60].sort());

    const again = await snapshots(['delete', d50, '-p', project, '-c', 'aging']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`snapshot ${d50} was already gone`);
  });

  it('refuses to prune a project under a Backup Compliance Policy and says why', async () => {
    const old = await snapshot(guarded, 'kept', 40, 'backup-kept-run');
    const r = await snapshots(['prune', '-p', guarded, '-c', 'kept', '--older-than', '30d', '--apply']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/cluster 'kept' .*refused: .*has a Backup Compliance Policy .*nothing was pruned/);
    expect(deleted(old)).toBe(false);
  });

  it('never prunes a snapshot an export in progress reads', async () => {
    const exporting = await snapshot(project, 'busy', 45, 'backup-busy-a');
    const idle = await snapshot(project, 'busy', 46, 'backup-busy-b');
    const job = await fetchAtlas(`/groups/${project}/clusters/busy/backup/exports`, {
      snapshotId: exporting,
      exportBucketId: bucket,
    });
    const r = await snapshots(['prune', '-p', project, '-c', 'busy', '--older-than', '30d', '--apply']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`keep +${exporting} .*in use by export job ${job.id}`));
    expect(r.stdout).toMatch(new RegExp(`delete ${idle} `));
    expect(deleted(exporting)).toBe(false);
    expect(deleted(idle)).toBe(true);
  });

  it('prunes on a Temporal Schedule: the pruneSnapshots workflow deletes what the rule says', async () => {
    const old = await snapshot(project, 'scheduled', 35, 'backup-scheduled-run');
    const id = `sched-prune-test-${hexId()}`;
    const args = ['prune', '-p', project, '-c', 'scheduled', '--older-than', '30d', '--apply'];
    const r = await snapshots([...args, '--schedule', '0 4 * * *', '--schedule-id', id]);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(id);
    const handle = temporal.client.schedule.getHandle(id);
    try {
      await handle.trigger();
      const run = await eventually(async () => (await handle.describe()).info.recentActions[0]?.action, 'a run');
      const result = (await temporal.client.workflow
        .getHandle(run.workflow.workflowId, run.workflow.firstExecutionRunId)
        .result()) as PruneSnapshotsResult;
      expect(result.clusters[0]!.deleted).toEqual([old]);
      expect(deleted(old)).toBe(true);
    } finally {
      await handle.delete();
    }
  });
});

/** A direct Atlas call with the test's service account (a token, then the request). */
async function fetchAtlas(path: string, body: unknown): Promise<{ id: string }> {
  const basic = Buffer.from(`${creds.clientId}:${creds.clientSecret}`).toString('base64');
  const tokenRes = await fetch(`${sim.url}/api/oauth/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  const { access_token } = (await tokenRes.json()) as { access_token: string };
  const res = await fetch(`${sim.url}/api/atlas/v2${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${access_token}`,
      accept: 'application/vnd.atlas.2024-08-05+json',
      'content-type': 'application/vnd.atlas.2024-08-05+json',
    },
    body: JSON.stringify(body),
  });
  expect(res.ok).toBe(true);
  return (await res.json()) as { id: string };
}
