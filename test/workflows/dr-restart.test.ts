// disasterRecovery survives losing its worker mid-restore, and reports an automated restore it
// could not cancel. Real dev server, real simulator, restores long enough to interrupt.
import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_IDS } from '../../src/simulator/index.js';
import type { DrReport, DrStatus } from '../../src/contract/index.js';
import type { DisasterRecoveryRequest } from '../../src/contract/index.js';
import {
  FAST,
  startTestSimulator,
  startTestWorker,
  temporalClient,
  uniqueId,
  type TestWorker,
} from '../helpers/temporal.js';
import { endedAs } from '../helpers/outcome.js';
import { disasterRecovery } from '../../src/workflows/index.js';

// Long enough that, on a loaded machine too, the restore outlives the worker handover and is polled several times.
const RESTORE_MS = 8_000;
const SRC = DEMO_IDS.projectId;
const TGT = DEMO_IDS.targetProjectId;

describe('disasterRecovery across a worker restart', () => {
  let env: Awaited<ReturnType<typeof startTestSimulator>>;
  let temporal: Awaited<ReturnType<typeof temporalClient>>;
  const workers: TestWorker[] = [];

  beforeAll(async () => {
    env = await startTestSimulator({ timeScale: 1, durations: { restoreAutomated: RESTORE_MS } });
    temporal = await temporalClient();
  });
  afterAll(async () => {
    for (const w of workers) await w.stop();
    await temporal?.close();
    await env?.sim.stop();
  });

  async function scenario(taskQueue: string) {
    const source = uniqueId('src');
    const target = uniqueId('tgt');
    await env.sim.admin.seedCluster({ groupId: SRC, name: source, kind: 'replicaSet' });
    await env.sim.admin.seedCluster({ groupId: TGT, name: target, kind: 'replicaSet' });
    await env.sim.admin.addScheduledSnapshot({ groupId: SRC, clusterName: source, ageMs: 3_600_000 });
    const request: DisasterRecoveryRequest = {
      ...FAST,
      // A poll task the server hands to the first worker as it shuts down is lost, and Temporal retries
      // it when its attempt times out (startToClose = callSeconds, 60 s by default): 10 s keeps such a
      // handover short.
      timeouts: { callSeconds: 10 },
      source: { kind: 'dedicated', groupId: SRC, clusterName: source },
      what: { latest: true },
      target: { groupId: TGT, clusterName: target },
    };
    const handle = (await temporal.client.workflow.start(disasterRecovery, {
      taskQueue,
      workflowId: uniqueId('dr'),
      args: [request],
    })) as WorkflowHandle;
    return { source, target, handle };
  }

  async function waitForPhase(handle: WorkflowHandle, phase: DrStatus['phase']): Promise<DrStatus> {
    for (let i = 0; i < 400; i++) {
      const s = await handle.query<DrStatus>('status');
      if (s.phase === phase) return s;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`run never reached ${phase}`);
  }

  it('completes with exactly one restore job when its worker stops mid-restore and a new one takes over', async () => {
    const first = await startTestWorker(env.sim, env.auth);
    workers.push(first);
    const { source, target, handle } = await scenario(first.taskQueue);
    const status = await waitForPhase(handle, 'waiting-for-restore');
    // Read before the worker stops: the restore is still running when its worker goes away.
    const midway = await first.built.atlas.request('getBackupRestoreJob', {
      path: { groupId: SRC, clusterName: source, restoreJobId: status.ids.restoreJobId! },
    });
    await first.stop();
    const second = await startTestWorker(env.sim, env.auth, first.taskQueue);
    workers.push(second);
    const report = (await handle.result()) as DrReport;
    expect(report.outcome).toBe('completed');
    expect(report.restoreJobId).toBe(status.ids.restoreJobId);
    const jobs = (await env.sim.admin.resources()).restoreJobs.filter(
      (j) => j.clusterName === source || j.targetClusterName === target,
    );
    expect(jobs.map((j) => j.id)).toEqual([report.restoreJobId]);
    // The restore really was interrupted: it had not finished when its first worker stopped.
    expect(midway.finishedAt).toBeUndefined();
    // Its restore phase covers the whole job, measured across the handover.
    expect(report.recovery.phases.restoring).toBeGreaterThanOrEqual(RESTORE_MS / 1000);
    expect(report.verified?.stateName).toBe('IDLE');
    // Waiting is retry-as-poll: the wait polled more than once (a read saw the restore still running,
    // one saw it finished; learned timing may need no more), yet history stays small (no events per poll).
    const polls = report.status.steps.find((s) => s.name === 'wait-for-restore')?.attempts ?? 0;
    expect(polls).toBeGreaterThanOrEqual(2);
    const { events } = await handle.fetchHistory();
    expect(events?.length).toBeLessThan(60);
  });

  it('reports an automated restore it could not cancel, leaving it running in Atlas', async () => {
    const w = await startTestWorker(env.sim, env.auth);
    workers.push(w);
    const { source, handle } = await scenario(w.taskQueue);
    const status = await waitForPhase(handle, 'waiting-for-restore');
    await handle.cancel();
    const report = await endedAs<DrReport>(handle, 'CANCELLED');
    expect(report.outcome).toBe('cancelled');
    expect(report.cancellation).toMatchObject({ restoreJobId: status.ids.restoreJobId, cancelled: false });
    expect(report.cancellation?.detail).toContain('CANNOT_CANCEL_AUTOMATED_RESTORE');
    expect(report.status.notes.join(' ')).toContain('keeps running in Atlas');
    const job = await w.built.atlas.request('getBackupRestoreJob', {
      path: { groupId: SRC, clusterName: source, restoreJobId: status.ids.restoreJobId! },
    });
    expect(job.cancelled).toBe(false);
  });
});
