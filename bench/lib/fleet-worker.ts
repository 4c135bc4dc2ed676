// The worker process of bench/fleet.ts, so its RSS is its own. BENCH_WORKER=atlas runs the real
// worker from the environment (runWorkerFromEnv: prebuilt bundle, cache size); BENCH_WORKER=noop runs
// the baseline's trivial activities on the same cache size, from the bundle in BENCH_NOOP_BUNDLE.
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { maxCachedWorkflowsFromEnv } from '../../src/worker-memory.js';
import { runWorkerFromEnv } from '../../src/worker.js';

async function runNoop(): Promise<void> {
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  const worker = await Worker.create({
    connection,
    taskQueue: process.env.TEMPORAL_TASK_QUEUE!,
    workflowBundle: { codePath: process.env.BENCH_NOOP_BUNDLE! },
    activities: { noop: async () => undefined },
    maxCachedWorkflows: maxCachedWorkflowsFromEnv(process.env),
    maxConcurrentActivityTaskExecutions: Number(process.env.WORKER_MAX_CONCURRENT_ACTIVITIES ?? 50),
  });
  console.log('noop worker: ready');
  await worker.run();
}

// The bench prints figures; the workers' INFO lines (state changes) would bury them.
Runtime.install({ logger: new DefaultLogger('WARN') });

const stop = (err: unknown) => {
  console.error(`bench worker stopped: ${(err as Error).message}`);
  process.exit(1);
};
if (process.env.BENCH_WORKER === 'noop') runNoop().catch(stop);
else runWorkerFromEnv().catch(stop);
