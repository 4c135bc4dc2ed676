// Pacing by what Atlas says, on a real dev server and the simulator: the worker reads the
// project's buckets with listRateLimits and sets a rate per fairness key (project × endpoint set)
// on the activity task queue; the operator's --project-requests-per-minute wins over it; and a
// project whose Cloud Backups bucket is small runs its pipelines without a storm of 429s.
import { randomUUID } from 'node:crypto';
import { tsToMs } from '@temporalio/common/lib/time.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LEARNED_MARK, OPERATOR_MARK, readPaceConfig, setProjectPace } from '../../src/client/project-pace.js';
import { fairnessKeyOf, type BackupPipelineRequest, type PipelineResult } from '../../src/contract/index.js';
import type { RunningSimulator } from '../../src/simulator/index.js';
import { backupPipeline } from '../../src/workflows/index.js';
import {
  FAST,
  startTestSimulator,
  startTestWorker,
  temporalClient,
  uniqueId,
  type TestWorker,
} from '../helpers/temporal.js';

const GROUP = '65f1a0c0a1b2c3d4e5f6c001';
const CLUSTERS = Array.from({ length: 4 }, (_, i) => `small-${i}`);
/** The simulator's refill periods (and so the pacer's) run ten times faster than Atlas's. */
const SCALE = 0.1;
/** A Cloud Backups bucket of 10 tokens refilled by 10 every 60 s (6 s here): 1.67 requests/s. */
const SMALL = { capacity: 10, refillRate: 10, refillDurationSeconds: 60 };
const PACING = { headroom: 0.2, refreshSeconds: 1, periodScale: SCALE };

let temporal: Awaited<ReturnType<typeof temporalClient>>;
let sim: RunningSimulator | undefined;
let workers: TestWorker[] = [];
beforeAll(async () => {
  temporal = await temporalClient();
});
afterEach(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  workers = [];
  await sim?.stop();
  sim = undefined;
});
afterAll(async () => {
  await temporal?.close();
});

/** Snapshots that take 20 s of real time: FAST polling would read each one scores of times unpaced. */
const SLOW_SNAPSHOTS = { snapshotQueued: 50_000, snapshotInProgress: 150_000 };

/** `bucket`: the project's Cloud Backups bucket, or 'unlimited' (buckets off: every answer says 2^31 - 1 remain). */
async function start(
  taskQueue: string,
  count = 1,
  durations = {},
  clusters = CLUSTERS,
  bucket: typeof SMALL | 'unlimited' = SMALL,
) {
  const seed = { projects: [{ id: GROUP, clusters: clusters.map((name) => ({ name, kind: 'replicaSet' as const })) }] };
  const started = await startTestSimulator({
    seed,
    timeScale: SCALE,
    durations,
    rateLimits: bucket === 'unlimited' ? { enabled: false } : { sets: { cloudBackups_group: bucket } },
  });
  sim = started.sim;
  for (let i = 0; i < count; i++)
    workers.push(await startTestWorker(sim, started.auth, taskQueue, {}, undefined, PACING));
}

const pipelines = (taskQueue: string, clusters: string[]) =>
  Promise.all(
    clusters.map(
      (clusterName) =>
        temporal.client.workflow.execute(backupPipeline, {
          taskQueue,
          workflowId: uniqueId('bucket-pace'),
          args: [{ ...FAST, groupId: GROUP, clusterName } satisfies BackupPipelineRequest],
        }) as Promise<PipelineResult>,
    ),
  );

const config = (taskQueue: string) => readPaceConfig(temporal.client.connection, 'default', taskQueue);

/** Asserts Atlas refused none of `log`'s requests with 429, naming those it did. */
function expectNoneRefused(log: { status: number; operationId?: string }[]): void {
  const refused = log.filter((e) => e.status === 429);
  expect(
    refused.map((e) => e.operationId),
    `${refused.length} of ${log.length} answered 429`,
  ).toEqual([]);
}

/** Each scheduled activity of a run, with its fairness key ('none' without). */
async function scheduledOf(workflowId: string) {
  const { events } = await temporal.client.workflow.getHandle(workflowId).fetchHistory();
  return (events ?? []).flatMap((e) => {
    const a = e.activityTaskScheduledEventAttributes;
    return a ? [{ name: a.activityType?.name, key: a.priority?.fairnessKey || 'none' }] : [];
  });
}

/** Tasks per second a bucket allows: its refill rate per (scaled) second, headroom kept, per 1.05 requests a task. */
const rateOf = (refillRate: number, periodSeconds: number) => ((refillRate / (periodSeconds * SCALE)) * 0.8) / 1.05;

describe('pacing by what Atlas says', () => {
  it("reads the project's buckets with listRateLimits and sets its key's rate on the server", async () => {
    const taskQueue = `bucket-${randomUUID().slice(0, 8)}`;
    await start(taskQueue);
    const [result] = await pipelines(taskQueue, CLUSTERS.slice(0, 1));
    expect(result!.outcome).toBe('completed');

    const reads = (await sim!.admin.requestLog()).filter((e) => e.operationId === 'listRateLimits');
    expect(reads.length).toBeGreaterThanOrEqual(2); // the caller's USER sets, and the project's
    const held = await config(taskQueue);
    // The default per-key rate: Atlas's published Cloud Backups bucket (500 per 60 s), headroom kept.
    expect(held.defaultRate).toBeCloseTo(rateOf(500, 60), 2);
    expect(held.reason.startsWith(LEARNED_MARK)).toBe(true);
    // A limited bucket: every activity of the run carries one of the project's keys.
    const keys = (await scheduledOf(result!.workflowId)).map((a) => a.key);
    expect(keys.length).toBeGreaterThan(2);
    expect(keys.filter((k) => !k.startsWith(fairnessKeyOf(GROUP)))).toEqual([]);
    // The project's Cloud Backups key runs at its own, smaller bucket: default × weight.
    const weight = held.weights[fairnessKeyOf(GROUP)];
    expect(weight).toBeCloseTo(SMALL.refillRate / 500, 4);
    expect(held.defaultRate! * weight!).toBeCloseTo(rateOf(SMALL.refillRate, 60), 3);
    // Bigger buckets (Clusters, Database Users) run at the default, or at a burst over it while
    // their answers show them nearly full: never under the default.
    expect(held.weights[fairnessKeyOf(GROUP, 'clusters_group')] ?? 1).toBeGreaterThanOrEqual(1);
  });

  it("lets the operator's --project-requests-per-minute win over what the workers learned", async () => {
    const taskQueue = `bucket-${randomUUID().slice(0, 8)}`;
    await start(taskQueue);
    await pipelines(taskQueue, CLUSTERS.slice(0, 1));
    expect((await config(taskQueue)).weights[fairnessKeyOf(GROUP)]).toBeDefined();

    const report = await setProjectPace(temporal.client.connection, 'default', taskQueue, 100);
    // A later run, after the worker's refresh period, finds the operator's pace untouched.
    await new Promise((r) => setTimeout(r, PACING.refreshSeconds * 1000 + 200));
    const [again] = await pipelines(taskQueue, CLUSTERS.slice(1, 2));
    expect(again!.outcome).toBe('completed');
    const held = await config(taskQueue);
    expect(held.reason.startsWith(OPERATOR_MARK)).toBe(true);
    expect(held.defaultRate).toBeCloseTo(report.tasksPerSecond!, 4);
    expect(held.weights).toEqual({});
  });

  it('runs pipelines in a project whose Cloud Backups bucket is small without a storm of 429s', async () => {
    const taskQueue = `bucket-${randomUUID().slice(0, 8)}`;
    await start(taskQueue, 2, SLOW_SNAPSHOTS);
    const results = await pipelines(taskQueue, CLUSTERS);
    expect(results.map((r) => r.outcome)).toEqual(CLUSTERS.map(() => 'completed'));
    const project = (await sim!.admin.requestLog()).filter((e) => e.path.includes(`/groups/${GROUP}/`));
    const refused = project.filter((e) => e.status === 429).length;
    // FAST polling unpaced asks several times a second per run, far beyond 1.67 requests/s (13 of 55
    // answered 429 here); paced, what can overdraw this bucket (capacity 10, refilled whole every 6 s)
    // is the server handing out a few tasks at a time, and a pre-flight's reads beside its own.
    expect(project.length).toBeGreaterThan(SMALL.capacity * 2);
    expect(refused, `${refused} of ${project.length} answered 429`).toBeLessThanOrEqual(
      Math.max(CLUSTERS.length, project.length * 0.05),
    );
  });

  it("learns a project's buckets before its first tasks exist, and paces the first wave by them", async () => {
    // Atlas's shape (a capacity over twice the refill), small: 20 tokens, 10 more every 6 s here.
    const bucket = { ...SMALL, capacity: 20 };
    // More pre-flights than the bucket holds, each listing the restore jobs of its target (the source
    // itself): one Cloud Backups request each, all scheduled at once.
    const many = Array.from({ length: bucket.capacity + 6 }, (_, i) => `wave-${i}`);
    const taskQueue = `bucket-${randomUUID().slice(0, 8)}`;
    await start(taskQueue, 2, SLOW_SNAPSHOTS, many, bucket);
    const startedAt = Date.now();
    const handles = await Promise.all(
      many.map((clusterName) =>
        temporal.client.workflow.start(backupPipeline, {
          taskQueue,
          workflowId: uniqueId('bucket-pace-wave'),
          args: [
            {
              ...FAST,
              groupId: GROUP,
              clusterName,
              restore: {
                deliveryType: 'automated',
                targetGroupId: GROUP,
                targetClusterName: clusterName,
                overwrite: clusterName,
              },
            } satisfies BackupPipelineRequest,
          ],
        }),
      ),
    );
    const project = async () => (await sim!.admin.requestLog()).filter((e) => e.path.includes(`/groups/${GROUP}/`));
    const listed = (log: Awaited<ReturnType<typeof project>>) =>
      log.filter((e) => e.operationId === 'listBackupRestoreJobs' && e.status === 200).length;
    let log = await project();
    while (listed(log) < many.length) {
      await new Promise((r) => setTimeout(r, 250));
      log = await project();
    }
    await Promise.all(handles.map((h) => h.terminate('first wave seen')));

    // The project's buckets were read (the workers' USER sets were read as they started) before the
    // first of its activity tasks existed: a run announces its project in its first workflow task,
    // which completes only once the worker has learned the project and written its key's weight.
    const learnedAt = (await sim!.admin.requestLog())
      .filter((e) => e.operationId === 'listRateLimits' && Date.parse(e.at) >= startedAt)
      .map((e) => Date.parse(e.at))[0];
    const scheduled = await Promise.all(
      handles.map(async (h) => {
        const { events } = await h.fetchHistory();
        const first = events!.find((e) => e.activityTaskScheduledEventAttributes);
        return first?.eventTime ? tsToMs(first.eventTime) : Infinity;
      }),
    );
    expect(learnedAt).toBeDefined();
    expect(Math.min(...scheduled)).toBeGreaterThan(learnedAt!);

    // Dispatched at the default pace before the project's bucket was known, the whole wave reached
    // Atlas at once and overdrew the bucket by several requests; paced by it from its first task
    // (1.27 tasks/s, which the server hands out a few at a time), none is refused.
    expectNoneRefused(log);
  });
  it('spends a nearly full bucket at a burst pace, back at its pace before it nears the headroom', async () => {
    // 60 tokens, 10 more every 6 s here: the refill pace is 1.27 tasks/s, but 36 of the tokens are
    // over the burst's leave level (the 20% headroom plus a 20% margin). Sixteen snapshots of 12 s,
    // each waited for with FAST polling, ask for far more.
    const bucket = { ...SMALL, capacity: 60 };
    const clusters = Array.from({ length: 16 }, (_, i) => `burst-${i}`);
    const taskQueue = `bucket-${randomUUID().slice(0, 8)}`;
    await start(taskQueue, 1, { snapshotQueued: 40_000, snapshotInProgress: 80_000 }, clusters, bucket);
    const key = fairnessKeyOf(GROUP);
    const seen: number[] = [];
    let running = true;
    const watch = (async () => {
      while (running) {
        const w = (await config(taskQueue)).weights[key];
        if (w !== undefined && w !== seen.at(-1)) seen.push(w);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const results = await pipelines(taskQueue, clusters).finally(() => (running = false));
    await watch;
    expect(results.map((r) => r.outcome)).toEqual(clusters.map(() => 'completed'));

    const held = await config(taskQueue);
    const learned = rateOf(bucket.refillRate, 60) / held.defaultRate!;
    // The key ran at a burst (several times its pace) while the answers' RateLimit-Remaining showed
    // the bucket well over the leave level, then at its learned pace again once it was drawn down
    // (and may burst again once the refill brings it back up).
    const trace = `weights seen: ${seen.join(', ')}`;
    const burst = seen.findIndex((w) => w > learned * 2);
    expect(burst, trace).toBeGreaterThanOrEqual(0);
    expect(
      seen.slice(burst + 1).some((w) => Math.abs(w - learned) < learned * 1e-3),
      trace,
    ).toBe(true);
    const project = (await sim!.admin.requestLog()).filter((e) => e.path.includes(`/groups/${GROUP}/`));
    const backups = project.filter((e) => e.path.includes('/backup/'));
    expect(backups.length).toBeGreaterThan(bucket.capacity * 0.6);
    expectNoneRefused(project);
  });
  it('leaves a project Atlas reports practically unlimited unpaced: its later activities go eager', async () => {
    const taskQueue = `bucket-${randomUUID().slice(0, 8)}`;
    await start(taskQueue, 1, {}, CLUSTERS, 'unlimited');
    // One after another: the first run's answers tell the worker how full the bucket is.
    const [first] = await pipelines(taskQueue, CLUSTERS.slice(0, 1));
    const [second] = await pipelines(taskQueue, CLUSTERS.slice(1, 2));
    expect([first!.outcome, second!.outcome]).toEqual(['completed', 'completed']);
    const held = await config(taskQueue);
    expect(held.weights[fairnessKeyOf(GROUP)]).toBe(1000);
    const scheduled = await scheduledOf(second!.workflowId);
    // The pre-flight is paced (it is what asks Atlas); what follows it carries no key.
    expect(scheduled[0]).toMatchObject({ name: 'preflightPipeline', key: fairnessKeyOf(GROUP) });
    expect(scheduled.slice(1).map((a) => a.key)).toEqual(scheduled.slice(1).map(() => 'none'));
    expect(scheduled.length).toBeGreaterThan(2);
  });
});
