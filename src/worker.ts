// The worker: builds the Atlas client from config (credentials stay in this process), registers
// the activities and workflows, and runs until SIGINT/SIGTERM (the SDK drains in-flight tasks).
import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { AtlasClient } from './atlas/index.js';
import { createActivities } from './activities/index.js';
import { dataConverterFromEnv } from './codec/index.js';
import { ConfigError, loadWorkerConfig, type WorkerConfig } from './config.js';
import { connectionOptions } from './temporal-connection.js';
import { maxCachedWorkflowsFromEnv, workflowBundleFromEnv } from './worker-memory.js';

/** The workflow bundle's entry point, next to this file (.ts under tsx, .js when built). */
export const workflowsPath = fileURLToPath(
  new URL(`./workflows/index${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url),
);

export interface BuildWorkerOptions {
  config: WorkerConfig;
  /** Reuse an existing connection (tests); otherwise one is opened from config. */
  connection?: NativeConnection;
  /** A prebuilt workflow bundle (tests build it once); otherwise workflowsPath is bundled. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Payload encryption (dataConverterFromEnv in src/codec); the clients must use the same keys. */
  dataConverter?: DataConverter;
  /** Extra Worker options (tests shorten shutdown grace time, for example). */
  workerOptions?: Partial<WorkerOptions>;
}

export interface BuiltWorker {
  worker: Worker;
  atlas: AtlasClient;
  /** Closes what this module opened (Atlas pool, and the connection if it opened it). */
  close(): Promise<void>;
}

export async function buildWorker(options: BuildWorkerOptions): Promise<BuiltWorker> {
  const { config } = options;
  const atlas = new AtlasClient({
    baseUrl: config.atlas.baseUrl,
    auth: config.atlas.auth,
    headersTimeoutMs: config.atlas.timeoutMs,
    bodyTimeoutMs: config.atlas.timeoutMs,
  });
  const connection = options.connection ?? (await NativeConnection.connect(connectionOptions(config.temporal)));
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.taskQueue,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath }),
    activities: createActivities(atlas),
    maxConcurrentActivityTaskExecutions: config.maxConcurrentActivities,
    ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
    ...options.workerOptions,
  });
  return {
    worker,
    atlas,
    async close() {
      await atlas.close();
      if (!options.connection) await connection.close();
    },
  };
}

/** `atlas-backup worker` and `node src/worker.ts`: configuration from the environment only. */
export async function runWorkerFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = loadWorkerConfig(env);
  const dataConverter = dataConverterFromEnv(env);
  // A prebuilt bundle lacks the codec's failure converter, so encrypted workers bundle at start.
  const workflowBundle = dataConverter ? undefined : workflowBundleFromEnv(env);
  const workerOptions = { maxCachedWorkflows: maxCachedWorkflowsFromEnv(env) };
  const built = await buildWorker({ config, dataConverter, workflowBundle, workerOptions });
  const payloads = dataConverter ? 'payloads encrypted' : 'payloads in clear (set ATLAS_BACKUP_CODEC_KEYS to encrypt)';
  const temporal = `${config.temporal.address} (namespace ${config.temporal.namespace})`;
  const atlas = `${config.atlas.baseUrl} (${config.atlas.auth.kind} auth)`;
  console.log(`atlas-backup worker: task queue '${config.taskQueue}' on ${temporal}, Atlas at ${atlas}, ${payloads}`);
  const bundle = workflowBundle && 'codePath' in workflowBundle ? workflowBundle.codePath : 'bundled at start';
  console.log(`atlas-backup worker: workflows ${bundle}, cache ${workerOptions.maxCachedWorkflows} runs`);
  try {
    await built.worker.run();
  } finally {
    await built.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  runWorkerFromEnv().catch((err: unknown) => {
    console.error(err instanceof ConfigError ? err.message : `atlas-backup worker stopped: ${(err as Error).message}`);
    process.exit(err instanceof ConfigError ? 2 : 1);
  });
}
