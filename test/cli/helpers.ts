// CLI test harness: the real `atlas-backup` binary spawned against the run's Temporal dev server,
// with an in-test worker (own task queue) calling a real simulator seeded with a project of its own,
// so runs of other test files sharing the dev server never collide with ours.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { startTestSimulator, startTestWorker, type TestWorker } from '../helpers/temporal.js';
import type { RunningSimulator, SimulatorOptions } from '../../src/simulator/index.js';

export const BIN = fileURLToPath(new URL('../../bin/atlas-backup.js', import.meta.url));
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `atlas-backup args...` with the dev server's address and the given task queue. */
export function runCli(
  args: string[],
  opts: { taskQueue?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; nodeArgs?: string[] } = {},
): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_NAMESPACE: 'default',
    NO_COLOR: '1',
    ...opts.env,
  };
  if (opts.taskQueue) env.TEMPORAL_TASK_QUEUE = opts.taskQueue;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...(opts.nodeArgs ?? []), BIN, ...args],
      { env, cwd: ROOT, timeout: opts.timeoutMs ?? 90_000, maxBuffer: 10 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err
          ? typeof (err as { code?: unknown }).code === 'number'
            ? (err as { code: number }).code
            : 1
          : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

export const hexId = () => randomBytes(12).toString('hex');

/** A project of our own: two replica sets, a target project and an export bucket. */
export function ownProject() {
  return {
    projectId: hexId(),
    targetProjectId: hexId(),
    bucketId: hexId(),
    cluster: 'cli-cluster',
    other: 'cli-other',
    spare: 'cli-spare',
    target: 'cli-target',
  };
}

export interface CliEnv {
  ids: ReturnType<typeof ownProject>;
  sim: RunningSimulator;
  worker: TestWorker;
  taskQueue: string;
  cli(args: string[], opts?: { env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<CliResult>;
  stop(): Promise<void>;
}

export async function startCliEnv(options: SimulatorOptions = {}): Promise<CliEnv> {
  const ids = ownProject();
  const { sim, auth } = await startTestSimulator({
    ...options,
    seed: {
      projects: [
        {
          id: ids.projectId,
          name: 'cli-project',
          clusters: [
            { name: ids.cluster, kind: 'replicaSet' },
            { name: ids.other, kind: 'replicaSet' },
            { name: ids.spare, kind: 'replicaSet' },
          ],
          buckets: [{ id: ids.bucketId, bucketName: 'cli-bucket' }],
        },
        { id: ids.targetProjectId, name: 'cli-target', clusters: [{ name: ids.target, kind: 'replicaSet' }] },
      ],
    },
  });
  const worker = await startTestWorker(sim, auth);
  return {
    ids,
    sim,
    worker,
    taskQueue: worker.taskQueue,
    cli: (args, opts = {}) => runCli(args, { ...opts, taskQueue: worker.taskQueue }),
    async stop() {
      await worker.stop();
      await sim.stop();
    },
  };
}

/** The environment of an `atlas-backup worker` process: this run's dev server, task queue and simulator credentials. */
export function workerProcessEnv(
  sim: RunningSimulator,
  creds: { clientId: string; clientSecret: string },
  taskQueue: string,
): NodeJS.ProcessEnv {
  return {
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_TASK_QUEUE: taskQueue,
    MONGODB_ATLAS_BASE_URL: sim.url,
    MONGODB_ATLAS_CLIENT_ID: creds.clientId,
    MONGODB_ATLAS_CLIENT_SECRET: creds.clientSecret,
  };
}

/** Fast polling flags for runs whose simulator lifecycles last a few hundred ms. */
export const FAST_FLAGS = ['--poll-initial', '0.05', '--poll-max', '0.2'];

/** Polls `check` until it returns a value (bounded). */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 20_000,
  everyMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * Runs `work` while moving the simulator's clock forward, so Atlas jobs that would otherwise stay
 * in flight (long durations hold runs still while other commands look at them) finish quickly.
 */
export async function whileTicking<T>(
  sim: RunningSimulator,
  work: Promise<T>,
  stepMs = 5_000,
  everyMs = 150,
): Promise<T> {
  let done = false;
  const ticker = (async () => {
    while (!done) {
      await sim.admin.advanceClock(stepMs).catch(() => undefined);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  try {
    return await work;
  } finally {
    done = true;
    await ticker;
  }
}

const children = new Set<ReturnType<typeof spawn>>();
/** Kills whatever spawnUntil started and is still running (call from afterAll). */
export function killSpawned(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}

/** Spawns the binary, resolves once stdout matches `ready`, returns the child and its output so far. */
export function spawnUntil(args: string[], env: NodeJS.ProcessEnv, ready: RegExp, timeoutMs = 60_000) {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const started = new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready within ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = ready.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(() => reject(new Error(`exited before ready:\n${out}`)));
  });
  return { child, started, exited, output: () => out };
}
