// A CLI without codec keys against a deployment that encrypts, through the real binary: it refuses
// to start a run (or a schedule) whose input would be stored in clear, and reading an encrypted run
// names the variable that gives the keys. Real dev server, a worker with the codec, the simulator.
import { randomBytes, randomUUID } from 'node:crypto';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { codecKeys, createEncryptionCodec } from '../../src/codec/index.js';
import { DEMO_IDS, type RunningSimulator } from '../../src/simulator/index.js';
import { buildWorker, type BuiltWorker } from '../../src/worker.js';
import { backupPipeline } from '../../src/workflows/index.js';
import { FAST, startTestSimulator, temporalAddress, uniqueId } from '../helpers/temporal.js';
import { runCli } from './helpers.js';

const KEY = randomBytes(32);
const KEYS_ENV = { ATLAS_BACKUP_CODEC_KEYS: `guard-1:${KEY.toString('base64')}` };
const NO_KEYS = { ATLAS_BACKUP_CODEC_KEYS: '', ATLAS_BACKUP_CODEC_KEY_FILE: '' };
const { projectId: groupId, replicaSet } = DEMO_IDS;

describe('a CLI without codec keys, against a task queue whose runs are encrypted', () => {
  const taskQueue = `tq-guard-${randomUUID()}`;
  let sim: RunningSimulator;
  let built: BuiltWorker;
  let running: Promise<void>;
  let connection: Connection;
  let client: Client;
  let encryptedRun: string;

  beforeAll(async () => {
    const started = await startTestSimulator();
    sim = started.sim;
    const dataConverter = { payloadCodecs: [createEncryptionCodec(codecKeys([{ id: 'guard-1', key: KEY }]))] };
    built = await buildWorker({
      config: {
        temporal: { address: temporalAddress(), namespace: 'default' },
        taskQueue,
        atlas: { baseUrl: sim.url, auth: started.auth, timeoutMs: 10_000 },
        maxConcurrentActivities: 10,
      },
      connection: await NativeConnection.connect({ address: temporalAddress() }),
      dataConverter,
      workflowBundle: { codePath: inject('workflowBundlePath') },
      workerOptions: { shutdownGraceTime: '2s' },
    });
    running = built.worker.run();
    connection = await Connection.connect({ address: temporalAddress() });
    client = new Client({ connection, dataConverter });
    // An encrypted run that fails at its pre-flight: its summary (in the failure) is ciphertext.
    const handle = await client.workflow.start(backupPipeline, {
      taskQueue,
      workflowId: uniqueId('guard'),
      args: [{ ...FAST, groupId, clusterName: 'no-such-cluster' }],
    });
    await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
    encryptedRun = handle.workflowId;
  });
  afterAll(async () => {
    built?.worker.shutdown();
    await running;
    await built?.connection.close();
    await built?.close();
    await connection?.close();
    await sim?.stop();
  });

  const cli = (args: string[], env: NodeJS.ProcessEnv) => runCli(args, { taskQueue, env });
  const runsOnQueue = async () => {
    const ids: string[] = [];
    for await (const w of client.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) ids.push(w.workflowId);
    return ids;
  };

  it('refuses to start a backup in clear (exit 2, naming ATLAS_BACKUP_CODEC_KEYS); nothing starts', async () => {
    const before = await runsOnQueue();
    const r = await cli(['backup', '-p', groupId, '-c', replicaSet], NO_KEYS);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('refused to start in clear');
    expect(r.stderr).toContain('ATLAS_BACKUP_CODEC_KEYS');
    expect(r.stderr).toContain(encryptedRun);
    expect(await runsOnQueue()).toEqual(before);
  });

  it('refuses to create a schedule in clear too', async () => {
    const id = uniqueId('sched-guard');
    const r = await cli(['schedule', 'create', '--id', id, '-p', groupId, '-c', replicaSet, '--every', '1d'], NO_KEYS);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('ATLAS_BACKUP_CODEC_KEYS');
    await expect(client.schedule.getHandle(id).describe()).rejects.toThrow();
  });

  it('reading an encrypted run without keys names ATLAS_BACKUP_CODEC_KEYS; with them it reads', async () => {
    const r = await cli(['status', encryptedRun], NO_KEYS);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("this run's payloads are encrypted");
    expect(r.stderr).toContain('ATLAS_BACKUP_CODEC_KEYS');
    const withKeys = await cli(['status', encryptedRun, '--json'], KEYS_ENV);
    expect(withKeys.stderr).toBe('');
    expect(JSON.parse(withKeys.stdout)).toMatchObject({ workflowId: encryptedRun, phase: 'failed' });
  });

  it('with the keys, a start goes ahead (encrypted like the rest)', async () => {
    const r = await cli(['backup', '-p', groupId, '-c', replicaSet, '--json'], KEYS_ENV);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});
