// The pre-flight refuses, before any snapshot or job exists, restore targets Atlas cannot restore
// into and a verification the API key has no role for: real dev server, real worker, the simulator.
import { ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import { afterEach, describe, expect, it } from 'vitest';
import type { BackupPipelineRequest } from '../../src/contract/index.js';
import { backupPipeline } from '../../src/workflows/index.js';
import { restoreIntoRequest, restoreTargetsSeed } from '../helpers/restore-requests.js';
import { uniqueId, useWorkflowTestEnv } from '../helpers/temporal.js';

const G = '65f1a0c0a1b2c3d4e5f6d0c1';
const seed = restoreTargetsSeed(G);

describe('pipeline pre-flight of the restore target and the verification role', () => {
  const ctx = useWorkflowTestEnv({ timeScale: 0.05, seed });
  afterEach(() => ctx.sim.admin.setFaults({}));

  const restoreInto = (source: string, target: string, verify = false): BackupPipelineRequest =>
    restoreIntoRequest(G, source, target, verify ? { verify: {} } : {});

  async function refusal(req: BackupPipelineRequest): Promise<ApplicationFailure> {
    const err = await ctx.client.workflow
      .execute(backupPipeline, { taskQueue: ctx.worker.taskQueue, workflowId: uniqueId('pf'), args: [req] })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(WorkflowFailedError);
    return (err as WorkflowFailedError).cause as ApplicationFailure;
  }

  const snapshotsOf = async (clusterName: string) =>
    (await ctx.sim.admin.resources()).snapshots.filter((s) => s.groupId === G && s.clusterName === clusterName);
  const restoresOf = async () => (await ctx.sim.admin.resources()).restoreJobs.filter((r) => r.groupId === G);

  it('refuses a sharded cluster snapshot into a replica set, naming the field, before any snapshot', async () => {
    const f = await refusal(restoreInto('sharded', 'rs-target'));
    expect(f.type).toBe('PreflightFailed');
    expect(f.message).toMatch(/restore\.targetClusterName: 'rs-target' is a replica set .* sharded cluster snapshot/);
    expect(await snapshotsOf('sharded')).toEqual([]);
    expect(await restoresOf()).toEqual([]);
  });

  it('refuses a target that runs an older MongoDB release than the source, saying what to do', async () => {
    const f = await refusal(restoreInto('rs', 'older'));
    expect(f.type).toBe('PreflightFailed');
    expect(f.message).toMatch(
      /restore\.targetClusterName: 'older' runs MongoDB 7\.0\.12, older than the source 'rs' \(8\.0\.4\)/,
    );
    expect(f.message).toMatch(/Upgrade the target to 8\.0 or later/);
    expect(await snapshotsOf('rs')).toEqual([]);
  });

  it('says the Project Database Access Admin role is missing before any snapshot when verify is on', async () => {
    await ctx.sim.admin.setFaults({ operations: { deleteDatabaseUser: { status403: 1 } } });
    const f = await refusal(restoreInto('rs', 'rs-target', true));
    expect(f.type).toBe('PreflightFailed');
    expect(f.message).toMatch(/restore\.verify: .*lacks the Project Database Access Admin role on project /);
    expect(await snapshotsOf('rs')).toEqual([]);
    expect(await restoresOf()).toEqual([]);
  });
});
