// What the benches share to run the product's worker in their own process: the workflow bundle,
// made as every worker makes it (WORKFLOW_BUNDLER_OPTIONS: the preloaded workflows), and a worker on
// a simulator with a stop that shuts it down, then closes its Atlas client and connection.
import { bundleWorkflowCode, DefaultLogger, NativeConnection, type BundleOptions } from '@temporalio/worker';
import type { AtlasAuth } from '../../src/atlas/index.js';
import { buildWorker, WORKFLOW_BUNDLER_OPTIONS, workflowsPath, type BuildWorkerOptions } from '../../src/worker.js';

/** The workflows' bundle code; `extra` adds options (the codec bench's failure converter). */
export async function bundleWorkflows(extra: Partial<BundleOptions> = {}): Promise<string> {
  const { code } = await bundleWorkflowCode({
    workflowsPath,
    ...WORKFLOW_BUNDLER_OPTIONS,
    logger: new DefaultLogger('WARN'),
    ...extra,
  });
  return code;
}

export interface BenchWorkerOptions {
  address: string;
  taskQueue: string;
  atlasUrl: string;
  auth: AtlasAuth;
  code: string;
  maxConcurrentActivities: number;
  /** The Atlas HTTP timeout (default 10 s); the commit horizon is three times it. */
  timeoutMs?: number;
  workerOptions?: BuildWorkerOptions['workerOptions'];
  /** Pace by the simulator's token buckets (src/client/bucket-pace.ts); absent: the queue's pace is left alone. */
  pacing?: BuildWorkerOptions['config']['pacing'];
}

/** Starts a worker running; `stop` drains it (2 s grace) and closes what it opened. */
export async function startBenchWorker(o: BenchWorkerOptions) {
  const connection = await NativeConnection.connect({ address: o.address });
  const built = await buildWorker({
    config: {
      temporal: { address: o.address, namespace: 'default' },
      taskQueue: o.taskQueue,
      atlas: { baseUrl: o.atlasUrl, auth: o.auth, timeoutMs: o.timeoutMs ?? 10_000 },
      maxConcurrentActivities: o.maxConcurrentActivities,
      ...(o.pacing ? { pacing: o.pacing } : {}),
    },
    connection,
    workflowBundle: { code: o.code },
    workerOptions: { shutdownGraceTime: '2s', ...o.workerOptions },
  });
  const running = built.worker.run();
  return {
    built,
    async stop(): Promise<void> {
      built.worker.shutdown();
      await running;
      await built.close();
      await connection.close();
    },
  };
}
