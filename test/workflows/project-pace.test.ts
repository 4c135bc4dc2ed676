// Issue 14 point 2: a per-project Atlas request budget that holds across every worker. Each Atlas
// activity carries its project as its fairness key; `atlas-backup setup --project-requests-per-minute`
// sets the activity task queue's per-key rate limit, and the real dev server paces each project's
// tasks with it, whichever worker polls.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fairnessKeyTasksPerSecond, projectPaceOf, setProjectPace } from '../../src/client/project-pace.js';
import type { BackupPipelineRequest, PipelineResult } from '../../src/contract/index.js';
import { DEMO_IDS, type RunningSimulator } from '../../src/simulator/index.js';
import { fairnessKeyOf } from '../../src/workflows/activity-options.js';
import { backupPipeline } from '../../src/workflows/index.js';
import { runCli } from '../cli/helpers.js';
import {
  FAST,
  startTestSimulator,
  startTestWorker,
  temporalClient,
  uniqueId,
  type TestWorker,
} from '../helpers/temporal.js';

const { projectId: groupId } = DEMO_IDS;
/** Tasks the server's limiter lets through at once before its rate applies (measured: about 5). */
const BURST = 6;

let temporal: Awaited<ReturnType<typeof temporalClient>>;
beforeAll(async () => {
  temporal = await temporalClient();
});
afterAll(async () => {
  await temporal?.close();
});

describe('atlas-backup setup --project-requests-per-minute', () => {
  it('sets the per-project (fairness key) limit on the activity task queue; 0 removes it', async () => {
    const taskQueue = `pace-${randomUUID().slice(0, 8)}`;
    const set = await runCli(['setup', '--json', '--project-requests-per-minute', '100'], { taskQueue });
    expect(set.code, set.stderr).toBe(0);
    const report = JSON.parse(set.stdout) as { pace: { taskQueue: string; tasksPerSecond: number } };
    expect(report.pace.taskQueue).toBe(taskQueue);
    expect(report.pace.tasksPerSecond).toBeCloseTo(fairnessKeyTasksPerSecond(100), 6);
    const held = await projectPaceOf(temporal.client.connection, 'default', taskQueue);
    expect(held).toBeCloseTo(fairnessKeyTasksPerSecond(100), 4);
    expect(held).toBeLessThan(100 / 60);

    const removed = await runCli(['setup', '--project-requests-per-minute', '0'], { taskQueue });
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toContain('budget removed');
    expect(await projectPaceOf(temporal.client.connection, 'default', taskQueue)).toBeUndefined();
  });

  it('refuses a budget that is not a number, naming the flag', async () => {
    const r = await runCli(['setup', '--project-requests-per-minute', 'lots']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--project-requests-per-minute');
  });
});

describe('the per-project pace on a real dev server, two workers', () => {
  // A budget of 30 requests per 10 s window (scaled down from a minute so the test is short).
  const WINDOW_S = 10;
  const BUDGET = 30;
  const CLUSTERS = Array.from({ length: 10 }, (_, i) => `paced-${i}`);
  let sim: RunningSimulator;
  let workers: TestWorker[] = [];

  beforeAll(async () => {
    // One cluster per run: each takes its snapshot at once (a cluster allows one on-demand snapshot).
    const clusters = CLUSTERS.map((name) => ({ name, kind: 'replicaSet' as const }));
    const seed = { projects: [{ id: groupId, clusters }] };
    const started = await startTestSimulator({ timeScale: 3, seed });
    sim = started.sim;
    const taskQueue = `pace-${randomUUID().slice(0, 8)}`;
    await setProjectPace(temporal.client.connection, 'default', taskQueue, BUDGET, WINDOW_S);
    workers = [
      await startTestWorker(sim, started.auth, taskQueue),
      await startTestWorker(sim, started.auth, taskQueue),
    ];
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await sim?.stop();
  });

  it("hands out one project's activity tasks at the set rate; fast pollers alone would far exceed it", async () => {
    // FAST polling asks every 50-300 ms: unpaced, 10 pipelines would run tens of attempts a second.
    const runs = CLUSTERS.map((clusterName) =>
      temporal.client.workflow.execute(backupPipeline, {
        taskQueue: workers[0]!.taskQueue,
        workflowId: uniqueId('paced'),
        args: [{ ...FAST, groupId, clusterName } satisfies BackupPipelineRequest],
      }),
    );
    const results = (await Promise.all(runs)) as PipelineResult[];
    expect(results.map((r) => r.outcome)).toEqual(results.map(() => 'completed'));
    // Every activity task carries the project's key: a hash, never the project id (history is plain there).
    const history = await temporal.client.workflow.getHandle(results[0]!.workflowId).fetchHistory();
    const keys = (history.events ?? [])
      .filter((e) => e.activityTaskScheduledEventAttributes)
      .map((e) => e.activityTaskScheduledEventAttributes?.priority?.fairnessKey);
    expect(keys.length).toBeGreaterThan(1);
    expect(new Set(keys)).toEqual(new Set([fairnessKeyOf(groupId)]));
    expect(fairnessKeyOf(groupId)).not.toContain(groupId);

    // One activity attempt = one snapshot POST (takeSnapshot) or one snapshot GET (awaitSnapshot);
    // the cluster read and the lookup ride along inside an attempt.
    const attempts = (await sim.admin.requestLog())
      .filter((e) => e.operationId === 'takeSnapshots' || e.operationId === 'getClusterBackupSnapshot')
      .map((e) => Date.parse(e.at))
      .sort((a, b) => a - b);
    const allowed = fairnessKeyTasksPerSecond(BUDGET, WINDOW_S) * WINDOW_S;
    expect(attempts.length).toBeGreaterThan(allowed);
    // The most attempts in any WINDOW_S seconds (sliding, as Atlas counts), within the rate plus
    // the server limiter's start-up burst.
    let most = 0;
    for (let i = 0, j = 0; i < attempts.length; i++) {
      while (attempts[i]! - attempts[j]! >= WINDOW_S * 1000) j++;
      most = Math.max(most, i - j + 1);
    }
    expect(most).toBeLessThanOrEqual(Math.ceil(allowed) + BURST);
  });
});
