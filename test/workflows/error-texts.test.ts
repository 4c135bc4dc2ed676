// Error texts an on-call engineer reads at night name the right things, on the real dev server
// against the simulator: the pre-flight's missing target names the target; a step Temporal ended
// before its deadline does not claim it ran past it; a failed wait's last Atlas state is the same in
// the run's summary and in its message; a serverless instance given as dedicated names the flag.
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { DEMO_IDS } from '../../src/simulator/index.js';
import type { BackupPipelineRequest, DrReport, PipelineResult } from '../../src/contract/index.js';
import { deadlineMessage } from '../../src/workflows/outcomes.js';
import { FAST, uniqueId, useWorkflowTestEnv } from '../helpers/temporal.js';
import { backupPipeline, disasterRecovery } from '../../src/workflows/index.js';

const { projectId: SRC, targetProjectId: TGT, serverless, restoreTarget } = DEMO_IDS;

describe('the deadline message (unit: the pure text function)', () => {
  const startedAt = '2026-01-01T00:00:00.000Z';
  const at = (s: number) => Date.parse(startedAt) + s * 1000;
  const d = { field: 'timeouts.snapshotSeconds', seconds: 15 };

  it('says a step ended 12 s into a 15 s deadline stopped short of it, not that it ran past it', () => {
    const m = deadlineMessage({ startedAt }, d, 'snapshot x is inProgress', at(12.4));
    expect(m).not.toContain('past its deadline');
    expect(m).toContain('stopped 3 s short of its deadline (timeouts.snapshotSeconds = 15 s, ran 12 s)');
    expect(m).toContain('Last seen: snapshot x is inProgress');
  });

  it('says "ran past" only when it did', () => {
    expect(deadlineMessage({ startedAt }, d, 'x', at(14.9))).toContain('stopped 1 s short');
    expect(deadlineMessage({ startedAt }, d, 'x', at(15.2))).toContain('ran past its deadline (');
  });
});

describe('error texts of real runs', () => {
  // Snapshots stay in progress for an hour: a short snapshot deadline ends the wait.
  const ctx = useWorkflowTestEnv({ timeScale: 1, durations: { snapshotQueued: 100, snapshotInProgress: 3_600_000 } });

  const pipeline = (request: BackupPipelineRequest) =>
    ctx.client.workflow.start(backupPipeline, {
      taskQueue: ctx.worker.taskQueue,
      workflowId: uniqueId('texts'),
      args: [{ ...FAST, ...request }],
    }) as Promise<WorkflowHandle>;

  async function failureOf<R>(handle: WorkflowHandle) {
    const err = await handle.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = (err as WorkflowFailedError).cause as { message: string; type?: string; details?: unknown[] };
    return { message: cause.message, type: cause.type, summary: cause.details?.[0] as R | undefined };
  }

  async function cluster(): Promise<string> {
    const name = uniqueId('texts');
    await ctx.sim.admin.seedCluster({ groupId: SRC, name, kind: 'replicaSet' });
    return name;
  }

  it("the pre-flight's missing restore target names the target cluster, not the source", async () => {
    const source = await cluster();
    const f = await failureOf<PipelineResult>(
      await pipeline({
        groupId: SRC,
        clusterName: source,
        restore: {
          deliveryType: 'automated',
          targetGroupId: TGT,
          targetClusterName: 'no-such-target',
          overwrite: 'no-such-target',
        },
      }),
    );
    expect(f.type).toBe('PreflightFailed');
    expect(f.message).toContain(`restore.targetClusterName: getCluster for cluster 'no-such-target' in project ${TGT}`);
    expect(f.message).not.toContain(`cluster '${source}' in project ${SRC}: Atlas`);
  });

  it('a snapshot wait Temporal ended before its deadline says so; its last state is the same everywhere', async () => {
    const source = await cluster();
    const deadline = 8;
    const f = await failureOf<PipelineResult>(
      await pipeline({
        groupId: SRC,
        clusterName: source,
        timeouts: { snapshotSeconds: deadline },
        polling: { initialIntervalSeconds: 1, maximumIntervalSeconds: 3, backoffCoefficient: 2 },
      }),
    );
    expect(f.type).toBe('StepDeadlineExceeded');
    const ran = Number(/ran (\d+) s\)/.exec(f.message)?.[1]);
    expect(f.message).toContain(
      ran >= deadline ? 'ran past its deadline' : `stopped ${deadline - ran} s short of its deadline`,
    );
    const { snapshot, status } = f.summary!;
    const waited = status.steps.at(-1)!;
    expect(waited).toMatchObject({ name: 'wait-for-snapshot', outcome: 'failed', atlasState: 'inProgress' });
    expect(status.lastAtlasState).toBe('inProgress');
    expect(snapshot?.status).toBe('inProgress');
    expect(f.message).toContain(`Last seen: snapshot ${snapshot!.id}`);
    expect(f.message).toMatch(/is inProgress/);
  });

  it('a serverless instance given as a dedicated source says which flag to add', async () => {
    const handle = await ctx.client.workflow.start(disasterRecovery, {
      taskQueue: ctx.worker.taskQueue,
      workflowId: uniqueId('texts-dr'),
      args: [
        {
          ...FAST,
          source: { kind: 'dedicated', groupId: SRC, clusterName: serverless },
          what: { latest: true },
          target: { groupId: TGT, clusterName: restoreTarget },
        },
      ],
    });
    const f = await failureOf<DrReport>(handle as WorkflowHandle);
    expect(f.message).toContain('CANNOT_USE_SERVERLESS_INSTANCE_IN_CLUSTER_API');
    expect(f.message).toContain('add --source-kind serverless');
  });
});
