// `atlas-backup demo`: everything on embedded defaults — a Temporal dev server, the Atlas simulator
// (auth on, credentials made up at run time), an in-process worker — then one backupPipeline for the
// demo cluster with an export and a restore, shown with the live view, ending with a summary.
// Everything it started is stopped before it returns, also on Ctrl-C.
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { codecKeys, createEncryptionCodec, encryptedDataConverter } from '../../codec/index.js';
import { startCodecServer, type RunningCodecServer } from '../../codec/server.js';
import { freePort, startDevServer, type RunningDevServer } from '../../devserver/dev-server.js';
import { DEMO_IDS, DEMO_SEED, startSimulator, type RunningSimulator } from '../../simulator/index.js';
import { buildWorker, type BuiltWorker } from '../../worker.js';
import type { BackupPipelineRequest, PipelineResult } from '../../contract/index.js';
import { UsageError } from '../errors.js';
import { followRun } from '../live.js';
import { startBackup } from '../start.js';
import { summarize } from './summary.js';

export interface DemoOptions {
  timeScale: number;
  restore: 'download' | 'automated' | 'none';
  export: boolean;
  ui: boolean;
  json: boolean;
  /** Where the live view and progress messages go (stderr with --json, so stdout stays JSON). */
  log?: NodeJS.WriteStream;
}

const TASK_QUEUE = 'atlas-backup-demo';

export function demoRequest(o: Pick<DemoOptions, 'restore' | 'export' | 'timeScale'>): BackupPipelineRequest {
  const poll = Math.max(0.05, Math.min(0.5, 0.25 * o.timeScale));
  return {
    groupId: DEMO_IDS.projectId,
    clusterName: DEMO_IDS.replicaSet,
    snapshot: { description: 'atlas-backup demo snapshot', retentionInDays: 1 },
    ...(o.export ? { export: { exportBucketId: DEMO_IDS.bucketId, customData: [{ key: 'source', value: 'atlas-backup demo' }] } } : {}),
    ...(o.restore === 'download' ? { restore: { deliveryType: 'download' as const } } : {}),
    ...(o.restore === 'automated' ? { restore: { deliveryType: 'automated' as const, targetGroupId: DEMO_IDS.targetProjectId, targetClusterName: DEMO_IDS.restoreTarget } } : {}),
    polling: { initialIntervalSeconds: poll, maximumIntervalSeconds: poll * 2, backoffCoefficient: 1.5 },
    retry: { initialIntervalSeconds: 0.2, maximumIntervalSeconds: 2, backoffCoefficient: 2 },
  };
}

export async function runDemo(o: DemoOptions): Promise<number> {
  if (!(o.timeScale > 0) || o.timeScale > 100) throw new UsageError('--time-scale must be a number > 0 and <= 100 (1 = default simulator durations, 0.5 = twice as fast)');
  const log = o.log ?? (o.json ? process.stderr : process.stdout);
  const say = (line: string) => log.write(`${line}\n`);
  let dev: RunningDevServer | undefined;
  let sim: RunningSimulator | undefined;
  let built: BuiltWorker | undefined;
  let running: Promise<void> | undefined;
  let connection: Connection | undefined;
  let codecServer: RunningCodecServer | undefined;
  const interrupted = new AbortController();
  const onSignal = () => interrupted.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const cleanup = async () => {
    if (built && built.worker.getState() === 'RUNNING') built.worker.shutdown();
    await running?.catch(() => undefined);
    await built?.close().catch(() => undefined);
    await connection?.close().catch(() => undefined);
    await sim?.stop();
    await dev?.stop();
    await codecServer?.close().catch(() => undefined);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };

  try {
    say(`Starting a local Temporal dev server${o.ui ? ' with its Web UI' : ''}…`);
    // Payloads encrypted with a key made up for this run: Temporal stores only ciphertext.
    const codec = createEncryptionCodec(codecKeys([{ id: `demo-${randomBytes(4).toString('hex')}`, key: randomBytes(32) }]));
    const dataConverter = encryptedDataConverter(codec);
    let uiCodecEndpoint: string | undefined;
    if (o.ui) {
      const token = randomBytes(24).toString('hex');
      const uiPort = await freePort();
      codecServer = await startCodecServer({ codec, token, corsOrigins: [`http://127.0.0.1:${uiPort}`, `http://localhost:${uiPort}`] });
      uiCodecEndpoint = `${codecServer.url}/${token}`;
      dev = await startDevServer({ ui: true, uiPort, uiCodecEndpoint });
    }
    dev ??= await startDevServer({ ui: false });
    say(`  Temporal at ${dev.address} (pid ${dev.pid})${dev.uiUrl ? `, UI at ${dev.uiUrl} (decrypting through a codec server on 127.0.0.1)` : ''}`);
    say(`  Payloads encrypted with AES-256-GCM (key '${codec.currentKeyId}', made up for this run)`);

    // Made up for this run only: the simulator checks them like Atlas checks a service account.
    const creds = { clientId: `mdb_sa_id_${randomBytes(8).toString('hex')}`, clientSecret: `mdb_sa_sk_${randomBytes(24).toString('hex')}` };
    sim = await startSimulator({ seed: DEMO_SEED, auth: { serviceAccounts: [creds] }, timeScale: o.timeScale });
    say(`  Atlas simulator at ${sim.url} (service-account auth, time scale ${o.timeScale})`);

    say('Starting a worker (bundling the workflows)…');
    quietRuntime();
    built = await buildWorker({
      config: {
        temporal: { address: dev.address, namespace: dev.namespace },
        taskQueue: TASK_QUEUE,
        atlas: { baseUrl: sim.url, auth: { kind: 'serviceAccount', ...creds }, timeoutMs: 10_000 },
        maxConcurrentActivities: 20,
      },
      dataConverter,
      workerOptions: { shutdownGraceTime: '2s' },
    });
    running = built.worker.run();

    connection = await Connection.connect({ address: dev.address });
    const client = new Client({ connection, namespace: dev.namespace, dataConverter });
    const handle = await startBackup(client, demoRequest(o), TASK_QUEUE);
    say(`Started ${handle.workflowId}: snapshot of ${DEMO_IDS.replicaSet}${o.export ? ', export to the demo bucket' : ''}${o.restore !== 'none' ? `, ${o.restore} restore` : ''}\n`);

    const outcome = await followRun(client, handle, { out: log, signal: interrupted.signal });
    if (outcome.stopped) {
      say('\nInterrupted: cancelling the demo run and stopping everything.');
      await handle.cancel().catch(() => undefined);
      return 1;
    }
    const result = outcome.result as PipelineResult | undefined;
    if (o.json) process.stdout.write(`${JSON.stringify({ workflowId: handle.workflowId, executionStatus: outcome.status.executionStatus, failure: outcome.failure, result, status: outcome.status }, null, 2)}\n`);
    else say(`\n${summarize(outcome.status, result, outcome.failure)}`);

    if (o.ui && dev.uiUrl && !interrupted.signal.aborted) {
      say(`\nThe Temporal UI stays up at ${dev.uiUrl} — press Ctrl-C to stop everything.`);
      await new Promise<void>((resolve) => interrupted.signal.addEventListener('abort', () => resolve(), { once: true }));
    }
    return outcome.status.executionStatus === 'COMPLETED' && result?.outcome === 'completed' ? 0 : 1;
  } finally {
    await cleanup();
  }
}

/** The demo's screen is the live view: the SDK's and webpack's INFO lines would drown it. */
function quietRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // Already installed (a second demo in the same process): keep the existing runtime.
  }
}
