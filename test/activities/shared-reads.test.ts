// Pre-flight reads shared across the pipelines of one project (issue 14): the cluster list and the
// export bucket are read once per project per time to live by a worker, not once per pipeline.
// SharedReads is unit-tested with a fake clock; the pre-flight activity runs for real against the
// simulator over HTTP (MockActivityEnvironment only sets the attempt and the run).
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preflightActivities } from '../../src/activities/preflight.js';
import { SharedReads } from '../../src/activities/shared-reads.js';
import { AtlasClient } from '../../src/atlas/index.js';
import type { PreflightInput, PreflightResult } from '../../src/contract/index.js';
import { DEMO_IDS, type RunningSimulator } from '../../src/simulator/index.js';
import { startTestSimulator, uniqueId } from '../helpers/temporal.js';

describe('SharedReads (fake clock)', () => {
  it('answers a key from one read within the time to live, and reads again after it', async () => {
    let now = 1_000;
    const shared = new SharedReads(10_000, () => now);
    let reads = 0;
    const read = async () => ++reads;
    const first = shared.get('k', read);
    const second = shared.get('k', read);
    expect([first.fresh, second.fresh]).toEqual([true, false]);
    expect([await first.value, await second.value]).toEqual([1, 1]);
    now += 9_999;
    expect(await shared.get('k', read).value).toBe(1);
    now += 1;
    const later = shared.get('k', read);
    expect(later.fresh).toBe(true);
    expect(await later.value).toBe(2);
    expect(await shared.get('other', read).value).toBe(3);
  });

  it('keeps no failure: the callers that shared it fail, the next caller reads again', async () => {
    const shared = new SharedReads(10_000, () => 0);
    let reads = 0;
    const failing = shared.get('k', async () => {
      reads++;
      throw new Error('429');
    });
    const waiting = shared.get('k', async () => 0);
    await expect(failing.value).rejects.toThrow('429');
    await expect(waiting.value).rejects.toThrow('429');
    const retried = shared.get('k', async () => ++reads);
    expect(retried.fresh).toBe(true);
    expect(await retried.value).toBe(2);
  });
});

describe('preflightPipeline shares the project-wide reads of one worker (real HTTP)', () => {
  const GROUP = DEMO_IDS.projectId;
  let sim: RunningSimulator;
  let atlas: AtlasClient;
  beforeAll(async () => {
    const started = await startTestSimulator();
    sim = started.sim;
    atlas = new AtlasClient({ baseUrl: sim.url, auth: started.auth });
  });
  afterAll(async () => {
    await atlas?.close();
    await sim?.stop();
  });

  const quiet = new DefaultLogger('ERROR');
  function preflight(acts: ReturnType<typeof preflightActivities>, input: PreflightInput): Promise<PreflightResult> {
    const run = { workflowId: uniqueId('wf'), runId: uniqueId('run') };
    const env = new MockActivityEnvironment(
      { attempt: 1, workflowExecution: run, activityType: 'preflightPipeline' },
      { logger: quiet },
    );
    return env.run(acts.preflightPipeline, input);
  }
  const counts = async () => {
    const c = await sim.admin.counters();
    const n = (k: string) => (c as Record<string, number | undefined>)[k] ?? 0;
    return { listClusters: n('listClusters'), getCluster: n('getCluster'), getExportBucket: n('getExportBucket') };
  };

  it('ten pipelines of one project read its clusters and bucket once; each still gets its own cluster', async () => {
    const names = Array.from({ length: 10 }, () => uniqueId('shared'));
    for (const [i, name] of names.entries())
      await sim.admin.seedCluster({ groupId: GROUP, name, kind: i % 2 ? 'sharded' : 'replicaSet' });
    const acts = preflightActivities(atlas, new SharedReads());
    const before = await counts();
    const results = await Promise.all(
      names.map((clusterName) => preflight(acts, { groupId: GROUP, clusterName, exportBucketId: DEMO_IDS.bucketId })),
    );
    const after = await counts();
    expect(results.map((r) => r.sharded)).toEqual(names.map((_, i) => i % 2 === 1));
    expect(after.listClusters - before.listClusters).toBe(1);
    expect(after.getExportBucket - before.getExportBucket).toBe(1);
    expect(after.getCluster - before.getCluster).toBe(0);
    // Counted once, by the attempt that made them.
    expect(results.reduce((n, r) => n + r.requests, 0)).toBe(2);
  });

  it('a cluster newer than the shared list is read by itself, and a refused bucket is not kept', async () => {
    const acts = preflightActivities(atlas, new SharedReads());
    await preflight(acts, { groupId: GROUP, clusterName: DEMO_IDS.replicaSet });
    const newer = uniqueId('newer');
    await sim.admin.seedCluster({ groupId: GROUP, name: newer, kind: 'replicaSet' });
    const before = await counts();
    const missing = '65f1a0c0a1b2c3d4e5f6ffff';
    for (let i = 0; i < 2; i++)
      await expect(preflight(acts, { groupId: GROUP, clusterName: newer, exportBucketId: missing })).rejects.toThrow(
        /export\.exportBucketId/,
      );
    const after = await counts();
    expect(after.getCluster - before.getCluster).toBe(2);
    expect(after.getExportBucket - before.getExportBucket).toBe(2);
  });
});
