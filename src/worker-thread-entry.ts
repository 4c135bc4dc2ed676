// The worker thread's entry (runWorkerFromEnv starts it): runs the worker in this thread until the
// main thread relays a shutdown signal, then exits with the worker's outcome. A failure is posted
// to the main thread, which reports it exactly as an in-process worker would.
import { parentPort, workerData, type ResourceLimits } from 'node:worker_threads';
import { ConfigError, processEnv } from './config.js';
import { runWorkerInProcess } from './worker.js';
import { SHUTDOWN, type ThreadFailure } from './worker-thread.js';

const port = parentPort;
if (!port) throw new Error('src/worker-thread-entry is the worker thread of runWorkerFromEnv, not a program');
const stop = new Promise<void>((resolve) => port.on('message', (m) => m === SHUTDOWN && resolve()));
const { limits } = workerData as { limits: ResourceLimits };
try {
  await runWorkerInProcess(processEnv(), { stop, threadLimits: limits });
  // Ends this thread only; what the worker left open (the message port, pools) must not keep it alive.
  process.exit(0);
} catch (err) {
  const failure: ThreadFailure = {
    failed: {
      message: err instanceof Error ? err.message : String(err),
      ...(err instanceof ConfigError ? { problems: err.problems } : {}),
    },
  };
  port.postMessage(failure);
  process.exit(1);
}
