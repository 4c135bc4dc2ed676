// Webhook notifications end to end: real dev server, real worker, simulator over HTTP, and a
// receiver on 127.0.0.1 that verifies every X-Signature with the shared secret.
import { randomBytes, randomUUID } from 'node:crypto';
import { WorkflowFailedError, WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import proto from '@temporalio/proto';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  approveUpdate,
  rejectUpdate,
  notificationBodySchema,
  type BackupPipelineRequest,
  type DisasterRecoveryRequest,
  type DrReport,
  type NotificationBody,
  type PipelineResult,
} from '../../src/contract/index.js';
import { notifyConfigFromEnv } from '../../src/notify/config.js';
import { DEMO_IDS, type RunningSimulator } from '../../src/simulator/index.js';
import { buildWorker, type BuiltWorker } from '../../src/worker.js';
import { backupPipeline, disasterRecovery, fleetBackup } from '../../src/workflows/index.js';
import { FAST, startTestSimulator, temporalAddress, temporalClient, uniqueId } from '../helpers/temporal.js';
import { startReceiver, type Receiver, type Received } from './receiver.js';

const { projectId: groupId, targetProjectId, replicaSet, bucketId, restoreTarget } = DEMO_IDS;
const SECRET = randomBytes(24).toString('hex');
/** Replays with the id the run had: notification child ids are derived from it. */
const bundle = () => ({ workflowBundle: { codePath: inject('workflowBundlePath') } });
const body = (r: Received) => notificationBodySchema().parse(r.json);
const forRun = (workflowId: string, event: NotificationBody['event']) => (r: Received) => {
  const b = r.json as NotificationBody;
  return b.run?.workflowId === workflowId && b.event === event;
};

describe('webhook notifications', () => {
  let sim: RunningSimulator;
  let hooks: Receiver;
  let defaults: Receiver;
  let built: BuiltWorker;
  let running: Promise<void>;
  let connection: NativeConnection;
  let temporal: Awaited<ReturnType<typeof temporalClient>>;
  const taskQueue = `tq-notify-${randomUUID()}`;

  beforeAll(async () => {
    quietRuntime();
    const started = await startTestSimulator({ timeScale: 0.05 });
    sim = started.sim;
    hooks = await startReceiver(SECRET);
    defaults = await startReceiver(SECRET);
    // The worker's default, exactly as `atlas-backup worker` reads it from its environment.
    const notify = notifyConfigFromEnv({
      ATLAS_BACKUP_NOTIFY_URL: defaults.url,
      ATLAS_BACKUP_NOTIFY_EVENTS: 'run.failed,pipeline.completed',
      ATLAS_BACKUP_NOTIFY_SECRET: SECRET,
    });
    expect(notify.problems).toEqual([]);
    connection = await NativeConnection.connect({ address: temporalAddress() });
    built = await buildWorker({
      config: {
        temporal: { address: temporalAddress(), namespace: 'default' },
        taskQueue,
        atlas: { baseUrl: sim.url, auth: started.auth, timeoutMs: 10_000 },
        maxConcurrentActivities: 20,
      },
      connection,
      notify: notify.config,
      workflowBundle: { codePath: inject('workflowBundlePath') },
      workerOptions: { shutdownGraceTime: '2s' },
    });
    running = built.worker.run();
    temporal = await temporalClient();
  });
  afterAll(async () => {
    built?.worker.shutdown();
    await running;
    await built?.close();
    await connection?.close();
    await temporal?.close();
    await Promise.all([sim?.stop(), hooks?.down(), defaults?.down()]);
  });

  const start = (request: BackupPipelineRequest) =>
    temporal.client.workflow.start(backupPipeline, {
      taskQueue,
      workflowId: uniqueId('notify-pipeline'),
      args: [{ ...FAST, ...request }],
    });

  /** A DR run into a production target: it waits for approval (the target made unless `seed` is false). */
  async function startDr(extra: Partial<DisasterRecoveryRequest> = {}, seed = true): Promise<WorkflowHandle> {
    const source = uniqueId('src');
    const target = uniqueId('tgt');
    await sim.admin.seedCluster({ groupId, name: source, kind: 'replicaSet' });
    if (seed) await sim.admin.seedCluster({ groupId: targetProjectId, name: target, kind: 'replicaSet' });
    await sim.admin.addScheduledSnapshot({ groupId, clusterName: source, ageMs: 3_600_000 });
    const request: DisasterRecoveryRequest = {
      ...FAST,
      source: { kind: 'dedicated', groupId, clusterName: source },
      what: { latest: true },
      target: { groupId: targetProjectId, clusterName: target, production: true },
      notify: { url: hooks.url },
      ...extra,
    };
    return (await temporal.client.workflow.start(disasterRecovery, {
      taskQueue,
      workflowId: uniqueId('notify-dr'),
      args: [request],
    })) as WorkflowHandle;
  }

  it('posts a signed run.failed with the stable v1 body when a pipeline fails', async () => {
    const handle = await start({ groupId, clusterName: 'no-such-cluster', notify: { url: hooks.url } });
    await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
    const got = await hooks.waitFor(forRun(handle.workflowId, 'run.failed'));
    expect(got.signatureValid).toBe(true);
    const b = body(got);
    expect(b).toMatchObject({
      schema: 'atlas-backup/notification',
      version: 1,
      run: { workflowType: 'backupPipeline', workflowId: handle.workflowId, outcome: 'failed' },
      cluster: { groupId, clusterName: 'no-such-cluster' },
    });
    expect(b.failure?.type).toBe('PreflightFailed');
    expect(b.failure?.message).toContain("'no-such-cluster'");
    expect(b.failure?.step).toBe('preflight');
    expect(got.body).not.toContain(SECRET);
  });

  it('sends pipeline.completed only when asked (opt-in), in Slack format when asked', async () => {
    const quiet = await start({ groupId, clusterName: replicaSet, notify: { url: hooks.url } });
    const loud = await start({
      groupId,
      clusterName: replicaSet,
      notify: { url: hooks.url, events: ['pipeline.completed'], format: 'slack' },
    });
    const [, result] = (await Promise.all([quiet.result(), loud.result()])) as PipelineResult[];
    const got = await hooks.waitFor((r) => String((r.json as { text?: string }).text).includes(loud.workflowId));
    expect(got.signatureValid).toBe(true);
    expect((got.json as { text: string }).text).toContain(`completed (snapshot)`);
    expect(result!.outcome).toBe('completed');
    // The run waits for its notification's hand-over, so by its end a child exists or never will.
    const quietRun = (await quiet.describe()).runId;
    const child = temporal.client.workflow.getHandle(`${quiet.workflowId}.notify.pipeline.completed.${quietRun}`);
    await expect(child.describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    expect(hooks.received.filter((r) => r.body.includes(quiet.workflowId))).toHaveLength(0);
    // A run with its own notify never reads the worker's default: its URL is nowhere in the history.
    const encoded = proto.temporal.api.history.v1.History.encode(await quiet.fetchHistory()).finish();
    const history = Buffer.from(encoded).toString('latin1'); // payloads' JSON sits in it as written
    expect(history).toContain(hooks.url);
    expect(history).not.toContain(defaults.url);
  });

  it('a receiver that is down delays nothing; delivery succeeds once it comes up', async () => {
    const late = await startReceiver(SECRET, { startDown: true });
    try {
      const handle = await start({
        groupId,
        clusterName: replicaSet,
        // The whole pipeline, so the history count below is the longest a pipeline gets.
        export: { exportBucketId: bucketId },
        restore: {
          deliveryType: 'automated',
          targetGroupId: targetProjectId,
          targetClusterName: restoreTarget,
          overwrite: restoreTarget,
        },
        notify: { url: late.url, events: ['pipeline.completed'] },
      });
      // The run completes while every delivery attempt is refused.
      const result = (await handle.result()) as PipelineResult;
      expect(result.outcome).toBe('completed');
      expect(late.received).toHaveLength(0);
      const runId = (await handle.describe()).runId;
      const delivery = temporal.client.workflow.getHandle(`${handle.workflowId}.notify.pipeline.completed.${runId}`);
      await waitUntil(async () => (await delivery.describe()).raw.pendingActivities?.[0]?.attempt ?? 0, 2);
      await late.up();
      const got = await late.waitFor(forRun(handle.workflowId, 'pipeline.completed'));
      expect(got.signatureValid).toBe(true);
      expect(body(got).pipeline?.snapshotId).toBe(result.snapshot!.id);
      const delivered = (await delivery.result()) as { attempts: number };
      expect(delivered.attempts).toBeGreaterThanOrEqual(2);
      // A pipeline stays within 60 events (bench/pipeline.ts); an opt-in notification adds only its child's
      // start (initiated + started) and the workflow task that follows: 5 more at most.
      const history = await handle.fetchHistory();
      const events = history.events!.length;
      console.log(`history events, full pipeline with a notification: ${events}`);
      expect(events).toBeLessThanOrEqual(60 + 5);
      await expect(Worker.runReplayHistory(bundle(), history, handle.workflowId)).resolves.toBeUndefined();
    } finally {
      await late.down();
    }
  });

  it('uses the worker default (ATLAS_BACKUP_NOTIFY_*) for runs without notify', async () => {
    const handle = await start({ groupId, clusterName: replicaSet });
    await handle.result();
    const got = await defaults.waitFor(forRun(handle.workflowId, 'pipeline.completed'));
    expect(got.signatureValid).toBe(true);
    // The default came with the pre-flight's result: no local activity looked it up at the end (its
    // marker, and the activation it costs, are gone from every run).
    const { events } = await handle.fetchHistory();
    expect(events?.filter((e) => e.markerRecordedEventAttributes)).toEqual([]);
  });

  it('a pipeline that fails before its pre-flight answers looks the worker default up, and pages it', async () => {
    const handle = await start({ groupId, clusterName: 'no-such-cluster' });
    await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
    const got = await defaults.waitFor(forRun(handle.workflowId, 'run.failed'));
    expect(got.signatureValid).toBe(true);
    const { events } = await handle.fetchHistory();
    expect(events?.filter((e) => e.markerRecordedEventAttributes)).toHaveLength(1);
  });

  it('DR: a rejected restore is notified as run.failed (type ApprovalRejected), naming who rejected it', async () => {
    const handle = await startDr();
    await hooks.waitFor(forRun(handle.workflowId, 'dr.awaiting-approval'));
    await handle.executeUpdate(rejectUpdate, { args: [{ by: 'on-call', reason: 'wrong target' }] });
    // A rejected run ends Failed (issue 11 point 5), and the webhook says why.
    await expect(handle.result()).rejects.toMatchObject({ cause: { type: 'ApprovalRejected' } });
    const got = body(await hooks.waitFor(forRun(handle.workflowId, 'run.failed')));
    expect(got.failure).toMatchObject({ type: 'ApprovalRejected' });
    expect(got.failure?.message).toContain('Rejected by on-call: wrong target');
  });

  describe('nobody is paged to approve a restore that cannot happen', () => {
    /** Fails at once naming `field`; run.failed is sent, dr.awaiting-approval never is. */
    async function failsUnpaged(handle: WorkflowHandle, field: string, says: string) {
      const err = (await handle.result().catch((e: unknown) => e)) as WorkflowFailedError;
      expect(err).toBeInstanceOf(WorkflowFailedError);
      expect(err.cause).toMatchObject({ type: 'PreflightFailed' });
      expect(err.cause?.message).toContain(`before any approval was asked or restore started: ${field}: `);
      expect(err.cause?.message).toContain(says);
      await hooks.waitFor(forRun(handle.workflowId, 'run.failed'));
      expect(hooks.received.filter(forRun(handle.workflowId, 'dr.awaiting-approval'))).toEqual([]);
    }

    it('DR into a target cluster that does not exist fails before the approval', async () => {
      const handle = await startDr({}, false);
      await failsUnpaged(handle, 'target.clusterName', 'CLUSTER_NOT_FOUND');
    });

    it('DR to a point in time in the future fails before the approval', async () => {
      const future = Math.floor(Date.now() / 1000) + 86_400;
      const handle = await startDr({ what: { pointInTimeUTCSeconds: future } });
      await failsUnpaged(handle, 'what.pointInTimeUTCSeconds', 'is in the future');
    });
  });

  it("a pipeline's production restore pages with the same dr.awaiting-approval as DR", async () => {
    const handle = await start({
      groupId,
      clusterName: replicaSet,
      notify: { url: hooks.url },
      restore: {
        deliveryType: 'automated',
        targetGroupId: targetProjectId,
        targetClusterName: restoreTarget,
        overwrite: restoreTarget,
        production: true,
      },
    });
    const asked = body(await hooks.waitFor(forRun(handle.workflowId, 'dr.awaiting-approval')));
    expect(asked.run.workflowType).toBe('backupPipeline');
    expect(asked.summary).toContain(`backupPipeline of cluster '${replicaSet}' in project ${groupId}`);
    expect(asked.approval?.overwrite).toBe(`cluster '${restoreTarget}' in project ${targetProjectId} (production)`);
    expect(asked.approval?.rejectCommand).toBe(`atlas-backup reject ${handle.workflowId} --reason "<why>"`);
    await handle.executeUpdate(rejectUpdate, { args: [{ by: 'on-call', reason: 'test' }] });
    await expect(handle.result()).rejects.toMatchObject({ cause: { type: 'ApprovalRejected' } });
  });

  it('a fleet posts one signed fleet.summary naming its failed cluster', async () => {
    const workflowId = uniqueId('notify-fleet');
    // A cluster of its own: one backup per cluster would skip the demo cluster while another file's
    // backup of it runs on the suite's shared dev server.
    const mine = uniqueId('fleet');
    await sim.admin.seedCluster({ groupId, name: mine, kind: 'replicaSet' });
    const result = await temporal.client.workflow.execute(fleetBackup, {
      taskQueue,
      workflowId,
      args: [
        {
          ...FAST,
          targets: {
            clusters: [
              { groupId, clusterName: mine },
              { groupId, clusterName: 'no-such-cluster' },
            ],
          },
          notify: { url: hooks.url, events: ['fleet.summary'] },
        },
      ],
    });
    expect(result.counts).toMatchObject({ completed: 1, failed: 1 });
    const got = await hooks.waitFor(forRun(workflowId, 'fleet.summary'));
    expect(got.signatureValid).toBe(true);
    expect(body(got).fleet).toMatchObject({
      total: 2,
      completed: 1,
      failed: 1,
      failedClusters: [{ groupId, clusterName: 'no-such-cluster' }],
    });
  });

  it('DR: awaiting-approval carries the exact approve/reject commands; dr.completed the recovery time', async () => {
    const handle = await startDr();
    const asked = body(await hooks.waitFor(forRun(handle.workflowId, 'dr.awaiting-approval')));
    expect(asked.approval?.approveCommand).toBe(`atlas-backup approve ${handle.workflowId} --reason "<why>"`);
    expect(asked.approval?.rejectCommand).toBe(`atlas-backup reject ${handle.workflowId} --reason "<why>"`);
    expect(asked.approval?.overwrite).toMatch(/^cluster 'tgt-[0-9a-f]{8}' in project [0-9a-f]{24} \(production\)$/);
    await handle.executeUpdate(approveUpdate, { args: [{ by: 'on-call' }] });
    const report = (await handle.result()) as DrReport;
    const done = await hooks.waitFor(forRun(handle.workflowId, 'dr.completed'));
    expect(done.signatureValid).toBe(true);
    expect(body(done).recovery?.totalSeconds).toBe(report.recovery.totalSeconds);
    expect(body(done).recovery?.totalSeconds).toBeGreaterThan(0);
    // The notifications' commands replay deterministically (the approval one is not awaited).
    await expect(
      Worker.runReplayHistory(bundle(), await handle.fetchHistory(), handle.workflowId),
    ).resolves.toBeUndefined();
  });
});

async function waitUntil(read: () => Promise<number>, atLeast: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await read().catch(() => 0)) < atLeast) {
    if (Date.now() > deadline) throw new Error(`not reached ${atLeast} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function quietRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // Already installed in this process.
  }
}
