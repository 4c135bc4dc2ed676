// Records workflow histories of the main paths as replay fixtures (test/fixtures/histories).
// The replay test runs them through the current workflow code, so a change that would break runs in
// flight on the same build fails CI. Re-record after a change that ships as a new Worker Deployment
// build (CONTRIBUTING.md):
//   node --import tsx scripts/record-histories.ts [name ...]   (only the named paths; default all)
// RECORD_ONLY=name,name does the same.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { execFileSync } from 'node:child_process';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { startDevServer } from '../src/devserver/dev-server.js';
import { ensureTemporalCli } from '../src/devserver/temporal-cli.js';
import { DEMO_IDS, DEMO_SEED, startSimulator } from '../src/simulator/index.js';
import { buildWorker } from '../src/worker.js';

const out = join(import.meta.dirname, '..', 'test', 'fixtures', 'histories');
const { projectId: groupId, targetProjectId, bucketId, replicaSet, sharded, restoreTarget } = DEMO_IDS;
const FAST = {
  polling: { initialIntervalSeconds: 0.05, maximumIntervalSeconds: 0.3, backoffCoefficient: 1.5 },
  retry: { initialIntervalSeconds: 0.05, maximumIntervalSeconds: 0.5, backoffCoefficient: 2 },
};

Runtime.install({ logger: new DefaultLogger('ERROR') });
const dev = await startDevServer();
const creds = {
  clientId: `mdb_sa_id_${randomBytes(6).toString('hex')}`,
  clientSecret: randomBytes(24).toString('hex'),
};
const sim = await startSimulator({
  seed: DEMO_SEED,
  serverlessLegacy: true,
  timeScale: 0.05,
  auth: { serviceAccounts: [creds] },
});
const taskQueue = 'record-histories';
const built = await buildWorker({
  config: {
    temporal: { address: dev.address, namespace: 'default' },
    taskQueue,
    atlas: { baseUrl: sim.url, auth: { kind: 'serviceAccount', ...creds }, timeoutMs: 10_000 },
    maxConcurrentActivities: 20,
  },
});
const connection = await Connection.connect({ address: dev.address });
const client = new Client({ connection });

/** Waits (at most 10 s) until a DR run asks for a decision. */
async function untilAwaitingApproval(h: WorkflowHandle): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if ((await h.query<{ phase: string }>('status')).phase === 'awaiting-approval') return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${h.workflowId} never reached awaiting-approval`);
}

const paths: {
  name: string;
  workflow?: string;
  args: unknown;
  before?: () => Promise<void>;
  during?: (h: WorkflowHandle) => Promise<void>;
}[] = [
  {
    name: 'pipeline-replica-set-export-automated-restore',
    args: {
      groupId,
      clusterName: replicaSet,
      export: { exportBucketId: bucketId },
      restore: {
        deliveryType: 'automated',
        targetGroupId: targetProjectId,
        targetClusterName: restoreTarget,
        overwrite: restoreTarget,
      },
      ...FAST,
    },
  },
  {
    name: 'pipeline-sharded-export',
    args: { groupId, clusterName: sharded, export: { exportBucketId: bucketId }, ...FAST },
  },
  {
    name: 'pipeline-download-restore',
    args: { groupId, clusterName: replicaSet, restore: { deliveryType: 'download' }, ...FAST },
  },
  { name: 'pipeline-cluster-not-found', args: { groupId, clusterName: 'no-such-cluster', ...FAST } },
  { name: 'pipeline-invalid-input', args: { groupId: 'nope', clusterName: replicaSet } },
  {
    name: 'pipeline-cancelled-during-snapshot-wait',
    args: {
      groupId,
      clusterName: replicaSet,
      ...FAST,
      polling: { initialIntervalSeconds: 0.5, maximumIntervalSeconds: 1, backoffCoefficient: 1 },
    },
    during: async (h) => {
      await new Promise((r) => setTimeout(r, 1000));
      await h.cancel();
    },
  },
  {
    // A create attempt commits its job, then fails: the run is cancelled during its retry backoff.
    name: 'pipeline-cancelled-during-restore-create',
    args: {
      groupId,
      clusterName: replicaSet,
      restore: { deliveryType: 'download' },
      ...FAST,
      retry: { initialIntervalSeconds: 60, maximumIntervalSeconds: 60, backoffCoefficient: 2 },
    },
    before: async () => {
      await sim.admin.setFaults({ operations: { createBackupRestoreJob: { commitThenStatus: 1, commitStatus: 500 } } });
    },
    during: async (h) => {
      for (let i = 0; i < 300; i++) {
        const pending = (await h.describe()).raw.pendingActivities?.[0];
        if (pending?.activityType?.name === 'startRestore' && (pending.attempt ?? 1) > 1) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      await h.cancel();
      await h.result().catch(() => undefined);
      await sim.admin.clearFaults();
    },
  },
  {
    name: 'dr-latest-snapshot-into-other-project',
    workflow: 'disasterRecovery',
    before: async () => {
      await sim.admin.addScheduledSnapshot({ groupId, clusterName: replicaSet, ageMs: 3_600_000 });
    },
    args: {
      source: { kind: 'dedicated', groupId, clusterName: replicaSet },
      what: { latest: true },
      target: { groupId: targetProjectId, clusterName: restoreTarget },
      ...FAST,
    },
  },
  {
    name: 'dr-approval-approved',
    workflow: 'disasterRecovery',
    args: {
      source: { kind: 'dedicated', groupId, clusterName: replicaSet },
      what: { latest: true },
      target: { groupId: targetProjectId, clusterName: restoreTarget, production: true },
      ...FAST,
    },
    during: async (h) => {
      await untilAwaitingApproval(h);
      await h.executeUpdate('approve', { args: [{ by: 'fixture-recorder', reason: 'recording a replay fixture' }] });
    },
  },
  {
    name: 'dr-serverless-source',
    workflow: 'disasterRecovery',
    before: async () => {
      await sim.admin.addScheduledSnapshot({ groupId, clusterName: DEMO_IDS.serverless, ageMs: 600_000 });
    },
    args: {
      source: { kind: 'serverless', groupId, clusterName: DEMO_IDS.serverless },
      what: { latest: true },
      target: { groupId: targetProjectId, clusterName: restoreTarget },
      ...FAST,
    },
  },
  // Issue 11: runs that do not complete end Cancelled / Failed (patch truthful-outcomes).
  {
    // Waits for a decision that never comes, so the cancel always lands before any restore.
    name: 'dr-cancelled-ends-cancelled',
    workflow: 'disasterRecovery',
    before: async () => {
      await sim.admin.addScheduledSnapshot({ groupId, clusterName: replicaSet, ageMs: 3_600_000 });
    },
    args: {
      source: { kind: 'dedicated', groupId, clusterName: replicaSet },
      what: { latest: true },
      target: { groupId: targetProjectId, clusterName: restoreTarget },
      approval: { required: true },
      ...FAST,
    },
    during: async (h) => {
      await untilAwaitingApproval(h);
      await h.cancel();
    },
  },
  {
    name: 'dr-approval-rejected-fails',
    workflow: 'disasterRecovery',
    before: async () => {
      await sim.admin.addScheduledSnapshot({ groupId, clusterName: replicaSet, ageMs: 3_600_000 });
    },
    args: {
      source: { kind: 'dedicated', groupId, clusterName: replicaSet },
      what: { latest: true },
      target: { groupId: targetProjectId, clusterName: restoreTarget },
      approval: { required: true },
      ...FAST,
    },
    during: async (h) => {
      await untilAwaitingApproval(h);
      await h.executeUpdate('reject', { args: [{ by: 'fixture-recorder', reason: 'wrong snapshot' }] });
    },
  },
  {
    name: 'dr-approval-timed-out-fails',
    workflow: 'disasterRecovery',
    before: async () => {
      await sim.admin.addScheduledSnapshot({ groupId, clusterName: replicaSet, ageMs: 3_600_000 });
    },
    args: {
      source: { kind: 'dedicated', groupId, clusterName: replicaSet },
      what: { latest: true },
      target: { groupId: targetProjectId, clusterName: restoreTarget },
      approval: { required: true, timeoutSeconds: 1 },
      ...FAST,
    },
  },
  {
    name: 'dr-flex-download',
    workflow: 'disasterRecovery',
    before: async () => {
      await sim.admin.addScheduledSnapshot({ groupId, clusterName: DEMO_IDS.flex, ageMs: 600_000 });
    },
    args: {
      source: { kind: 'flex', groupId, clusterName: DEMO_IDS.flex },
      what: { latest: true },
      deliveryType: 'download',
      ...FAST,
    },
  },
  {
    // Its children report their endings by signal; one child ends as a failure.
    name: 'fleet-two-clusters-one-failing',
    workflow: 'fleetBackup',
    before: async () => {
      await sim.admin.failNext({ target: 'snapshot', groupId, clusterName: sharded, reason: 'disk on fire' });
    },
    args: {
      targets: { clusters: [replicaSet, sharded].map((clusterName) => ({ groupId, clusterName })) },
      ...FAST,
    },
  },
];

const only = process.env.RECORD_ONLY?.split(',').map((n) => n.trim());

try {
  await built.worker.runUntil(async () => {
    mkdirSync(out, { recursive: true });
    const named = [...(only ?? []), ...process.argv.slice(2)];
    for (const p of paths.filter((x) => named.length === 0 || named.includes(x.name))) {
      await p.before?.();
      const handle = await client.workflow.start(p.workflow ?? 'backupPipeline', {
        taskQueue,
        workflowId: `fixture-${p.name}`,
        args: [p.args],
      });
      await p.during?.(handle);
      await handle.result().catch(() => undefined);
      // The CLI writes the canonical proto3 JSON form that historyFromJSON reads back.
      const json = execFileSync(
        ensureTemporalCli().path,
        ['workflow', 'show', '--address', dev.address, '--workflow-id', handle.workflowId, '--output', 'json'],
        { encoding: 'utf8' },
      );
      writeFileSync(join(out, `${p.name}.json`), json);
      console.log(`recorded ${p.name}: ${(JSON.parse(json) as { events: unknown[] }).events.length} events`);
    }
  });
} finally {
  await built.close();
  await connection.close();
  await sim.stop();
  await dev.stop();
}
