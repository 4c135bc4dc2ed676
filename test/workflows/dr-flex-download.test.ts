// disasterRecovery of a flex source as a download (downloadFlexBackup), on the real dev server
// against the simulator over HTTP: the link is reported, nothing is restored into a cluster, and a
// create whose answer is lost is adopted, so exactly one download job exists.
import { describe, expect, it } from 'vitest';
import type { DisasterRecoveryRequest, DrReport } from '../../src/contract/index.js';
import { DEMO_IDS } from '../../src/simulator/index.js';
import { disasterRecovery } from '../../src/workflows/index.js';
import { FAST, uniqueId, useWorkflowTestEnv } from '../helpers/temporal.js';

const SRC = DEMO_IDS.projectId;
const HOUR = 3_600_000;

describe('disasterRecovery flex download', () => {
  const ctx = useWorkflowTestEnv({
    timeScale: 1,
    durations: { flexPending: 100, flexQueued: 100, flexRunning: 200 },
  });

  async function flexSource() {
    const source = uniqueId('flex');
    await ctx.sim.admin.seedCluster({ groupId: SRC, name: source, kind: 'flex' });
    const snap = await ctx.sim.admin.addScheduledSnapshot({ groupId: SRC, clusterName: source, ageMs: HOUR });
    return { source, snap };
  }
  const run = (request: DisasterRecoveryRequest): Promise<DrReport> =>
    ctx.client.workflow.execute(disasterRecovery, {
      taskQueue: ctx.worker.taskQueue,
      workflowId: uniqueId('dr-flex-dl'),
      args: [{ ...FAST, ...request }],
    });
  const jobsOf = async (source: string) =>
    (await ctx.sim.admin.resources()).flexRestoreJobs.filter((j) => j.instanceName === source);

  it('downloads the latest flex snapshot through downloadFlexBackup and reports its link', async () => {
    const { source, snap } = await flexSource();
    const report = await run({
      source: { kind: 'flex', groupId: SRC, clusterName: source },
      what: { latest: true },
      deliveryType: 'download',
    });
    expect(report.outcome).toBe('completed');
    expect(report.restored.snapshotId).toBe(snap.id);
    expect(report.restoreJob?.state).toBe('COMPLETED');
    expect(report.restoreJob?.deliveryUrl).toEqual([expect.stringMatching(/^https:\/\/\S+\.tar\.gz$/)]);
    expect(report.verified).toBeUndefined();
    const jobs = await jobsOf(source);
    expect(jobs.map((j) => [j.id, j.deliveryType])).toEqual([[report.restoreJobId, 'DOWNLOAD']]);
  });

  it('adopts the download job a lost create response left behind, creating exactly one', async () => {
    const { source } = await flexSource();
    await ctx.sim.admin.setFaults({ operations: { downloadFlexBackup: { dropResponse: 1 } } });
    try {
      const report = await run({
        source: { kind: 'flex', groupId: SRC, clusterName: source },
        what: { latest: true },
        deliveryType: 'download',
      });
      expect(report.outcome).toBe('completed');
      expect(report.restoreJob?.adopted).toBe(true);
      expect((await jobsOf(source)).map((j) => j.id)).toEqual([report.restoreJobId]);
    } finally {
      await ctx.sim.admin.clearFaults();
    }
  });
});
