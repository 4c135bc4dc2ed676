// A pipeline that proves its copies, end to end: real Temporal dev server, real worker, the
// simulator's data plane (FerretDB with SCRAM on) and its S3 API (moto). Before the snapshot the
// pipeline reads the source's manifest (and writes a canary) as a temporary user; the restore is
// compared with it, and the export is read back from the bucket with the AWS SDK's own credential
// chain (set here through the environment, as an operator would).
import { ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { BackupPipelineRequest, PipelineResult, VerificationSummary } from '../../src/contract/index.js';
import { dataPlaneUnavailable } from '../../src/simulator/index.js';
import { backupPipeline } from '../../src/workflows/index.js';
import { runCli } from '../cli/helpers.js';
import { restoreIntoRequest } from '../helpers/restore-requests.js';
import { FAST, uniqueId, useWorkflowTestEnv, type WorkflowTestEnv } from '../helpers/temporal.js';

const G = '65f1a0c0a1b2c3d4e5f6d0b7';
const BUCKET_ID = '65f1a0c0a1b2c3d4e5f6b0b7';
const seed = {
  projects: [
    {
      id: G,
      clusters: ['src', 'src2', 'good', 'emptied'].map((name) => ({ name, kind: 'replicaSet' as const })),
      buckets: [{ id: BUCKET_ID, bucketName: 'proof-bucket', cloudProvider: 'AWS' as const }],
    },
  ],
  data: {
    src: { app: { users: 300, orders: 120 }, logs: { lines: 50 } },
    src2: { app: { users: 300, orders: 120 }, logs: { lines: 50 } },
  },
};
// The data plane takes its faults at start: src2's snapshots lose a collection, restores into emptied empty one.
const dataFaults = {
  restoreLosesCollection: { clusterName: 'emptied', namespace: 'app.orders', mode: 'empty' as const },
  snapshotLosesCollection: { clusterName: 'src2', namespace: 'logs.lines' },
};

/** Points the AWS SDK's default chain (the worker's, in this process) at the simulator's S3 API. */
function s3Environment(ctx: WorkflowTestEnv): void {
  const s3 = ctx.sim.s3;
  if (!s3) throw new Error('the simulator runs no S3 API (moto not installed: npm run pretest)');
  vi.stubEnv('AWS_ENDPOINT_URL_S3', s3.endpoint);
  vi.stubEnv('AWS_REGION', s3.region);
  vi.stubEnv('AWS_ACCESS_KEY_ID', s3.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', s3.secretAccessKey);
}

const request = (target: string, extra: Partial<BackupPipelineRequest> = {}): BackupPipelineRequest => ({
  ...restoreIntoRequest(G, 'src', target, { verify: { countTolerance: 0, canary: true } }),
  ...extra,
});

async function run(
  ctx: WorkflowTestEnv,
  req: BackupPipelineRequest,
): Promise<{ result?: PipelineResult; failure?: ApplicationFailure }> {
  const handle = await ctx.client.workflow.start(backupPipeline, {
    taskQueue: ctx.worker.taskQueue,
    workflowId: uniqueId('proof'),
    args: [req],
  });
  return handle.result().then(
    (result: PipelineResult) => ({ result }),
    (e: unknown) => {
      expect(e).toBeInstanceOf(WorkflowFailedError);
      return { failure: (e as WorkflowFailedError).cause as ApplicationFailure };
    },
  );
}

const usersLeft = (ctx: WorkflowTestEnv) => Object.keys(ctx.sim.model.state.databaseUsers ?? {});

describe.skipIf(dataPlaneUnavailable())('pipeline with manifest, canary and export verification', () => {
  const ctx = useWorkflowTestEnv({ timeScale: 0.05, seed, faults: { data: dataFaults }, data: { auth: true } });

  beforeAll(() => s3Environment(ctx));
  afterEach(() => ctx.sim.admin.setFaults({}));
  const verdictOf = (s: VerificationSummary | undefined, ns: string) => s?.verdicts?.find((v) => v.namespace === ns);

  /**
   * The Atlas requests verification added to a run (429s left out: pacing, not verification): its
   * users' creates and deletes (the pre-flight's role probe is one delete), snapshot browsing, and
   * every getCluster beyond the target check's own polls.
   */
  async function verificationRequests(result: PipelineResult) {
    const log = (await ctx.sim.admin.requestLog()).filter((e) => e.status !== 429);
    const n = (op: string) => log.filter((e) => e.operationId === op).length;
    const targetPolls = result.status.steps.find((s) => s.name === 'verify-target')?.attempts ?? 0;
    return {
      users: n('createDatabaseUser') + n('deleteDatabaseUser'),
      browsing: n('listBackupSnapshotDatabases') + n('listSnapshotDatabaseCollections'),
      moreGetCluster: n('getCluster') - targetPolls,
    };
  }

  it('a good restore matches the manifest and the canary, and the export matches it file by file', async () => {
    await ctx.sim.admin.resetObservations();
    const { result, failure } = await run(
      ctx,
      request('good', { export: { exportBucketId: BUCKET_ID, customData: [{ key: 'k', value: 'v' }], verify: {} } }),
    );
    expect(failure, failure?.message).toBeUndefined();
    expect(result!.manifest).toMatchObject({
      namespaces: 3,
      omittedNamespaces: 0,
      canary: { runId: expect.any(String) },
    });
    expect(result!.manifest!.digest).toMatch(/^[0-9a-f]{64}$/);
    const restored = result!.restore!.verification;
    expect(restored).toMatchObject({ ok: true, failedNamespaces: 0 });
    expect(verdictOf(restored, 'app.users')).toMatchObject({ verdict: 'ok', expected: 300, actual: 300 });
    expect(verdictOf(restored, 'atlas_backup_canary.canaries')?.verdict).toBe('ok');
    expect(restored?.verdicts?.some((v) => v.detail.startsWith('canary of'))).toBe(true);
    const exported = result!.export!.verification;
    // The .complete file, the manifest's three collections, and the canary's (listed by its metadata.json).
    expect(exported).toMatchObject({ ok: true, failedNamespaces: 0, checked: 5 });
    expect(verdictOf(exported, 'atlas_backup_canary.canaries')?.verdict).toBe('ok');
    expect(verdictOf(exported, 'app.orders')).toMatchObject({ verdict: 'ok', expected: 120, actual: 120 });
    expect(verdictOf(exported, '.complete')?.verdict).toBe('ok');
    expect(result!.status.steps.map((s) => s.name)).toEqual(
      expect.arrayContaining(['capture-manifest', 'take-snapshot', 'verify-export', 'verify-data']),
    );
    const names = result!.status.steps.map((s) => s.name);
    expect(names.indexOf('capture-manifest')).toBeLessThan(names.indexOf('take-snapshot'));
    expect(usersLeft(ctx)).toEqual([]);
    // At most 6 in all: probe, manifest user create + delete, target user create + delete, one page
    // of the snapshot's databases (the manifest names every collection); no connection string read.
    expect(await verificationRequests(result!)).toEqual({ users: 5, browsing: 1, moreGetCluster: 0 });
    await expectVerdictsInCli(result!.workflowId);
  }, 300_000);

  /** `status`, `status --json` and `watch` of the closed run show both verdict tables. */
  async function expectVerdictsInCli(id: string): Promise<void> {
    const text = await runCli(['status', id]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/ {2}data {8}verified: \d+ of \d+ ok, 0 failed/);
    expect(text.stdout).toMatch(/ {2}export data {1}verified: 5 of 5 ok, 0 failed/);
    expect(text.stdout).toMatch(/VERDICT\s+NAMESPACE\s+EXPECTED\s+ACTUAL\s+DETAIL/);
    expect(text.stdout).toMatch(/ok\s+app\.users\s+300\s+300\s+count and indexes match/);
    const json = await runCli(['status', id, '--json']);
    const parsed = JSON.parse(json.stdout) as {
      verification?: VerificationSummary;
      exportVerification?: VerificationSummary;
    };
    expect(verdictOf(parsed.verification, 'app.orders')).toMatchObject({ verdict: 'ok', expected: 120, actual: 120 });
    expect(parsed.exportVerification?.verdicts).toHaveLength(5);
    const watched = await runCli(['watch', id]);
    expect(watched.code, watched.stderr).toBe(0);
    expect(watched.stdout).toMatch(/ok\s+logs\.lines\s+50\s+50\s+1 file\(s\), count matches/);
  }

  it('a restore that emptied a collection fails VerificationFailed: count outside tolerance, named', async () => {
    const { failure } = await run(ctx, request('emptied'));
    expect(failure?.type).toBe('VerificationFailed');
    expect(failure?.message).toMatch(/count-outside-tolerance\s+app\.orders\s+120\s+0\s+empty: held 120 documents/);
    expect(failure?.message).not.toMatch(/count-outside-tolerance\s+app\.users/);
    expect(usersLeft(ctx)).toEqual([]);
  });

  it('a snapshot that silently lost a collection fails: the manifest still names it', async () => {
    const { failure } = await run(ctx, { ...request('good'), clusterName: 'src2' });
    expect(failure?.type).toBe('VerificationFailed');
    expect(failure?.message).toMatch(/missing\s+logs\.lines\s+50\s+-\s+collection not found on the target/);
    expect(usersLeft(ctx)).toEqual([]);
  });

  it('an export that reports success without a collection file fails VerificationFailed naming the file', async () => {
    await ctx.sim.admin.setFaults({ data: { exportMissingFile: 1 } });
    const { result, failure } = await run(ctx, {
      ...FAST,
      groupId: G,
      clusterName: 'src',
      export: { exportBucketId: BUCKET_ID, verify: {} },
    });
    expect(result).toBeUndefined();
    expect(failure?.type).toBe('VerificationFailed');
    expect(failure?.message).toMatch(/missing\s+\S+\s+\S+\s+-\s+no data file under s3:\/\/proof-bucket\/\S+\//);
    expect(usersLeft(ctx)).toEqual([]);
  });
});

describe.skipIf(dataPlaneUnavailable())('pipeline whose snapshot misses the canary', () => {
  const lost = { snapshotLosesCollection: { clusterName: 'src', namespace: 'atlas_backup_canary.canaries' } };
  const ctx = useWorkflowTestEnv({ timeScale: 0.05, seed, faults: { data: lost }, data: { auth: true } });

  it('a restore without the canary written before the snapshot fails canary-missing', async () => {
    const { failure } = await run(ctx, request('good'));
    expect(failure?.type).toBe('VerificationFailed');
    expect(failure?.message).toMatch(/canary-missing\s+atlas_backup_canary\.canaries/);
    expect(usersLeft(ctx)).toEqual([]);
  });
});

describe.skipIf(dataPlaneUnavailable())('pipeline whose restore loses an index', () => {
  const indexed = { ...seed, data: { ...seed.data, src: { ...seed.data.src, shop: { customers: 40 } } } };
  const lost = { restoreLosesIndex: { clusterName: 'good', namespace: 'shop.customers', index: 'email_1' } };
  const ctx = useWorkflowTestEnv({ timeScale: 0.05, seed: indexed, faults: { data: lost }, data: { auth: true } });

  it('a restore with every document but without an index of the source fails index-missing, named', async () => {
    const { failure } = await run(ctx, request('good'));
    expect(failure?.type).toBe('VerificationFailed');
    expect(failure?.message).toMatch(/index-missing\s+shop\.customers\s+40\s+40\s+index not found: email_1/);
    expect(failure?.message).not.toMatch(/(index-missing|count-outside-tolerance|missing)\s+(app|logs)\./);
    expect(usersLeft(ctx)).toEqual([]);
  });
});
