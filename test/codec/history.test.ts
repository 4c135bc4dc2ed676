// Encrypted runs on the real Temporal dev server: a worker and a client with the codec run a
// backupPipeline (export + download restore) and an approved disasterRecovery against the simulator
// over HTTP; the raw history, fetched without the codec, holds none of their plaintext values; the
// `temporal` CLI decodes it through the codec server; a missing key is named; the history replays.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import proto from '@temporalio/proto';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  codecKeys,
  createEncryptionCodec,
  encryptedDataConverter,
  failureConverterPath,
  MissingCodecKeyError,
} from '../../src/codec/index.js';
import { startCodecServer } from '../../src/codec/server.js';
import { ensureTemporalCli } from '../../src/devserver/temporal-cli.js';
import type { RunningSimulator } from '../../src/simulator/index.js';
import {
  approveUpdate,
  statusQuery,
  type DrReport,
  type DrStatus,
  type PipelineResult,
} from '../../src/contract/index.js';
import { backupPipeline, disasterRecovery } from '../../src/workflows/index.js';
import { buildWorker, WORKFLOW_BUNDLER_OPTIONS, workflowsPath, type BuiltWorker } from '../../src/worker.js';
import {
  FAST,
  startTestSimulator,
  startTestWorker,
  temporalAddress,
  temporalClient,
  uniqueId,
  type TestWorker,
} from '../helpers/temporal.js';

type History = proto.temporal.api.history.v1.IHistory;
const HistoryProto = proto.temporal.api.history.v1.History;

const hex = () => randomBytes(12).toString('hex');
/** A project of our own with distinctive names, so any occurrence in a history is a leak. */
const ids = {
  groupId: hex(),
  targetGroupId: hex(),
  bucketId: hex(),
  cluster: `enc-src-${hex()}`,
  dr: `enc-dr-${hex()}`,
  target: `enc-tgt-${hex()}`,
};
const OLD_KEY = randomBytes(32);
const NEW_KEY = randomBytes(32);
// Rotated once: the current key encrypts, the old one is kept for what it wrote.
const codec = createEncryptionCodec(
  codecKeys([
    { id: 'enc-key-2', key: NEW_KEY },
    { id: 'enc-key-1', key: OLD_KEY },
  ]),
);
const dataConverter: DataConverter = encryptedDataConverter(codec);

/** The history as Temporal stores it, with search attributes dropped (they are plaintext by design). */
function rawBytes(history: History, { withSearchAttributes }: { withSearchAttributes: boolean }): Buffer {
  const copy = HistoryProto.decode(HistoryProto.encode(history).finish());
  if (!withSearchAttributes) {
    for (const e of copy.events) {
      e.upsertWorkflowSearchAttributesEventAttributes = null;
      if (e.workflowExecutionStartedEventAttributes) e.workflowExecutionStartedEventAttributes.searchAttributes = null;
    }
  }
  return Buffer.from(HistoryProto.encode(copy).finish());
}
const leaks = (bytes: Buffer, values: string[]) => values.filter((v) => bytes.includes(v));

/**
 * Every payload's `encoding` and every failure's message in the history. Excluded: search attributes
 * (visibility indexes them in clear), and patch markers, whose one payload is the patch id the code
 * branched on (Temporal writes it, and it names our code, not the user's data).
 */
function payloadsAndFailures(history: History): { encodings: string[]; messages: string[] } {
  const encodings: string[] = [];
  const messages: string[] = [];
  const walk = (node: unknown, key = ''): void => {
    if (
      !node ||
      typeof node !== 'object' ||
      ArrayBuffer.isView(node) ||
      key === 'searchAttributes' ||
      key === 'upsertWorkflowSearchAttributesEventAttributes'
    )
      return;
    const o = node as Record<string, unknown>;
    if (o.markerName === 'core_patch') return;
    // A local activity's marker (the pipeline's pre-flight): Core's own record of the call (type,
    // attempt, time) is json/plain like a patch marker's; its result goes through the codec.
    if (o.markerName === 'core_local_activity') return walk((o.details as Record<string, unknown>)?.result, 'result');
    if ('data' in o && 'metadata' in o && o.metadata && typeof o.metadata === 'object') {
      encodings.push(Buffer.from((o.metadata as Record<string, Uint8Array>).encoding ?? []).toString());
    }
    if (key === 'failure' || key === 'lastFailure' || key === 'cause') messages.push(String(o.message ?? ''));
    for (const [k, v] of Object.entries(o)) walk(v, k);
  };
  walk(history);
  return { encodings, messages };
}

/**
 * `temporal workflow show --output json` keeps payload data in base64:
 * the output with every payload's data decoded.
 */
function readable(showJson: string): string {
  const texts: string[] = [showJson];
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if (typeof o.data === 'string' && o.metadata && typeof o.metadata === 'object')
      texts.push(Buffer.from(o.data, 'base64').toString('utf8'));
    for (const v of Object.values(o)) walk(v);
  };
  walk(JSON.parse(showJson) as unknown);
  return texts.join('\n');
}

function temporalCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      ensureTemporalCli().path,
      args,
      { timeout: 60_000, maxBuffer: 20 * 1024 * 1024 },
      (err, stdout, stderr) => {
        resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

describe('encrypted payloads on the real dev server', () => {
  let sim: RunningSimulator;
  let plainWorker: TestWorker;
  let built: BuiltWorker;
  let running: Promise<void>;
  let workflowCode: string;
  let workerConnection: NativeConnection;
  let codecConnection: Connection;
  let codecClient: Client;
  let plain: { client: Client; close(): Promise<void> };
  const taskQueue = uniqueId('tq-codec');

  beforeAll(async () => {
    let auth;
    ({ sim, auth } = await startTestSimulator({
      timeScale: 0.05,
      seed: {
        projects: [
          {
            id: ids.groupId,
            name: 'enc-project',
            clusters: [
              { name: ids.cluster, kind: 'replicaSet' },
              { name: ids.dr, kind: 'replicaSet' },
            ],
            buckets: [{ id: ids.bucketId, bucketName: 'enc-bucket' }],
          },
          { id: ids.targetGroupId, name: 'enc-target', clusters: [{ name: ids.target, kind: 'replicaSet' }] },
        ],
      },
    }));
    // The plain worker first: it installs the test run's quiet logger.
    plainWorker = await startTestWorker(sim, auth);
    plain = await temporalClient();
    // As in production (the worker bundles workflowsPath with the data converter's failure converter).
    workflowCode = (
      await bundleWorkflowCode({
        workflowsPath,
        ...WORKFLOW_BUNDLER_OPTIONS,
        failureConverterPath,
        logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} },
      })
    ).code;
    workerConnection = await NativeConnection.connect({ address: temporalAddress() });
    built = await buildWorker({
      config: {
        temporal: { address: temporalAddress(), namespace: 'default' },
        taskQueue,
        atlas: { baseUrl: sim.url, auth, timeoutMs: 10_000 },
        maxConcurrentActivities: 20,
      },
      connection: workerConnection,
      workflowBundle: { code: workflowCode },
      workerOptions: { dataConverter, shutdownGraceTime: '2s' },
    });
    running = built.worker.run();
    codecConnection = await Connection.connect({ address: temporalAddress() });
    codecClient = new Client({ connection: codecConnection, dataConverter });
  });

  afterAll(async () => {
    if (built?.worker.getState() === 'RUNNING') built.worker.shutdown();
    await running;
    await built?.close();
    await workerConnection?.close();
    await codecConnection?.close();
    await plainWorker?.stop();
    await plain?.close();
    await sim?.stop();
  });

  const pipelineRequest = {
    ...FAST,
    groupId: ids.groupId,
    clusterName: ids.cluster,
    export: { exportBucketId: ids.bucketId },
    restore: { deliveryType: 'download' as const },
  };
  let pipelineId: string;
  let pipelineResult: PipelineResult;

  /** The values of one pipeline that must never be readable in storage. */
  const secretsOf = (r: PipelineResult) => [
    ids.groupId,
    ids.cluster,
    ids.bucketId,
    r.snapshot!.id,
    r.export!.id,
    r.restore!.id,
    ...r.restore!.deliveryUrl!,
  ];

  it('runs a backupPipeline with export and download restore whose raw history holds none of its values', async () => {
    pipelineId = uniqueId('enc-pipeline');
    const handle = await codecClient.workflow.start(backupPipeline, {
      taskQueue,
      workflowId: pipelineId,
      args: [pipelineRequest],
    });
    pipelineResult = (await handle.result()) as PipelineResult;
    expect(pipelineResult.outcome).toBe('completed');
    expect(pipelineResult.restore?.deliveryUrl?.[0]).toMatch(/^https?:\/\//);
    // Queried through the codec client: the run's status is readable by those with the key.
    expect(await handle.query(statusQuery)).toMatchObject({
      phase: 'completed',
      groupId: ids.groupId,
      clusterName: ids.cluster,
    });

    const raw = await plain.client.workflow.getHandle(pipelineId).fetchHistory();
    const secrets = secretsOf(pipelineResult);
    expect(leaks(rawBytes(raw, { withSearchAttributes: false }), secrets)).toEqual([]);
    // Search attributes carry the project and cluster on purpose (visibility filters); nothing else.
    expect(leaks(rawBytes(raw, { withSearchAttributes: true }), secrets.slice(2))).toEqual([]);
    const { encodings, messages } = payloadsAndFailures(raw);
    expect(encodings.length).toBeGreaterThan(10);
    expect(new Set(encodings)).toEqual(new Set(['binary/encrypted']));
    // Polls retry with a benign "not finished" failure naming the job: its message is encoded too.
    expect(messages.length).toBeGreaterThan(0);
    expect(new Set(messages)).toEqual(new Set(['Encoded failure']));
  });

  it('the same check finds every value in the history of a run without the codec (the check can fail)', async () => {
    const result = (await plain.client.workflow.execute(backupPipeline, {
      taskQueue: plainWorker.taskQueue,
      workflowId: uniqueId('plain-pipeline'),
      args: [pipelineRequest],
    })) as PipelineResult;
    const raw = await plain.client.workflow.getHandle(result.workflowId).fetchHistory();
    const secrets = secretsOf(result);
    expect(leaks(rawBytes(raw, { withSearchAttributes: false }), secrets)).toEqual(secrets);
  });

  it('an approved disasterRecovery: status query and approval via the codec; none of it in raw history', async () => {
    await sim.admin.seedCluster({ groupId: ids.targetGroupId, name: `${ids.target}-dr`, kind: 'replicaSet' });
    const snap = await sim.admin.addScheduledSnapshot({ groupId: ids.groupId, clusterName: ids.dr, ageMs: 3_600_000 });
    const approver = `approver-${hex()}`;
    const reason = `incident-${hex()}`;
    const handle = await codecClient.workflow.start(disasterRecovery, {
      taskQueue,
      workflowId: uniqueId('enc-dr'),
      args: [
        {
          ...FAST,
          source: { kind: 'dedicated', groupId: ids.groupId, clusterName: ids.dr },
          what: { latest: true },
          target: { groupId: ids.targetGroupId, clusterName: `${ids.target}-dr`, production: true },
        },
      ],
    });
    const status = await waitForApproval(handle);
    expect(status.approval.pending?.with).toContain(snap.id);
    expect(await handle.executeUpdate(approveUpdate, { args: [{ by: approver, reason }] })).toEqual({
      decision: 'approved',
    });
    const report = (await handle.result()) as DrReport;
    expect(report).toMatchObject({
      outcome: 'completed',
      restored: { snapshotId: snap.id },
      approval: { decision: 'approved', by: approver },
    });

    const raw = await plain.client.workflow.getHandle(handle.workflowId).fetchHistory();
    const secrets = [
      ids.groupId,
      ids.dr,
      ids.targetGroupId,
      `${ids.target}-dr`,
      snap.id,
      report.restoreJobId!,
      approver,
      reason,
    ];
    expect(leaks(rawBytes(raw, { withSearchAttributes: false }), secrets)).toEqual([]);
    expect(new Set(payloadsAndFailures(raw).encodings)).toEqual(new Set(['binary/encrypted']));
  });

  it('fails with the key id named when a client lacks the key', async () => {
    const otherConnection = await Connection.connect({ address: temporalAddress() });
    try {
      const stranger = new Client({
        connection: otherConnection,
        dataConverter: encryptedDataConverter(
          createEncryptionCodec(codecKeys([{ id: 'enc-key-9', key: randomBytes(32) }])),
        ),
      });
      const err = await stranger.workflow
        .getHandle(pipelineId)
        .result()
        .then(
          () => new Error('read the result without the key'),
          (e: unknown) => e as Error,
        );
      expect(err).toBeInstanceOf(MissingCodecKeyError);
      expect(err.message).toContain("key id 'enc-key-2'");
      expect(err.message).not.toContain(NEW_KEY.toString('base64'));
      // A client without any codec reads ciphertext it cannot convert, never the plaintext.
      const plainErr = await plain.client.workflow
        .getHandle(pipelineId)
        .result()
        .then(
          () => undefined,
          (e: unknown) => e as Error,
        );
      expect(String(plainErr?.message)).toMatch(/binary\/encrypted/);
    } finally {
      await otherConnection.close();
    }
  });

  it('the temporal CLI shows plaintext through the codec server, and only ciphertext without it', async () => {
    const token = randomBytes(24).toString('base64url');
    const server = await startCodecServer({ codec, token, corsOrigins: [] });
    try {
      const base = [
        'workflow',
        'show',
        '--workflow-id',
        pipelineId,
        '--address',
        temporalAddress(),
        '--namespace',
        'default',
        '--output',
        'json',
      ];
      const decoded = await temporalCli([...base, '--codec-endpoint', server.url, '--codec-auth', `Bearer ${token}`]);
      expect(decoded.stderr).toBe('');
      expect(decoded.code).toBe(0);
      expect(readable(decoded.stdout)).toContain(pipelineResult.restore!.deliveryUrl![0]!);
      expect(readable(decoded.stdout)).toContain(pipelineResult.snapshot!.id);
      const encrypted = await temporalCli(base);
      expect(encrypted.code).toBe(0);
      expect(encrypted.stdout).toContain(Buffer.from('binary/encrypted').toString('base64'));
      for (const v of secretsOf(pipelineResult).slice(2)) expect(readable(encrypted.stdout)).not.toContain(v);
      const wrongToken = await temporalCli([
        ...base,
        '--codec-endpoint',
        server.url,
        '--codec-auth',
        'Bearer not-the-token-not-the-token',
      ]);
      expect(wrongToken.code).not.toBe(0);
      expect(wrongToken.stdout).not.toContain(pipelineResult.snapshot!.id);
    } finally {
      await server.close();
    }
  });

  it('replays a history recorded with the codec on, with the data converter (and not without it)', async () => {
    const history = await codecClient.workflow.getHandle(pipelineId).fetchHistory();
    await Worker.runReplayHistory({ workflowBundle: { code: workflowCode }, dataConverter }, history, pipelineId);
    await expect(
      Worker.runReplayHistory({ workflowBundle: { code: workflowCode } }, history, pipelineId),
    ).rejects.toThrow();
  });
});

async function waitForApproval(handle: WorkflowHandle): Promise<DrStatus> {
  for (let i = 0; i < 600; i++) {
    const s = await handle.query<DrStatus>('status');
    if (s.phase === 'awaiting-approval') return s;
    if (['completed', 'failed', 'cancelled', 'rejected'].includes(s.phase))
      throw new Error(`run ended in ${s.phase} before awaiting approval`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('run never reached awaiting-approval');
}
