// Pacing by what Atlas says, on a real dev server and the simulator: the worker reads the
// project's buckets with listRateLimits and sets a rate per fairness key (project × endpoint set)
// on the activity task queue; the operator's --project-requests-per-minute wins over it; and a
// project whose Cloud Backups bucket is small runs its pipelines without a storm of 429s.
import { randomUUID } from 'node:crypto';
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

async function start(taskQueue: string, count = 1, durations = {}) {
  const seed = { projects: [{ id: GROUP, clusters: CLUSTERS.map((name) => ({ name, kind: 'replicaSet' as const })) }] };
  const started = await startTestSimulator({
    seed,
    timeScale: SCALE,
    durations,
    rateLimits: { sets: { cloudBackups_group: SMALL } },
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
    // The project's Cloud Backups key runs at its own, smaller bucket: default × weight.
    const weight = held.weights[fairnessKeyOf(GROUP)];
    expect(weight).toBeCloseTo(SMALL.refillRate / 500, 4);
    expect(held.defaultRate! * weight!).toBeCloseTo(rateOf(SMALL.refillRate, 60), 3);
    // Bigger buckets (Clusters, Database Users) run at the default: no override takes a slot.
    expect(held.weights[fairnessKeyOf(GROUP, 'clusters_group')]).toBeUndefined();
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
    // answered 429 here); paced, only the first wave, at most one request per pipeline dispatched
    // before the project's bucket was known, can overdraw it.
    expect(project.length).toBeGreaterThan(SMALL.capacity * 2);
    expect(refused, `${refused} of ${project.length} answered 429`).toBeLessThanOrEqual(
      Math.max(CLUSTERS.length, project.length * 0.05),
    );
  });
});
