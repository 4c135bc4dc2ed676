// Exactly one resource per create step (issue 12 point 1), one activity call at a time: duplicates
// carrying the run's mark already exist in the simulator (made by the test over real HTTP), and the
// real activity keeps the oldest, deletes or cancels the others where Atlas allows, and says so in
// `notes`. MockActivityEnvironment only sets the attempt and the run; every Atlas call is real HTTP.
import { createServer } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../src/activities/index.js';
import { AWAITING_COMMIT_HORIZON } from '../../src/activities/core.js';
import { AtlasClient } from '../../src/atlas/index.js';
import { customDataTags, tagFor, type Activities } from '../../src/contract/index.js';
import { DEMO_IDS, type RunningSimulator } from '../../src/simulator/index.js';
import { startTestSimulator, uniqueId } from '../helpers/temporal.js';

const GROUP = DEMO_IDS.projectId;
let sim: RunningSimulator;
let atlas: AtlasClient;
let acts: Activities;

beforeAll(async () => {
  // Snapshots complete at once, so a second on-demand snapshot is not refused as unfinished.
  const started = await startTestSimulator({ durations: { snapshotQueued: 0, snapshotInProgress: 0 } });
  sim = started.sim;
  atlas = new AtlasClient({ baseUrl: sim.url, auth: started.auth, commitHorizonMs: 60_000 });
  acts = createActivities(atlas);
});
afterAll(async () => {
  await atlas?.close();
  await sim?.stop();
});

const quiet = new DefaultLogger('ERROR');
type Run = { workflowId: string; runId: string };
function inRun<K extends keyof Activities>(
  run: Run,
  attempt: number,
  name: K,
  input: Parameters<Activities[K]>[0],
  heartbeatDetails?: unknown,
): Promise<Awaited<ReturnType<Activities[K]>>> {
  const env = new MockActivityEnvironment(
    { attempt, workflowExecution: run, activityType: name, heartbeatDetails },
    { logger: quiet },
  );
  const fn = acts[name] as (i: typeof input) => Promise<Awaited<ReturnType<Activities[K]>>>;
  return env.run(fn, input);
}
const newRun = () => ({ workflowId: uniqueId('wf'), runId: uniqueId('run') });

/** Attempt `attempt` of a new run, keeping what it heartbeats: the record it leaves the next attempt. */
function recordedAttempt(attempt: number, heartbeatDetails?: unknown) {
  const env = new MockActivityEnvironment(
    { attempt, workflowExecution: newRun(), heartbeatDetails },
    { logger: quiet },
  );
  const beats: unknown[] = [];
  env.on('heartbeat', (d: unknown) => beats.push(d));
  return { beats, run: <I, R>(fn: (input: I) => Promise<R>, input: I) => env.run(fn, input) };
}

async function newCluster(): Promise<string> {
  const name = uniqueId('c');
  await sim.admin.seedCluster({ groupId: GROUP, name, kind: 'replicaSet' });
  return name;
}

describe('create steps reconcile: the run\u2019s oldest resource is kept, the others removed or reported', () => {
  it('takeSnapshot: of three tagged snapshots keeps the oldest, deletes the others, a note each', async () => {
    const clusterName = await newCluster();
    const run = newRun();
    const path = { groupId: GROUP, clusterName };
    const made: string[] = [];
    for (let i = 0; i < 3; i++) {
      const s = await atlas.request('takeSnapshots', { path, body: { description: tagFor(run), retentionInDays: 1 } });
      made.push(s.id);
    }
    const r = await inRun(run, 2, 'takeSnapshot', { ...path, description: 'nightly', retentionInDays: 1 });
    expect(r).toMatchObject({ id: made[0], adopted: true });
    const left = (await sim.admin.resources()).snapshots.filter((s) => s.clusterName === clusterName && !s.deleted);
    expect(left.map((s) => s.id)).toEqual([made[0]]);
    expect(r.notes).toHaveLength(2);
    for (const id of made.slice(1)) expect(r.notes!.join('\n')).toContain(`Duplicate snapshot ${id}`);
    expect(r.notes![0]).toContain('deleted it');
  });

  it('startExport: keeps the oldest tagged export job; the note says the other runs on (no cancel)', async () => {
    const clusterName = await newCluster();
    const run = newRun();
    const snap = await sim.admin.addScheduledSnapshot({ groupId: GROUP, clusterName, ageMs: 3_600_000 });
    const body = { snapshotId: snap.id, exportBucketId: DEMO_IDS.bucketId, customData: customDataTags(run) };
    const path = { groupId: GROUP, clusterName };
    const first = await atlas.request('createBackupExport', { path, body });
    const second = await atlas.request('createBackupExport', { path, body });
    const input = { ...path, snapshotId: snap.id, exportBucketId: DEMO_IDS.bucketId, customData: [] };
    const r = await inRun(run, 3, 'startExport', input);
    expect(r.id).toBe(first.id);
    expect(r.notes).toEqual([expect.stringContaining(`Duplicate export job ${second.id}`)]);
    expect(r.notes![0]).toContain('keeps running');
  });

  it('startRestore: of two download restores of the run\u2019s snapshot keeps the oldest, cancels one', async () => {
    const clusterName = await newCluster();
    const run = newRun();
    const snap = await sim.admin.addScheduledSnapshot({ groupId: GROUP, clusterName, ageMs: 3_600_000 });
    const stepStartedAt = new Date(Date.now() - 1000).toISOString();
    const path = { groupId: GROUP, clusterName };
    const body = { deliveryType: 'download' as const, snapshotId: snap.id };
    const first = await atlas.request('createBackupRestoreJob', { path, body });
    const second = await atlas.request('createBackupRestoreJob', { path, body });
    const r = await inRun(run, 2, 'startRestore', {
      source: { kind: 'dedicated', ...path },
      restore: { deliveryType: 'download', snapshotId: snap.id },
      stepStartedAt,
    });
    expect(r.id).toBe(first.id);
    expect(r.notes).toEqual([expect.stringContaining(`Duplicate restore job ${second.id}`)]);
    expect(r.notes![0]).toContain('cancelled it');
    const jobs = (await sim.admin.resources()).restoreJobs.filter((j) => [first.id, second.id].includes(j.id));
    expect(jobs.find((j) => j.id === second.id)?.cancelledAt).toBeDefined();
    expect(jobs.find((j) => j.id === first.id)?.cancelledAt).toBeUndefined();
  });

  it('startRestore: a same-request job created before the step began is not ours, and is left alone', async () => {
    const clusterName = await newCluster();
    const snap = await sim.admin.addScheduledSnapshot({ groupId: GROUP, clusterName, ageMs: 3_600_000 });
    const path = { groupId: GROUP, clusterName };
    const body = { deliveryType: 'download' as const, snapshotId: snap.id };
    const older = await atlas.request('createBackupRestoreJob', { path, body });
    // The step began well after that job was created (past the clock slack): ids carry their seconds.
    const stepStartedAt = new Date(Date.now() + 120_000).toISOString();
    const r = await inRun(newRun(), 1, 'startRestore', {
      source: { kind: 'dedicated', ...path },
      restore: { deliveryType: 'download', snapshotId: snap.id },
      stepStartedAt,
    });
    expect(r.id).not.toBe(older.id);
    expect(r.notes).toBeUndefined();
  });
});

describe('after an ambiguous create, no new create until the commit horizon has passed', () => {
  it('finding nothing within the horizon of a recorded send, the attempt waits (delayed retry)', async () => {
    const clusterName = await newCluster();
    await sim.admin.resetObservations();
    const sentAt = Date.now() - 5_000;
    const err = await inRun(
      newRun(),
      2,
      'takeSnapshot',
      { groupId: GROUP, clusterName, description: 'd', retentionInDays: 1 },
      { createSentAt: sentAt, attempt: 1 },
    ).then(
      () => expect.fail('expected the attempt to wait'),
      (e: unknown) => e as ApplicationFailure,
    );
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: AWAITING_COMMIT_HORIZON, nonRetryable: false });
    // 60 s horizon from a send 5 s ago: about 55 s left.
    expect(Number(err.nextRetryDelay)).toBeGreaterThan(50_000);
    expect(Number(err.nextRetryDelay)).toBeLessThanOrEqual(55_000);
    expect((await sim.admin.counters()).takeSnapshots).toBeUndefined();
  });

  it('past the horizon the attempt creates (a send long ago can no longer commit unseen)', async () => {
    const clusterName = await newCluster();
    const r = await inRun(
      newRun(),
      2,
      'takeSnapshot',
      { groupId: GROUP, clusterName, description: 'd', retentionInDays: 1 },
      { createSentAt: Date.now() - 61_000, attempt: 1 },
    );
    expect(r).toMatchObject({ adopted: false });
  });

  // A heartbeat is a server write: three per run when every create recorded its send time first.
  // The send time now travels only with a failure (its report carries the details), so a create
  // that succeeds makes no heartbeat at all.
  it('a create that succeeds records nothing; one that fails leaves the next attempt its send time', async () => {
    const first = recordedAttempt(1);
    const input = { groupId: GROUP, clusterName: await newCluster(), description: 'd', retentionInDays: 1 };
    await expect(first.run(acts.takeSnapshot, input)).resolves.toMatchObject({ adopted: false });
    expect(first.beats).toEqual([]);

    // A retry after a refused create sends at once; a reset before Atlas ran it: the attempt looks at
    // once, finds nothing and fails, leaving its send time to the next.
    const clusterName = await newCluster();
    await sim.admin.resetObservations();
    await sim.admin.setFaults({ operations: { takeSnapshots: { reset: 1 } } });
    const failing = recordedAttempt(2, { nothingCreated: true, attempt: 1 });
    const before = Date.now();
    const err = await failing
      .run(acts.takeSnapshot, { ...input, clusterName })
      .catch((e: unknown) => e as ApplicationFailure);
    await sim.admin.clearFaults();
    expect(err).toMatchObject({ type: AWAITING_COMMIT_HORIZON });
    const sent = (await sim.admin.requestLog()).filter((e) => e.operationId === 'takeSnapshots');
    expect(sent.map((e) => e.status)).toEqual([0]);
    expect(failing.beats).toHaveLength(1);
    const record = failing.beats[0] as { createSentAt: number; attempt: number };
    expect(record.attempt).toBe(2);
    expect(record.createSentAt).toBeGreaterThanOrEqual(before);
    expect(record.createSentAt).toBeLessThanOrEqual(Date.parse(sent[0]!.at) + 1_000);
  });

  it('an attempt that ended without a word (a crash) may have sent: the next looks, then waits a horizon', async () => {
    const clusterName = await newCluster();
    await sim.admin.resetObservations();
    const input = { groupId: GROUP, clusterName, description: 'd', retentionInDays: 1 };
    // Attempt 2 left a record and attempt 3 none: the record is not the last attempt's word.
    const fourth = recordedAttempt(4, { nothingCreated: true, attempt: 2 });
    const before = Date.now();
    const err = (await fourth.run(acts.takeSnapshot, input).catch((e: unknown) => e)) as ApplicationFailure;
    expect(err).toMatchObject({ type: AWAITING_COMMIT_HORIZON, nonRetryable: false });
    // The whole 60 s horizon, counted from this attempt's start.
    expect(Number(err.nextRetryDelay)).toBeGreaterThan(55_000);
    expect(Number(err.nextRetryDelay)).toBeLessThanOrEqual(60_000);
    // It looked (one list) and created nothing; the next attempt reads when the wait began.
    const counters = await sim.admin.counters();
    expect(counters).toMatchObject({ listBackupSnapshots: 1 });
    expect(counters.takeSnapshots).toBeUndefined();
    expect(fourth.beats).toEqual([{ createSentAt: expect.any(Number), attempt: 4 }]);
    expect((fourth.beats[0] as { createSentAt: number }).createSentAt).toBeGreaterThanOrEqual(before);
  });

  it('a refused connection never reached Atlas: the next attempt neither waits nor looks', async () => {
    // A port that was free a moment ago and is closed now: the connect is refused.
    const port = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const { port } = srv.address() as { port: number };
        srv.close(() => resolve(port));
      });
    });
    const unreachable = new AtlasClient({ baseUrl: `http://127.0.0.1:${port}`, auth: { kind: 'none' } });
    const first = recordedAttempt(1);
    const input = { groupId: GROUP, clusterName: 'c', description: 'd', retentionInDays: 1, sharded: false };
    const err = (await first.run(createActivities(unreachable).takeSnapshot, input).catch((e: unknown) => e)) as Error;
    await unreachable.close();
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'NETWORK_ERROR', nonRetryable: false });
    expect(err.message).not.toContain('may still commit');
    // What the next attempt reads back: nothing was created, so it creates without a lookup or a wait.
    expect(first.beats.at(-1)).toEqual({ nothingCreated: true, attempt: 1 });
  });

  // Issue 14: under 429 storms the lookups of retries whose create Atlas had refused were most of a
  // project's requests. A refused create made nothing, so the next attempt creates without looking.
  it('a retry after a refused create does not look first; after an unclear one it does', async () => {
    const input = (clusterName: string) => ({
      groupId: GROUP,
      clusterName,
      description: 'd',
      retentionInDays: 1,
      sharded: false,
    });
    const afterRefusal = await inRun(newRun(), 2, 'takeSnapshot', input(await newCluster()), {
      nothingCreated: true,
      attempt: 1,
    });
    // An unclear send past the horizon: nothing found, so a create.
    const afterUnclear = await inRun(newRun(), 2, 'takeSnapshot', input(await newCluster()), {
      createSentAt: Date.now() - 61_000,
      attempt: 1,
    });
    // create + the closing reconcile list, against lookup + create + list.
    expect(afterRefusal).toMatchObject({ adopted: false, requests: 2 });
    expect(afterUnclear).toMatchObject({ adopted: false, requests: 3 });
  });
});
