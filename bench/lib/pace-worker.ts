// One pacing worker of bench/fleet-pace.ts in a process of its own, as a deployment runs them (two
// workers in one process shared one Node runtime and its async hooks). Configured by the bench
// through BENCH_* variables; prints "pace worker: ready" once polling, drains on SIGTERM.
import { readFileSync } from 'node:fs';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { startBenchWorker } from './bench-worker.js';

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};

// The bench prints figures; the workers' INFO lines (state changes) would bury them.
Runtime.install({ logger: new DefaultLogger('WARN') });
const worker = await startBenchWorker({
  address: env('BENCH_TEMPORAL_ADDRESS'),
  taskQueue: env('BENCH_TASK_QUEUE'),
  atlasUrl: env('BENCH_ATLAS_URL'),
  auth: { kind: 'serviceAccount', clientId: env('BENCH_CLIENT_ID'), clientSecret: env('BENCH_CLIENT_SECRET') },
  code: readFileSync(env('BENCH_BUNDLE'), 'utf8'),
  maxConcurrentActivities: 100,
  pacing: {
    headroom: Number(env('BENCH_HEADROOM')),
    refreshSeconds: 600,
    periodScale: Number(env('BENCH_SCALE')),
  },
  workerOptions: { identity: env('BENCH_IDENTITY') },
});
let stopping = false;
process.on('SIGTERM', () => {
  if (stopping) return;
  stopping = true;
  worker.stop().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(`pace worker: ${(err as Error).message}`);
      process.exit(1);
    },
  );
});
console.log('pace worker: ready');
