// disasterRecovery of a serverless source after Atlas retired serverless instances, on the real dev
// server against a simulator over HTTP that answers the serverless backup endpoints 410 VERSION_GONE
// (its default): a former serverless instance now flex restores through the flex endpoints, and
// one Atlas never moved to flex ends at once with one line of advice, not a stack of retries.
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { SERVERLESS_GONE, type DisasterRecoveryRequest, type DrReport } from '../../src/contract/index.js';
import { DEMO_IDS } from '../../src/simulator/index.js';
import { disasterRecovery } from '../../src/workflows/index.js';
import { FAST, uniqueId, useWorkflowTestEnv } from '../helpers/temporal.js';

const SRC = DEMO_IDS.projectId;
const TGT = DEMO_IDS.targetProjectId;
const HOUR = 3_600_000;

describe('disasterRecovery of a serverless source after the sunset', () => {
  const ctx = useWorkflowTestEnv({
    timeScale: 1,
    serverlessLegacy: false,
    durations: { flexPending: 100, flexQueued: 100, flexRunning: 200, serverlessRestore: 200 },
  });

  const run = (request: DisasterRecoveryRequest): Promise<DrReport> =>
    ctx.client.workflow.execute(disasterRecovery, {
      taskQueue: ctx.worker.taskQueue,
      workflowId: uniqueId('dr-sunset'),
      args: [{ ...FAST, ...request }],
    });
  const requestsFor = async (name: string) =>
    (await ctx.sim.admin.requestLog()).filter((e) => e.path.includes(`/${name}/`) || e.path.endsWith(`/${name}`));

  async function pair(kind: 'serverless' | 'flex') {
    const source = uniqueId('former-sl');
    const target = uniqueId('tgt');
    await ctx.sim.admin.seedCluster({ groupId: SRC, name: source, kind });
    await ctx.sim.admin.seedCluster({ groupId: TGT, name: target, kind: 'replicaSet' });
    const snap = await ctx.sim.admin.addScheduledSnapshot({ groupId: SRC, clusterName: source, ageMs: HOUR });
    return { source, target, snap };
  }

  it('restores a former serverless instance that is now flex through the flex endpoints', async () => {
    const { source, target, snap } = await pair('flex');
    const report = await run({
      source: { kind: 'serverless', groupId: SRC, clusterName: source },
      what: { latest: true },
      target: { groupId: TGT, clusterName: target },
    });
    expect(report.outcome).toBe('completed');
    expect(report.restored.snapshotId).toBe(snap.id);
    expect(report.restoreJob?.state).toBe('COMPLETED');
    const jobs = (await ctx.sim.admin.resources()).flexRestoreJobs.filter((j) => j.instanceName === source);
    expect(jobs.map((j) => j.id)).toEqual([report.restoreJobId]);
    const log = await requestsFor(source);
    expect(log.filter((e) => e.path.includes('/serverless/'))).toEqual([]);
    expect(log.some((e) => e.path.includes('/flexClusters/'))).toBe(true);
  });

  it('ends an instance Atlas never moved to flex at once, with the sunset advice and no retries', async () => {
    const { source, target } = await pair('serverless');
    const err = await run({
      source: { kind: 'serverless', groupId: SRC, clusterName: source },
      what: { latest: true },
      target: { groupId: TGT, clusterName: target },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const failure = (err as WorkflowFailedError).cause as ApplicationFailure;
    expect(failure.type).toBe('VERSION_GONE');
    expect(failure.message).toContain(SERVERLESS_GONE);
    const report = failure.details?.[0] as DrReport;
    expect(report.status.steps.map((s) => [s.name, s.outcome])).toEqual([['select-snapshot', 'failed']]);
    // One attempt: one flex read (not a flex cluster), one serverless read (gone), and nothing else.
    const log = await requestsFor(source);
    expect(log.map((e) => e.status)).toEqual([400, 410]);
    expect((await ctx.sim.admin.resources()).restoreJobs.filter((j) => j.targetClusterName === target)).toEqual([]);
  });
});
