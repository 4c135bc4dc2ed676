// Test harness for workflow integration tests: a real worker on the run's real Temporal dev server
// (started once in test/global-setup.ts) with activities calling a real simulator over HTTP.
import { randomBytes, randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { afterAll, beforeAll, inject } from 'vitest';
import type { AtlasAuth } from '../../src/atlas/index.js';
import type { WorkerConfig } from '../../src/config.js';
import { startSimulator, DEMO_SEED, type RunningSimulator, type SimulatorOptions } from '../../src/simulator/index.js';
import type { NotifyWorkerConfig } from '../../src/notify/config.js';
import { buildWorker, type BuiltWorker } from '../../src/worker.js';

// Workers log at INFO by default; tests only want errors.
let runtimeInstalled = false;
function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // Already installed by an earlier worker in this process.
  }
}

export function temporalAddress(): string {
  return inject('temporalAddress');
}

export async function temporalClient(): Promise<{ client: Client; close(): Promise<void> }> {
  const connection = await Connection.connect({ address: temporalAddress() });
  return { client: new Client({ connection }), close: () => connection.close() };
}

/** Service-account credentials made up for this test run (never committed, never real). */
export function testCredentials() {
  return {
    clientId: `mdb_sa_id_${randomBytes(8).toString('hex')}`,
    clientSecret: `mdb_sa_sk_${randomBytes(24).toString('hex')}`,
  };
}

/** A simulator seeded with the demo resources, auth on, with the given lifecycle options. */
export async function startTestSimulator(options: SimulatorOptions = {}) {
  const creds = testCredentials();
  const sim = await startSimulator({
    seed: DEMO_SEED,
    // The product still reads serverless backups; these suites run it against the pre-sunset API.
    serverlessLegacy: true,
    ...options,
    auth: { serviceAccounts: [creds], ...options.auth },
  });
  const auth: AtlasAuth = { kind: 'serviceAccount', ...creds };
  return { sim, auth, creds };
}

export interface TestWorker {
  taskQueue: string;
  built: BuiltWorker;
  worker: Worker;
  /** Stops polling and waits for in-flight tasks (like a SIGTERM), then closes everything. */
  stop(): Promise<void>;
}

export async function startTestWorker(
  sim: RunningSimulator,
  auth: AtlasAuth,
  taskQueue = `tq-${randomUUID()}`,
  /**
   * The worker's Atlas HTTP timeout and commit horizon. The simulator commits as it answers (but in
   * its stallThenCommit mode), so a short horizon keeps fault tests fast without hiding anything.
   */
  atlas: { timeoutMs?: number; commitHorizonMs?: number } = {},
  /** The worker's webhook default and signing secrets (none: webhooks are refused for want of a secret). */
  notify?: NotifyWorkerConfig,
  /** Pace by the simulator's buckets (absent: the task queue's pace is left alone). */
  pacing?: WorkerConfig['pacing'],
): Promise<TestWorker> {
  const config: WorkerConfig = {
    temporal: { address: temporalAddress(), namespace: 'default' },
    taskQueue,
    atlas: {
      baseUrl: sim.url,
      auth,
      timeoutMs: atlas.timeoutMs ?? 10_000,
      commitHorizonMs: atlas.commitHorizonMs ?? 1_000,
    },
    maxConcurrentActivities: 50,
    ...(pacing ? { pacing } : {}),
  };
  quietRuntime();
  const connection = await NativeConnection.connect({ address: temporalAddress() });
  const built = await buildWorker({
    config,
    connection,
    ...(notify ? { notify } : {}),
    workflowBundle: { codePath: inject('workflowBundlePath') },
    workerOptions: { shutdownGraceTime: '2s' },
  });
  const running = built.worker.run();
  let stopped: Promise<void> | undefined;
  return {
    taskQueue,
    built,
    worker: built.worker,
    stop: () =>
      (stopped ??= (async () => {
        if (built.worker.getState() === 'RUNNING') built.worker.shutdown();
        await running;
        await built.close();
        await connection.close();
      })()),
  };
}

/** Fast polling for tests: the simulator's lifecycles last tens to hundreds of milliseconds. */
export const FAST = {
  polling: { initialIntervalSeconds: 0.05, maximumIntervalSeconds: 0.3, backoffCoefficient: 1.5 },
  retry: { initialIntervalSeconds: 0.05, maximumIntervalSeconds: 0.5, backoffCoefficient: 2 },
} as const;

export const uniqueId = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

export interface WorkflowTestEnv {
  sim: RunningSimulator;
  auth: AtlasAuth;
  worker: TestWorker;
  client: Client;
}

/**
 * The usual integration-test set-up for a describe block: a simulator with the given options, a
 * worker on its own task queue, and a Temporal client; all stopped after the block. Fields are
 * filled in beforeAll.
 */
export function useWorkflowTestEnv(options: SimulatorOptions = {}, notify?: NotifyWorkerConfig): WorkflowTestEnv {
  const ctx = {} as WorkflowTestEnv;
  let closeClient: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const { sim, auth } = await startTestSimulator(options);
    Object.assign(ctx, { sim, auth });
    ctx.worker = await startTestWorker(sim, auth, undefined, {}, notify);
    const temporal = await temporalClient();
    ctx.client = temporal.client;
    closeClient = temporal.close;
  });
  afterAll(async () => {
    await ctx.worker?.stop();
    await closeClient?.();
    await ctx.sim?.stop();
  });
  return ctx;
}
