// backupPipeline: take-snapshot → wait → export (optional) → wait → restore (optional) → wait.
// Deterministic orchestration only; every Atlas call is an activity.
import {
  CancellationScope,
  defineQuery,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { AwaitedResource } from '../activities/types.js';
import { callOptions, pollOptions } from './activity-options.js';
import { parseWorkflowInput, runFailure, wasCancelled } from './outcomes.js';
import { backupPipelineInputSchema, type BackupPipelineRequest } from './inputs.js';
import { AtlasCluster, AtlasProject, BackupPhase } from './search-attributes.js';
import { Timeline, type PipelinePhase, type RunStatus, type StepRecord } from './status.js';

export const statusQuery = defineQuery<RunStatus<PipelinePhase>>('status');

export interface PipelineResult {
  outcome: 'completed' | 'cancelled' | 'failed';
  workflowId: string;
  groupId: string;
  clusterName: string;
  snapshot?: { id: string; status: string; sharded: boolean; adopted: boolean; createdAt?: string; expiresAt?: string };
  export?: { id: string; state: string; exportBucketId: string; exportedCollections?: number; totalCollections?: number; prefix?: string };
  restore?: { id: string; state: string; deliveryType: string; targetGroupId?: string; targetClusterName?: string; deliveryUrl?: string[]; finishedAt?: string };
  steps: StepRecord[];
  /** Activity attempts across all steps (each poll is one attempt). */
  attempts: number;
  /** HTTP requests to Atlas counted by the activities (a failed attempt counts as one). */
  atlasRequests: number;
  startedAt: string;
  endedAt: string;
  notes: string[];
}

export async function backupPipeline(request: BackupPipelineRequest): Promise<PipelineResult> {
  const input = parseWorkflowInput(backupPipelineInputSchema, request, 'backupPipeline');
  const { groupId, clusterName, retry, polling, timeouts } = input;
  const ref = { groupId, clusterName };
  const { workflowId } = workflowInfo();
  const startedAt = new Date().toISOString();
  const timeline = new Timeline(() => new Date());
  let atlasRequests = 0;

  const status: RunStatus<PipelinePhase> = { kind: 'backupPipeline', phase: 'starting', groupId, clusterName, ids: {}, steps: timeline.steps, attempts: 0, notes: [] };
  setHandler(statusQuery, () => ({ ...status, attempts: timeline.totalAttempts() }));
  const setPhase = (phase: PipelinePhase) => {
    status.phase = phase;
    upsertSearchAttributes([
      { key: AtlasProject, value: groupId },
      { key: AtlasCluster, value: clusterName },
      { key: BackupPhase, value: phase },
    ]);
  };

  const snapshotCalls = proxyActivities<Activities>(callOptions(retry, timeouts, timeouts.snapshotSeconds));
  const snapshotPolls = proxyActivities<Activities>(pollOptions(polling, timeouts, timeouts.snapshotSeconds));
  const exportCalls = proxyActivities<Activities>(callOptions(retry, timeouts, timeouts.exportSeconds));
  const exportPolls = proxyActivities<Activities>(pollOptions(polling, timeouts, timeouts.exportSeconds));
  const restoreCalls = proxyActivities<Activities>(callOptions(retry, timeouts, timeouts.restoreSeconds));
  const restorePolls = proxyActivities<Activities>(pollOptions(polling, timeouts, timeouts.restoreSeconds));

  /** Runs one step, recording it in the timeline; failures and cancellation end the step's record. */
  async function step<T extends { attempts: number }>(name: string, phase: PipelinePhase, run: (step: StepRecord) => Promise<T>, state: (r: T) => string | undefined): Promise<T> {
    setPhase(phase);
    return timeline.record(name, status, run, state, wasCancelled);
  }

  const result: PipelineResult = { outcome: 'completed', workflowId, groupId, clusterName, steps: timeline.steps, attempts: 0, atlasRequests: 0, startedAt, endedAt: startedAt, notes: status.notes };
  const finish = (outcome: PipelineResult['outcome']): PipelineResult => {
    result.outcome = outcome;
    result.attempts = timeline.totalAttempts();
    result.atlasRequests = atlasRequests;
    result.endedAt = new Date().toISOString();
    return result;
  };
  const count = (r: { requests?: number; attempts: number }) => {
    atlasRequests += r.requests !== undefined ? r.requests + (r.attempts - 1) : r.attempts;
  };

  try {
    // 1. Snapshot
    const taken = await step('take-snapshot', 'taking-snapshot', () => snapshotCalls.takeSnapshot({ ...ref, ...input.snapshot }), (r) => r.state);
    count(taken);
    status.ids.snapshotId = taken.id;
    result.snapshot = { id: taken.id, status: taken.state ?? 'queued', sharded: taken.sharded, adopted: taken.adopted };
    const snap = await step('wait-for-snapshot', 'waiting-for-snapshot', () => snapshotPolls.awaitSnapshot({ ...ref, snapshotId: taken.id, sharded: taken.sharded, polling }), (r) => r.state);
    count(snap);
    result.snapshot = { ...result.snapshot, status: snap.state, createdAt: snap.facts.createdAt as string | undefined, expiresAt: snap.facts.expiresAt as string | undefined };

    // 2. Export (optional)
    if (input.export) {
      const { exportBucketId, customData } = input.export;
      const started = await step('export', 'exporting', () => exportCalls.startExport({ ...ref, snapshotId: taken.id, exportBucketId, customData }), (r) => r.state);
      count(started);
      status.ids.exportJobId = started.id;
      const done: AwaitedResource = await step('wait-for-export', 'waiting-for-export', () => exportPolls.awaitExport({ ...ref, exportJobId: started.id, polling }), (r) => r.state);
      count(done);
      const exportedCollections = done.facts.exportedCollections as number | undefined;
      const totalCollections = done.facts.totalCollections as number | undefined;
      if (totalCollections !== undefined) status.exportProgress = { exportedCollections: exportedCollections ?? totalCollections, totalCollections };
      result.export = { id: started.id, state: done.state, exportBucketId, exportedCollections, totalCollections, prefix: done.facts.prefix as string | undefined };
    }

    // 3. Restore (optional)
    if (input.restore) {
      const restore = input.restore;
      const started = await step('restore', 'restoring', (record) => restoreCalls.startRestore({ ...ref, snapshotId: taken.id, restore, stepStartedAt: record.startedAt }), (r) => r.state);
      count(started);
      const restoreJobId = started.id;
      status.ids.restoreJobId = restoreJobId;
      result.restore = { id: restoreJobId, state: 'inProgress', deliveryType: restore.deliveryType, targetGroupId: restore.targetGroupId, targetClusterName: restore.targetClusterName };
      try {
        const done = await step('wait-for-restore', 'waiting-for-restore', () => restorePolls.awaitRestore({ ...ref, restoreJobId, polling }), (r) => r.state);
        count(done);
        result.restore = { ...result.restore, state: done.state, finishedAt: done.finishedAt, deliveryUrl: done.facts.deliveryUrl as string[] | undefined };
      } catch (err) {
        if (wasCancelled(err)) {
          // The run is cancelled, but the Atlas job keeps going unless we cancel it too.
          const cancelled = await CancellationScope.nonCancellable(() => restoreCalls.cancelRestore({ ...ref, restoreJobId }));
          status.notes.push(cancelled.detail);
          result.restore = { ...result.restore, state: cancelled.cancelled ? 'cancelled' : 'inProgress' };
        }
        throw err;
      }
    }
    setPhase('completed');
    return finish('completed');
  } catch (err) {
    if (wasCancelled(err)) {
      setPhase('cancelled');
      if (status.ids.snapshotId && !status.ids.restoreJobId) {
        status.notes.push(`Cancelled during ${status.steps.at(-1)?.name ?? 'start'}: Atlas resources created so far (snapshot ${status.ids.snapshotId}${status.ids.exportJobId ? `, export job ${status.ids.exportJobId}` : ''}) were left as they are.`);
      }
      return finish('cancelled');
    }
    setPhase('failed');
    throw runFailure(err, status, { what: `backupPipeline for cluster '${clusterName}' in project ${groupId}`, defaultType: 'PipelineFailed', summary: () => finish('failed') });
  }
}
