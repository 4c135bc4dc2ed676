// backupPipeline's pre-flight reads the project's Backup Compliance Policy, on the real dev server
// against the simulator over HTTP (policies seeded per project): a retention below the policy's
// on-demand minimum is refused naming the field and the policy's value before any snapshot; a run
// under a policy says its snapshot can never be deleted early; credentials that may not read the
// policy (403) get a note, not a failure; a project without one gets neither.
import { WorkflowFailedError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import type { BackupPipelineRequest, PipelineResult } from '../../src/contract/index.js';
import { DEMO_IDS, DEMO_SEED } from '../../src/simulator/index.js';
import { backupPipeline } from '../../src/workflows/index.js';
import { FAST, uniqueId, useWorkflowTestEnv } from '../helpers/temporal.js';

const POLICY = '6a0000000000000000000c01';
const GUARDED = '6a0000000000000000000c02';
const TWO_WEEKS = { onDemandPolicyItem: { retentionUnit: 'weeks' as const, retentionValue: 2 } };

describe('backupPipeline pre-flight and the Backup Compliance Policy', () => {
  const ctx = useWorkflowTestEnv({
    timeScale: 0.05,
    seed: {
      projects: [
        ...DEMO_SEED.projects,
        { id: POLICY, name: 'compliant', backupCompliancePolicy: TWO_WEEKS },
        { id: GUARDED, name: 'owner-only', backupCompliancePolicy: TWO_WEEKS },
      ],
    },
  });

  async function cluster(groupId: string): Promise<string> {
    const name = uniqueId('bcp');
    await ctx.sim.admin.seedCluster({ groupId, name, kind: 'replicaSet' });
    return name;
  }
  const run = (request: BackupPipelineRequest) =>
    ctx.client.workflow.execute(backupPipeline, {
      taskQueue: ctx.worker.taskQueue,
      workflowId: uniqueId('bcp'),
      args: [{ ...FAST, ...request }],
    }) as Promise<PipelineResult>;
  const snapshotsOf = async (groupId: string, clusterName: string) =>
    (await ctx.sim.admin.resources()).snapshots.filter((s) => s.groupId === groupId && s.clusterName === clusterName);
  const policyNotes = (r: PipelineResult) => r.status.notes.filter((n) => n.includes('Backup Compliance Policy'));

  it('refuses a retention below the on-demand minimum, naming the field and the policy, with no snapshot', async () => {
    const clusterName = await cluster(POLICY);
    const err = await run({ groupId: POLICY, clusterName, snapshot: { retentionInDays: 13 } }).catch((e) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = (err as WorkflowFailedError).cause as { type?: string; message: string };
    expect(cause.type).toBe('PreflightFailed');
    expect(cause.message).toContain('snapshot.retentionInDays: 13 days is below the on-demand minimum');
    expect(cause.message).toContain('onDemandPolicyItem: 2 weeks = 14 days');
    expect(await snapshotsOf(POLICY, clusterName)).toEqual([]);
    const creates = (await ctx.sim.admin.requestLog()).filter(
      (e) => e.method === 'POST' && e.path.includes(`/${clusterName}/`),
    );
    expect(creates).toEqual([]);
  });

  it('takes a snapshot kept for the minimum, noting it can never be deleted early', async () => {
    const clusterName = await cluster(POLICY);
    const result = await run({ groupId: POLICY, clusterName, snapshot: { retentionInDays: 14 } });
    expect(result.status.phase).toBe('completed');
    expect(await snapshotsOf(POLICY, clusterName)).toHaveLength(1);
    expect(policyNotes(result)).toEqual([expect.stringContaining('can never be deleted early')]);
    expect(policyNotes(result)[0]).toContain('on-demand minimum 2 weeks');
  });

  it('adds no policy note in a project without a policy', async () => {
    const clusterName = await cluster(DEMO_IDS.projectId);
    const result = await run({ groupId: DEMO_IDS.projectId, clusterName, snapshot: { retentionInDays: 1 } });
    expect(result.status.phase).toBe('completed');
    expect(policyNotes(result)).toEqual([]);
  });

  it('goes on with a note when the credentials may not read the policy (403)', async () => {
    const clusterName = await cluster(GUARDED);
    await ctx.sim.admin.setFaults({ operations: { getCompliancePolicy: { status403: 1 } } });
    try {
      const result = await run({ groupId: GUARDED, clusterName, snapshot: { retentionInDays: 20 } });
      expect(result.status.phase).toBe('completed');
      expect(policyNotes(result)).toEqual([
        expect.stringMatching(/^Could not read the Backup Compliance Policy of project .* Project Owner role/),
      ]);
    } finally {
      await ctx.sim.admin.clearFaults();
    }
  });
});
