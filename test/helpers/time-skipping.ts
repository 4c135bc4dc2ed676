// Time-skipping test environment: Temporal's own test server (scripts/time-skipping-server.ts
// installs it from Maven Central) through @temporalio/testing, with a worker running the real
// workflows and activities against a real simulator. Timers and retry backoffs are skipped while a
// test awaits a workflow's result, so hour- and day-long waits take seconds.
import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { afterAll, beforeAll, inject } from 'vitest';
import { ensureTimeSkippingServer } from '../../scripts/time-skipping-server.js';
import type { AtlasAuth } from '../../src/atlas/index.js';
import { ALL_SEARCH_ATTRIBUTES } from '../../src/contract/index.js';
import type { RunningSimulator, SimulatorOptions } from '../../src/simulator/index.js';
import { buildWorker, type BuiltWorker } from '../../src/worker.js';
import { startTestSimulator } from './temporal.js';

async function createEnv(path: string): Promise<TestWorkflowEnvironment> {
  const options = { server: { executable: { type: 'existing-path' as const, path } } };
  try {
    return await TestWorkflowEnvironment.createTimeSkipping(options);
  } catch (err) {
    // sdk-core gives the server a fixed 5 s to answer; a JVM on a loaded 2-core machine can miss
    // that once (a cold file cache). A second start finds its jars cached.
    console.warn(`Time-skipping test server did not start (${(err as Error).message}); trying once more.`);
    return await TestWorkflowEnvironment.createTimeSkipping(options);
  }
}

export interface TimeSkippingTestEnv {
  env: TestWorkflowEnvironment;
  sim: RunningSimulator;
  auth: AtlasAuth;
  built: BuiltWorker;
  taskQueue: string;
}

/** One time-skipping server, simulator and worker for a describe block (its tests run serially). */
export function useTimeSkippingEnv(options: SimulatorOptions = {}): TimeSkippingTestEnv {
  const ctx = {} as TimeSkippingTestEnv;
  let running: Promise<void> | undefined;
  beforeAll(async () => {
    try {
      Runtime.install({ logger: new DefaultLogger('ERROR') });
    } catch {
      // Already installed in this process.
    }
    ctx.env = await createEnv(await ensureTimeSkippingServer());
    // The test server rejects upserts of unregistered search attributes, like a real server.
    await ctx.env.connection.operatorService.addSearchAttributes({
      namespace: 'default',
      searchAttributes: Object.fromEntries(ALL_SEARCH_ATTRIBUTES.map((k) => [k.name, 2 /* KEYWORD */])),
    });
    Object.assign(ctx, await startTestSimulator(options));
    ctx.taskQueue = `ts-${randomUUID()}`;
    ctx.built = await buildWorker({
      config: {
        temporal: { address: ctx.env.address, namespace: 'default' },
        taskQueue: ctx.taskQueue,
        atlas: { baseUrl: ctx.sim.url, auth: ctx.auth, timeoutMs: 10_000 },
        maxConcurrentActivities: 10,
      },
      connection: ctx.env.nativeConnection,
      workflowBundle: { codePath: inject('workflowBundlePath') },
      workerOptions: { shutdownGraceTime: '1s' },
    });
    running = ctx.built.worker.run();
  });
  afterAll(async () => {
    if (ctx.built?.worker.getState() === 'RUNNING') ctx.built.worker.shutdown();
    await running;
    await ctx.built?.close();
    await ctx.sim?.stop();
    await ctx.env?.teardown();
  });
  return ctx;
}
