// disasterRecovery refuses, before anyone is asked to approve and before any restore job exists,
// targets Atlas cannot restore the source into: real dev server, real worker, the simulator.
import { ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import type { DisasterRecoveryRequest } from '../../src/contract/index.js';
import { disasterRecovery } from '../../src/workflows/index.js';
import { restoreTargetsSeed } from '../helpers/restore-requests.js';
import { FAST, uniqueId, useWorkflowTestEnv } from '../helpers/temporal.js';

const G = '65f1a0c0a1b2c3d4e5f6d0c2';
const HOUR = 3_600_000;
const seed = restoreTargetsSeed(G);

describe('disasterRecovery target check against what Atlas can restore into', () => {
  const ctx = useWorkflowTestEnv({ timeScale: 0.05, seed });

  // The approval gate is on: a refusal that came after it would wait for a decision instead.
  const drInto = (source: string, target: string): DisasterRecoveryRequest => ({
    ...FAST,
    source: { kind: 'dedicated', groupId: G, clusterName: source },
    what: { latest: true },
    target: { groupId: G, clusterName: target },
    approval: { required: true, timeoutSeconds: 20 },
  });

  async function refusal(req: DisasterRecoveryRequest): Promise<ApplicationFailure> {
    await ctx.sim.admin.addScheduledSnapshot({ groupId: G, clusterName: req.source.clusterName, ageMs: HOUR });
    const err = await ctx.client.workflow
      .execute(disasterRecovery, { taskQueue: ctx.worker.taskQueue, workflowId: uniqueId('dr-pf'), args: [req] })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(WorkflowFailedError);
    return (err as WorkflowFailedError).cause as ApplicationFailure;
  }

  const restoreJobs = async () => (await ctx.sim.admin.resources()).restoreJobs.filter((r) => r.groupId === G);

  it('refuses a sharded cluster snapshot into a replica set, naming target.clusterName, before approval', async () => {
    const f = await refusal(drInto('sharded', 'rs-target'));
    expect(f.type).toBe('PreflightFailed');
    expect(f.message).toMatch(/before any approval was asked or restore started: target\.clusterName: /);
    expect(f.message).toMatch(/'rs-target' is a replica set .* sharded cluster snapshot to a replica set/);
    expect(await restoreJobs()).toEqual([]);
  });

  it('refuses a target on an older MongoDB release than the source, saying what to do', async () => {
    const f = await refusal(drInto('rs', 'older'));
    expect(f.type).toBe('PreflightFailed');
    expect(f.message).toMatch(
      /target\.clusterName: 'older' runs MongoDB 7\.0\.12, older than the source 'rs' \(8\.0\.4\)/,
    );
    expect(f.message).toMatch(/Upgrade the target to 8\.0 or later/);
    expect(await restoreJobs()).toEqual([]);
  });
});
