// Issue 14: fewer search-attribute upserts per pipeline. The start paths set project and cluster
// with the start; the run upserts BackupPhase only when an Atlas job starts and at the end (the
// job's phase covers its wait), and the fixed ones only when a run was started without them.
import { describe, expect, it } from 'vitest';
import { temporal } from '@temporalio/proto';
import type { BackupPipelineRequest, PipelineResult } from '../../src/contract/index.js';
import { AtlasCluster, AtlasProject, BackupPhase } from '../../src/contract/index.js';
import { pipelineSearchAttributes } from '../../src/runs/index.js';
import { DEMO_IDS } from '../../src/simulator/index.js';
import { backupPipeline } from '../../src/workflows/index.js';
import { FAST, uniqueId, useWorkflowTestEnv } from '../helpers/temporal.js';

const { projectId: groupId, targetProjectId, bucketId, replicaSet, restoreTarget } = DEMO_IDS;
const { EventType } = temporal.api.enums.v1;

const full: BackupPipelineRequest = {
  ...FAST,
  groupId,
  clusterName: replicaSet,
  export: { exportBucketId: bucketId },
  restore: {
    deliveryType: 'automated',
    targetGroupId: targetProjectId,
    targetClusterName: restoreTarget,
    overwrite: restoreTarget,
  },
};

describe('backupPipeline search-attribute upserts', () => {
  const ctx = useWorkflowTestEnv({ timeScale: 0.05 });

  /**
   * The keys each UpsertWorkflowSearchAttributes event of the run set, in order, but the SDK's own
   * (one TemporalChangeVersion upsert per patch the run passes: three today, one of them this change's).
   */
  async function upserts(workflowId: string): Promise<string[][]> {
    const history = await ctx.client.workflow.getHandle(workflowId).fetchHistory();
    const all = (history.events ?? [])
      .filter((e) => e.eventType === EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES)
      .map((e) => Object.keys(e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {}));
    const ours = all.filter((keys) => !keys.includes('TemporalChangeVersion'));
    expect(all.length - ours.length).toBeLessThanOrEqual(3);
    return ours;
  }

  it('upserts only BackupPhase, four times for snapshot → export → restore, when started like the CLI', async () => {
    const workflowId = uniqueId('lean-upserts');
    const handle = await ctx.client.workflow.start(backupPipeline, {
      taskQueue: ctx.worker.taskQueue,
      workflowId,
      args: [full],
      typedSearchAttributes: pipelineSearchAttributes(groupId, replicaSet),
    });
    expect(((await handle.result()) as PipelineResult).outcome).toBe('completed');
    // taking-snapshot, exporting, restoring, completed (today's code: 7 upserts of all three keys).
    const phaseOnly = [BackupPhase.name];
    expect(await upserts(workflowId)).toEqual([phaseOnly, phaseOnly, phaseOnly, phaseOnly]);
    const attrs = (await handle.describe()).typedSearchAttributes;
    expect(attrs.get(BackupPhase)).toBe('completed');
    expect(attrs.get(AtlasProject)).toBe(groupId);
  });

  it('upserts project and cluster once, with the first phase, for a run started without them', async () => {
    const workflowId = uniqueId('bare-start');
    const handle = await ctx.client.workflow.start(backupPipeline, {
      taskQueue: ctx.worker.taskQueue,
      workflowId,
      args: [{ ...FAST, groupId, clusterName: replicaSet }],
    });
    expect(((await handle.result()) as PipelineResult).outcome).toBe('completed');
    const keys = await upserts(workflowId);
    expect(keys).toHaveLength(2);
    expect(keys[0]!.sort()).toEqual([AtlasCluster.name, AtlasProject.name, BackupPhase.name].sort());
    expect(keys[1]).toEqual([BackupPhase.name]);
    const attrs = (await handle.describe()).typedSearchAttributes;
    expect([attrs.get(AtlasProject), attrs.get(AtlasCluster), attrs.get(BackupPhase)]).toEqual([
      groupId,
      replicaSet,
      'completed',
    ]);
  });
});
