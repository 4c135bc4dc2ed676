// The activities' decisions, one activity call at a time: the real activities (createActivities)
// with a real Atlas client against the simulator over HTTP, run in @temporalio/testing's
// MockActivityEnvironment to set the attempt number and the run. Simulator request counters prove
// what each decision did (listed or not, created or adopted).
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createActivities } from '../../src/activities/index.js';
import { AtlasClient } from '../../src/atlas/index.js';
import { NOT_FINISHED, TERMINAL_FAILURE_TYPES, type Activities, type PollDetails } from '../../src/contract/index.js';
import type { Counters } from '../../src/simulator/admin.js';
import { DEMO_IDS, type RunningSimulator } from '../../src/simulator/index.js';
import { startTestSimulator, uniqueId } from '../helpers/temporal.js';

const GROUP = DEMO_IDS.projectId;
const TGT = DEMO_IDS.targetProjectId;
const POLLING = { initialIntervalSeconds: 0.01, maximumIntervalSeconds: 3600, backoffCoefficient: 2 };

const DURATIONS = {
  snapshotQueued: 1_000,
  snapshotInProgress: 10_000,
  exportQueued: 0,
  exportPerCollection: 400,
  exportTotalCollections: 40,
  restoreDownload: 600_000,
};

interface Harness {
  sim: RunningSimulator;
  acts: Activities;
}

/**
 * A simulator and the activities calling it, for one describe block. The export block gets its own:
 * the others advance the simulator's clock, and an export's estimate compares Atlas's createdAt
 * with the worker's clock.
 */
function useSimulator(): Harness {
  const h = {} as Harness;
  let atlas: AtlasClient | undefined;
  beforeAll(async () => {
    const started = await startTestSimulator({ durations: DURATIONS });
    h.sim = started.sim;
    atlas = new AtlasClient({ baseUrl: h.sim.url, auth: started.auth });
    h.acts = createActivities(atlas);
  });
  beforeEach(() => h.sim.admin.resetObservations());
  afterAll(async () => {
    await atlas?.close();
    await h.sim?.stop();
  });
  return h;
}

const main = useSimulator();
const exportsOnly = useSimulator();

/** Runs one activity call as attempt `attempt` of the given run. */
type Run = { workflowId: string; runId: string };
type Result<K extends keyof Activities> = Promise<Awaited<ReturnType<Activities[K]>>>;
function inRun<K extends keyof Activities>(
  run: Run,
  attempt: number,
  name: K,
  input: Parameters<Activities[K]>[0],
): Result<K> {
  return inRunOn(main, run, attempt, name, input);
}
/**
 * Attempt 2 of the run after a first attempt whose create got no clear answer long ago (the record it
 * left with its failure is past the commit horizon): the retry looks for the run's own, then creates.
 */
function inRetryAfterUnclearSend<K extends keyof Activities>(
  run: Run,
  name: K,
  input: Parameters<Activities[K]>[0],
): Result<K> {
  return inRunOn(main, run, 2, name, input, { createSentAt: 0, attempt: 1 });
}
function inRunOn<K extends keyof Activities>(
  h: Harness,
  run: Run,
  attempt: number,
  name: K,
  input: Parameters<Activities[K]>[0],
  heartbeatDetails?: unknown,
): Result<K> {
  // Failures are what most of these calls are about: the environment need not log them as warnings.
  const env = new MockActivityEnvironment(
    { attempt, workflowExecution: run, activityType: name, heartbeatDetails },
    { logger: quiet },
  );
  const fn = h.acts[name] as (i: Parameters<Activities[K]>[0]) => Result<K>;
  return env.run(fn, input) as Result<K>;
}
const quiet = new DefaultLogger('ERROR');
const newRun = () => ({ workflowId: uniqueId('wf'), runId: uniqueId('run') });
const calls = async (h: Harness = main): Promise<Counters> => h.sim.admin.counters();
const failureOf = (p: Promise<unknown>) =>
  p.then(
    () => expect.fail('expected the activity to fail'),
    (e: unknown) => e as ApplicationFailure,
  );

async function newCluster(
  kind: 'replicaSet' | 'flex' | 'serverless' = 'replicaSet',
  groupId: string = GROUP,
  h: Harness = main,
): Promise<string> {
  const name = uniqueId('c');
  await h.sim.admin.seedCluster({ groupId, name, kind });
  return name;
}

describe('takeSnapshot: create on the first attempt, adopt the run\u2019s own on a retry', () => {
  it('never lists on attempt 1; on attempt 2 adopts the snapshot tagged with this run, creating no other', async () => {
    const clusterName = await newCluster();
    const run = newRun();
    const input = { groupId: GROUP, clusterName, description: 'nightly', retentionInDays: 3 };

    const first = await inRun(run, 1, 'takeSnapshot', input);
    expect(first).toMatchObject({ adopted: false, attempts: 1, requests: 2, sharded: false });
    expect(await calls()).toMatchObject({ getCluster: 1, takeSnapshots: 1 });
    expect((await calls()).listBackupSnapshots).toBeUndefined();

    await main.sim.admin.resetObservations();
    const retried = await inRun(run, 2, 'takeSnapshot', input);
    expect(retried).toMatchObject({ id: first.id, adopted: true, attempts: 2 });
    const c = await calls();
    expect(c.listBackupSnapshots).toBe(1);
    expect(c.takeSnapshots).toBeUndefined();
    expect((await main.sim.admin.resources()).snapshots.filter((s) => s.clusterName === clusterName)).toHaveLength(1);
  });

  // Atlas refuses our own snapshot retryably while the other run's one is still running.
  it('does not adopt another run\u2019s snapshot on a retry: it asks Atlas for its own', async () => {
    const clusterName = await newCluster();
    const input = { groupId: GROUP, clusterName, description: 'nightly', retentionInDays: 3 };
    await inRun(newRun(), 1, 'takeSnapshot', input);
    await main.sim.admin.resetObservations();

    const err = await failureOf(inRetryAfterUnclearSend(newRun(), 'takeSnapshot', input));
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'UNFINISHED_ON_DEMAND_SNAPSHOT', nonRetryable: false });
    expect(await calls()).toMatchObject({ listBackupSnapshots: 1, takeSnapshots: 1 });
  });
});

describe('awaitSnapshot: one read per attempt', () => {
  it('throws the benign retryable NotFinished failure while the snapshot runs; returns once it completed', async () => {
    const clusterName = await newCluster();
    const taken = await inRun(newRun(), 1, 'takeSnapshot', {
      groupId: GROUP,
      clusterName,
      description: 'd',
      retentionInDays: 1,
    });
    const input = { groupId: GROUP, clusterName, snapshotId: taken.id, sharded: false, polling: POLLING };
    await main.sim.admin.resetObservations();

    const running = await failureOf(inRun(newRun(), 3, 'awaitSnapshot', input));
    expect(running).toMatchObject({
      type: NOT_FINISHED,
      nonRetryable: false,
      category: ApplicationFailureCategory.BENIGN,
    });
    expect(running.nextRetryDelay).toBeUndefined(); // the policy's backoff decides
    expect(running.details?.[0]).toMatchObject({
      resource: 'snapshot',
      id: taken.id,
      state: expect.stringMatching(/queued|inProgress/),
    });
    expect((await calls()).getClusterBackupSnapshot).toBe(1);

    await main.sim.admin.advanceClock(60_000);
    const done = await inRun(newRun(), 4, 'awaitSnapshot', input);
    expect(done).toMatchObject({ state: 'completed', attempts: 4 });
    expect(done.facts.createdAt).toBeTruthy();
  });

  it('stops on a failed snapshot with the contract\u2019s non-retryable SnapshotFailed', async () => {
    const clusterName = await newCluster();
    await main.sim.admin.failNext({ target: 'snapshot', groupId: GROUP, clusterName });
    const taken = await inRun(newRun(), 1, 'takeSnapshot', {
      groupId: GROUP,
      clusterName,
      description: 'd',
      retentionInDays: 1,
    });
    await main.sim.admin.advanceClock(60_000);

    const err = await failureOf(
      inRun(newRun(), 2, 'awaitSnapshot', {
        groupId: GROUP,
        clusterName,
        snapshotId: taken.id,
        sharded: false,
        polling: POLLING,
      }),
    );
    expect(err).toMatchObject({ type: 'SnapshotFailed', nonRetryable: true });
    expect(TERMINAL_FAILURE_TYPES).toContain(err.type);
    expect(err.message).toContain(taken.id);
    expect(err.details?.[0]).toMatchObject({ resource: 'snapshot', state: 'failed' });
  });
});

describe('awaitExport: polls close to the estimated completion', () => {
  async function runningExport() {
    const clusterName = await newCluster('replicaSet', GROUP, exportsOnly);
    const snap = await exportsOnly.sim.admin.addScheduledSnapshot({ groupId: GROUP, clusterName, ageMs: 3_600_000 });
    const job = await inRunOn(exportsOnly, newRun(), 1, 'startExport', {
      groupId: GROUP,
      clusterName,
      snapshotId: snap.id,
      exportBucketId: DEMO_IDS.bucketId,
      customData: [],
    });
    return { clusterName, exportJobId: job.id };
  }

  it('sets nextRetryDelay from its completion estimate (remaining collections at the observed rate)', async () => {
    const { clusterName, exportJobId } = await runningExport();
    // Wait (on a condition, not a budget) until a few collections are exported.
    let err: ApplicationFailure;
    let details: PollDetails;
    do {
      await new Promise((r) => setTimeout(r, 200));
      err = await failureOf(
        inRunOn(exportsOnly, newRun(), 2, 'awaitExport', {
          groupId: GROUP,
          clusterName,
          exportJobId,
          polling: POLLING,
        }),
      );
      details = err.details?.[0] as PollDetails;
    } while (!details.exportedCollections);
    expect(err.type).toBe(NOT_FINISHED);
    expect(details.totalCollections).toBe(40);
    const remaining = details.totalCollections! - details.exportedCollections!;
    // Each collection takes 400 ms in the simulator: the estimate is at least the remaining work.
    expect(details.nextPollMs).toBeGreaterThanOrEqual(remaining * 400 * 0.9);
    expect(err.nextRetryDelay).toBe(Math.round(details.nextPollMs!));
  });

  it('keeps the estimate within the policy: never later than maximumIntervalSeconds', async () => {
    const { clusterName, exportJobId } = await runningExport();
    let err: ApplicationFailure;
    do {
      await new Promise((r) => setTimeout(r, 200));
      err = await failureOf(
        inRunOn(exportsOnly, newRun(), 2, 'awaitExport', {
          groupId: GROUP,
          clusterName,
          exportJobId,
          polling: { ...POLLING, maximumIntervalSeconds: 1 },
        }),
      );
    } while (!(err.details?.[0] as PollDetails).exportedCollections);
    expect(err.nextRetryDelay).toBe(1000);
  });
});

describe('startRestore: adopt by exact request match, and only on retries', () => {
  async function download(clusterName: string) {
    const snap = await main.sim.admin.addScheduledSnapshot({ groupId: GROUP, clusterName, ageMs: 3_600_000 });
    return {
      source: { kind: 'dedicated' as const, groupId: GROUP, clusterName },
      restore: { deliveryType: 'download' as const, snapshotId: snap.id },
      stepStartedAt: new Date(Date.now() - 1000).toISOString(),
    };
  }

  it('creates on attempt 1 without listing (an identical job exists); a retry adopts the matching job', async () => {
    const clusterName = await newCluster();
    const input = await download(clusterName);
    const run = newRun();
    const a = await inRun(run, 1, 'startRestore', input);
    const b = await inRun(run, 1, 'startRestore', input);
    expect(b.id).not.toBe(a.id);
    expect(await calls()).toMatchObject({ createBackupRestoreJob: 2 });
    expect((await calls()).listBackupRestoreJobs).toBeUndefined();

    await main.sim.admin.resetObservations();
    const retried = await inRun(run, 2, 'startRestore', input);
    expect(retried.adopted).toBe(true);
    expect([a.id, b.id]).toContain(retried.id);
    expect(await calls()).toMatchObject({ listBackupRestoreJobs: 1 });
    expect((await calls()).createBackupRestoreJob).toBeUndefined();
  });

  it('does not adopt a job for another snapshot on a retry: it creates its own', async () => {
    const clusterName = await newCluster();
    const other = await download(clusterName);
    await inRun(newRun(), 1, 'startRestore', other);
    const mine = await download(clusterName);
    await main.sim.admin.resetObservations();

    const retried = await inRetryAfterUnclearSend(newRun(), 'startRestore', mine);
    expect(retried.adopted).toBe(false);
    // A retry looks, creates, and lists once more to reconcile (a zombie attempt may have created too).
    expect(await calls()).toMatchObject({ listBackupRestoreJobs: 2, createBackupRestoreJob: 1 });
  });
});

describe('cancelRestore and verifyTargetIdle', () => {
  it('reports "did not cancel" for an automated restore (Atlas refuses) instead of failing', async () => {
    const clusterName = await newCluster();
    const target = await newCluster('replicaSet', TGT);
    const snap = await main.sim.admin.addScheduledSnapshot({ groupId: GROUP, clusterName, ageMs: 3_600_000 });
    const source = { kind: 'dedicated' as const, groupId: GROUP, clusterName };
    const job = await inRun(newRun(), 1, 'startRestore', {
      source,
      restore: { deliveryType: 'automated', snapshotId: snap.id, targetGroupId: TGT, targetClusterName: target },
      stepStartedAt: new Date().toISOString(),
    });
    await main.sim.admin.resetObservations();

    const result = await inRun(newRun(), 1, 'cancelRestore', { source, restoreJobId: job.id });
    expect(result.cancelled).toBe(false);
    expect(result.detail).toContain(`Atlas did not cancel restore job ${job.id}`);
    expect(result.detail).toContain('CANNOT_CANCEL_AUTOMATED_RESTORE');
    expect(await calls()).toMatchObject({ cancelBackupRestoreJob: 1 });
  });

  it('says a flex restore cannot be cancelled without calling Atlas', async () => {
    const result = await inRun(newRun(), 1, 'cancelRestore', {
      source: { kind: 'flex', groupId: GROUP, clusterName: DEMO_IDS.flex },
      restoreJobId: 'x'.repeat(24),
    });
    expect(result).toMatchObject({ cancelled: false, detail: expect.stringContaining('no cancel endpoint for flex') });
    expect(Object.values(await calls()).reduce((a, b) => a + (b ?? 0), 0)).toBe(0);
  });

  it('accepts a flex target through its restore job, since getCluster refuses flex clusters', async () => {
    const target = await newCluster('flex', TGT);
    const v = await inRun(newRun(), 1, 'verifyTargetIdle', {
      groupId: TGT,
      clusterName: target,
      polling: POLLING,
      restoreJobId: 'r1',
    });
    expect(v).toEqual({ stateName: 'COMPLETED', via: 'flexRestoreJob', attempts: 1 });
    expect(await calls()).toMatchObject({ getCluster: 1 });
  });

  it('keeps polling a dedicated target until it is IDLE', async () => {
    const target = await newCluster('replicaSet', TGT);
    await main.sim.admin.setClusterState({ groupId: TGT, name: target, stateName: 'REPAIRING' });
    const input = { groupId: TGT, clusterName: target, polling: POLLING, restoreJobId: 'r1' };
    const busy = await failureOf(inRun(newRun(), 1, 'verifyTargetIdle', input));
    expect(busy).toMatchObject({
      type: NOT_FINISHED,
      details: [expect.objectContaining({ resource: 'cluster', state: 'REPAIRING' })],
    });

    await main.sim.admin.setClusterState({ groupId: TGT, name: target, stateName: 'IDLE' });
    expect(await inRun(newRun(), 2, 'verifyTargetIdle', input)).toEqual({
      stateName: 'IDLE',
      via: 'getCluster',
      attempts: 2,
    });
  });
});

describe('advice fits the command whose run stopped (issue 11)', () => {
  /** Runs one activity as the first attempt of a run of `workflowType`. */
  function asStepOf<K extends keyof Activities>(workflowType: string, name: K, ...args: Parameters<Activities[K]>) {
    const info = { attempt: 1, workflowExecution: newRun(), activityType: name, workflowType };
    const env = new MockActivityEnvironment(info, { logger: quiet });
    return env.run(main.acts[name] as (...a: Parameters<Activities[K]>) => Result<K>, ...args) as Result<K>;
  }

  it('backup on a flex cluster says the pipeline is for dedicated clusters, not to use the flex kind', async () => {
    const clusterName = await newCluster('flex');
    const input = { groupId: GROUP, clusterName, description: 'nightly', retentionInDays: 3 };
    const err = await failureOf(asStepOf('backupPipeline', 'takeSnapshot', input));
    expect(err.type).toBe('CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API');
    expect(err.message).not.toContain('flex source kind');
    expect(err.message).toContain('the backup pipeline runs on dedicated clusters only');
    expect(err.message).toContain('atlas-backup dr --source-kind flex');
  });

  it('dr on a flex cluster named as dedicated points at the flex source kind', async () => {
    const clusterName = await newCluster('flex');
    const source = { kind: 'dedicated' as const, groupId: GROUP, clusterName };
    const err = await failureOf(asStepOf('disasterRecovery', 'selectDrSnapshot', { source }));
    expect(err.type).toBe('CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API');
    expect(err.message).toContain('use the flex source kind (--source-kind flex)');
  });

  it('a serverless source without a completed snapshot is not told to take an on-demand snapshot', async () => {
    const clusterName = await newCluster('serverless');
    const source = { kind: 'serverless' as const, groupId: GROUP, clusterName };
    const err = await failureOf(asStepOf('disasterRecovery', 'selectDrSnapshot', { source }));
    expect(err.type).toBe('NoCompletedSnapshot');
    expect(err.message).not.toMatch(/on-demand snapshot and wait|restore a point in time/);
    expect(err.message).toContain('wait for the next scheduled snapshot');
  });
});
