// A wait's first attempt after the workflow's own create makes no read, and waits with an expected
// duration choose their next read from it. The real activities and a real Atlas client against the
// simulator over HTTP, run in MockActivityEnvironment to set the attempt and heartbeat details;
// pollOnce's expectation handling is driven with a plain read function.
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { pollOnce, shapeOf } from '../../src/activities/core.js';
import { createActivities } from '../../src/activities/index.js';
import { AtlasClient } from '../../src/atlas/index.js';
import {
  NOT_FINISHED,
  type Activities,
  type AwaitSnapshotInput,
  type TakenSnapshot,
} from '../../src/contract/index.js';
import { DEMO_IDS, type RunningSimulator } from '../../src/simulator/index.js';
import { startTestSimulator, uniqueId } from '../helpers/temporal.js';

const GROUP = DEMO_IDS.projectId;
const POLLING = { initialIntervalSeconds: 4, maximumIntervalSeconds: 40, backoffCoefficient: 2 };
const quiet = new DefaultLogger('ERROR');

let sim: RunningSimulator;
let atlas: AtlasClient;
let acts: Activities;
beforeAll(async () => {
  const started = await startTestSimulator({ durations: { snapshotQueued: 1_000, snapshotInProgress: 10_000 } });
  sim = started.sim;
  atlas = new AtlasClient({ baseUrl: sim.url, auth: started.auth });
  acts = createActivities(atlas);
});
beforeEach(() => sim.admin.resetObservations());
afterAll(async () => {
  await atlas?.close();
  await sim?.stop();
});

const run = { workflowId: uniqueId('wf'), runId: uniqueId('run') };
/** Attempt `attempt` of a step scheduled now with `deadlineMs` (scheduleToClose) to go. */
/** An attempt's context; `scheduledAt`: when the FIRST attempt was scheduled (Temporal's scheduledTimestampMs). */
function envAt(attempt: number, heartbeatDetails?: unknown, deadlineMs = 3_600_000, scheduledAt = Date.now()) {
  const info = {
    attempt,
    workflowExecution: run,
    workflowType: 'backupPipeline',
    heartbeatDetails,
    scheduledTimestampMs: scheduledAt,
    scheduleToCloseTimeoutMs: deadlineMs,
  };
  const env = new MockActivityEnvironment(info, { logger: quiet });
  const beats: unknown[] = [];
  env.on('heartbeat', (d: unknown) => beats.push(d));
  return { env, beats };
}
const failureOf = (p: Promise<unknown>) =>
  p.then(
    () => expect.fail('expected the attempt to fail'),
    (e: unknown) => e as ApplicationFailure,
  );

async function takenSnapshot(): Promise<AwaitSnapshotInput> {
  const clusterName = uniqueId('c');
  await sim.admin.seedCluster({ groupId: GROUP, name: clusterName, kind: 'replicaSet' });
  const taken: TakenSnapshot = await envAt(1).env.run(acts.takeSnapshot, {
    groupId: GROUP,
    clusterName,
    description: 'd',
    retentionInDays: 1,
  });
  await sim.admin.resetObservations();
  return { groupId: GROUP, clusterName, snapshotId: taken.id, sharded: false, polling: POLLING };
}

describe('a just-created job is not read on the wait\u2019s first attempt', () => {
  it('first attempt: no GET, NotFinished with the create\u2019s state; later ones read, each counted', async () => {
    const input = { ...(await takenSnapshot()), created: { state: 'queued' } };

    const first = await failureOf(envAt(1).env.run(acts.awaitSnapshot, input));
    expect(first).toMatchObject({ type: NOT_FINISHED, nonRetryable: false });
    // No Temporal client here: no expectation, so the policy's initial interval sets the first read.
    expect(first.nextRetryDelay).toBeUndefined();
    expect(first.details?.[0]).toMatchObject({ resource: 'snapshot', id: input.snapshotId, state: 'queued' });
    expect((await sim.admin.counters()).getClusterBackupSnapshot).toBeUndefined();

    await failureOf(envAt(2).env.run(acts.awaitSnapshot, input));
    expect((await sim.admin.counters()).getClusterBackupSnapshot).toBe(1);

    await sim.admin.advanceClock(60_000);
    const done = await envAt(3).env.run(acts.awaitSnapshot, input);
    expect(done).toMatchObject({ state: 'completed', attempts: 3, reads: 2 });
    expect((await sim.admin.counters()).getClusterBackupSnapshot).toBe(2);
  });

  it('without `created` (an adopted job, runs from before this release) the first attempt reads at once', async () => {
    const input = await takenSnapshot();
    await failureOf(envAt(1).env.run(acts.awaitSnapshot, input));
    expect((await sim.admin.counters()).getClusterBackupSnapshot).toBe(1);
    await sim.admin.advanceClock(60_000);
    expect(await envAt(2).env.run(acts.awaitSnapshot, input)).toMatchObject({ attempts: 2, reads: 2 });
  });
});

/** A wait's first attempt, dispatched `queuedMs` after it was scheduled, with `startToCloseTimeoutMs`. */
const firstAttempt = (queuedMs: number, startToCloseTimeoutMs: number) =>
  new MockActivityEnvironment(
    {
      attempt: 1,
      workflowExecution: run,
      startToCloseTimeoutMs,
      heartbeatTimeoutMs: 0,
      scheduledTimestampMs: Date.now() - queuedMs,
    },
    { logger: quiet },
  );

describe('a just-created job with a short initial interval', () => {
  it('the first attempt waits that interval itself, then reads: one request per attempt, backoff kept', async () => {
    const polling = { initialIntervalSeconds: 0.2, maximumIntervalSeconds: 2, backoffCoefficient: 2 };
    const input = { ...(await takenSnapshot()), polling, created: { state: 'queued' } };
    const env = firstAttempt(0, 10_000); // dispatched as soon as it was scheduled: nothing queued
    const started = Date.now();
    const first = await failureOf(env.run(acts.awaitSnapshot, input));
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect((await sim.admin.counters()).getClusterBackupSnapshot).toBe(1);
    // The plain backoff's reads would be 0.2, 0.6, 1.4 s: after the read at 0.2 s comes one 0.4 s later.
    expect(first.nextRetryDelay).toBe(400);
  });

  it('queued time counts as waited: dispatched an interval after its scheduling, it reads at once', async () => {
    // A 20 s interval the attempt would sleep through, had the 25 s in the queue (behind a project's
    // pace) not counted: the read comes at dispatch, where the server's pace put it.
    const polling = { initialIntervalSeconds: 20, maximumIntervalSeconds: 100, backoffCoefficient: 2 };
    const input = { ...(await takenSnapshot()), polling, created: { state: 'queued' } };
    const env = firstAttempt(25_000, 60_000);
    const started = Date.now();
    const first = await failureOf(env.run(acts.awaitSnapshot, input));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((await sim.admin.counters()).getClusterBackupSnapshot).toBe(1);
    // The backoff goes on as if it had waited: the next read one step on (20 × 2 s).
    expect(first.nextRetryDelay).toBe(40_000);
  });
});

describe('a wait with an expected duration', () => {
  const expectedMs = 600_000;
  const shape = shapeOf({ created: { state: 'queued' }, polling: POLLING }, () => Promise.resolve(expectedMs));
  let reads = 0;
  const running = () => {
    reads++;
    return Promise.resolve({ state: 'inProgress' });
  };

  it('is looked up once the wait outlasts the backoff ramp, carried in heartbeats, shaping later reads', async () => {
    reads = 0;
    let lookups = 0;
    const counted = shapeOf({ created: { state: 'queued' }, polling: POLLING }, () => {
      lookups++;
      return Promise.resolve(expectedMs);
    });
    const first = envAt(1);
    const skipped = await failureOf(first.env.run(() => pollOnce('snapshot', 's1', 'snapshot s1', counted, running)));
    expect([reads, lookups]).toEqual([0, 0]);
    expect(skipped.nextRetryDelay).toBeUndefined(); // the policy's initial interval
    // The wait's start is Temporal's (the first attempt's scheduling): nothing to heartbeat yet.
    expect(first.beats).toEqual([]);

    // 10 s in, the backoff's gap (4 + 10 s) is still short of the maximum: no lookup, no heartbeat.
    const early = envAt(2, undefined, undefined, Date.now() - 10_000);
    expect(
      (await failureOf(early.env.run(() => pollOnce('snapshot', 's1', 'snapshot s1', counted, running))))
        .nextRetryDelay,
    ).toBeUndefined();
    expect([reads, lookups]).toEqual([1, 0]);
    expect(early.beats).toEqual([]);

    // 500 s in: looked up (once); 100 s left, more than a gap away → the policy's gap (its maximum).
    const later = envAt(3, undefined, undefined, Date.now() - 500_000);
    const polled = await failureOf(later.env.run(() => pollOnce('snapshot', 's1', 'snapshot s1', counted, running)));
    expect([reads, lookups]).toEqual([2, 1]);
    expect(polled.nextRetryDelay).toBe(POLLING.maximumIntervalSeconds * 1000);
    expect(polled.details?.[0]).toMatchObject({ nextPollMs: polled.nextRetryDelay });
    const memo = later.beats.at(-1) as { sinceMs: number; expectedMs: number };
    expect(memo).toMatchObject({ expectedMs }); // carried to the attempt after

    // 590 s in: 10 s left → half of it, on the way to a read on the expected end; no second lookup.
    // Date stands still here (timers and sockets do not), so 590 s is exact however busy the machine.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    try {
      const near = envAt(4, { ...memo, sinceMs: Date.now() - 590_000 });
      const close = await failureOf(near.env.run(() => pollOnce('snapshot', 's1', 'snapshot s1', counted, running)));
      expect(close.nextRetryDelay).toBe(5_000);
    } finally {
      vi.useRealTimers();
    }
    expect(lookups).toBe(1);
  });

  it('never waits past the step\u2019s deadline: the last read comes just before it', async () => {
    // 100 s into the wait the policy's gap is 40 s, but the step's deadline is 20 s away.
    const late = envAt(3, { sinceMs: Date.now() - 100_000, expectedMs }, 20_000);
    const polled = await failureOf(late.env.run(() => pollOnce('snapshot', 's3', 'snapshot s3', shape, running)));
    expect(polled.nextRetryDelay).toBeGreaterThan(15_000);
    expect(polled.nextRetryDelay).toBeLessThanOrEqual(18_000);
  });

  it('falls back to the policy\u2019s backoff when the lookup fails, and does not look again', async () => {
    let lookups = 0;
    const failing = shapeOf({ created: {}, polling: POLLING }, () => {
      lookups++;
      return Promise.reject(new Error('no visibility'));
    });
    const late = envAt(3, { sinceMs: Date.now() - 500_000 });
    const polled = await failureOf(late.env.run(() => pollOnce('snapshot', 's2', 'snapshot s2', failing, running)));
    expect(polled.nextRetryDelay).toBeUndefined();
    const memo = late.beats.at(-1);
    expect(memo).toMatchObject({ looked: true });
    const next = envAt(4, memo);
    await failureOf(next.env.run(() => pollOnce('snapshot', 's2', 'snapshot s2', failing, running)));
    expect(lookups).toBe(1);
  });
});
