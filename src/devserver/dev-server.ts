// Starts and stops a real local Temporal dev server (from the CLI located by temporal-cli.ts),
// with our search attributes registered. The test suite uses the SDK's own starter
// (TestWorkflowEnvironment.createLocal, test/global-setup.ts); this one stays for the demo (and the
// bench and history recorder, which run the demo's way) because the SDK's starter cannot:
// - keep Ctrl-C away from the server: it starts the CLI in our process group, so the terminal's
//   SIGINT kills the server before the demo has cancelled its run; ours is detached and stopped
//   last, by the demo's cleanup;
// - report the server's pid, or wait longer than its fixed 5 s for start-up.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Connection } from '@temporalio/client';
import { ALL_SEARCH_ATTRIBUTES } from '../contract/index.js';
import { ensureTemporalCli } from './temporal-cli.js';

export interface DevServerOptions {
  /** gRPC port; 0 picks a free one. */
  port?: number;
  /** Start the Web UI (on port + 1000 unless uiPort is given). */
  ui?: boolean;
  uiPort?: number;
  /** The UI decodes payloads through this remote codec endpoint (src/codec/server.ts). */
  uiCodecEndpoint?: string;
  namespace?: string;
  /** Persist to this SQLite file instead of memory. */
  dbFile?: string;
  startTimeoutMs?: number;
  /**
   * Partitions of every task queue (default 1; Temporal's own default is 4). The server divides an
   * activity queue's per-fairness-key rate limit (a project's pace, src/client/project-pace.ts) evenly
   * among the queue's partitions, each pacing the tasks it happens to hold: once some partitions
   * run out of a project's tasks, that project gets less than its pace (docs/operations/pacing.md).
   * One partition dispatches thousands of tasks a second, far more than Atlas's budgets allow.
   */
  taskQueuePartitions?: number;
}

export interface RunningDevServer {
  address: string;
  namespace: string;
  uiUrl?: string;
  pid: number;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

async function waitUntilServing(
  address: string,
  namespace: string,
  child: ChildProcess,
  timeoutMs: number,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`Temporal dev server exited with code ${child.exitCode} during start-up:\n${output()}`);
    }
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.workflowService.describeNamespace({ namespace });
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(
    `Temporal dev server at ${address} was not ready within ${timeoutMs} ms: ${String(lastError)}\n${output()}`,
  );
}

export async function startDevServer(options: DevServerOptions = {}): Promise<RunningDevServer> {
  const cli = ensureTemporalCli();
  const port = options.port || (await freePort());
  const namespace = options.namespace ?? 'default';
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--log-level',
    'error',
    '--namespace',
    namespace,
  ];
  let uiUrl: string | undefined;
  if (options.ui) {
    const uiPort = options.uiPort || (await freePort());
    args.push('--ui-port', String(uiPort));
    if (options.uiCodecEndpoint) args.push('--ui-codec-endpoint', options.uiCodecEndpoint);
    uiUrl = `http://127.0.0.1:${uiPort}`;
  } else {
    args.push('--headless');
  }
  if (options.dbFile) args.push('--db-filename', options.dbFile);
  for (const key of ALL_SEARCH_ATTRIBUTES) args.push('--search-attribute', `${key.name}=Keyword`);
  const partitions = options.taskQueuePartitions ?? 1;
  for (const key of ['matching.numTaskqueueReadPartitions', 'matching.numTaskqueueWritePartitions'])
    args.push('--dynamic-config-value', `${key}=${partitions}`);

  // detached: the server gets its own process group, so stop() can end it and anything it spawned.
  const child = spawn(cli.path, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  const keep = (chunk: Buffer) => {
    out = (out + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`Could not start ${cli.path}`);

  // If this process ends without stop() (an uncaught error, process.exit), take the server down too.
  const killOnExit = () => {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  };
  process.once('exit', killOnExit);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.removeListener('exit', killOnExit);
    if (child.exitCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, 5000);
    await exited;
    clearTimeout(timer);
  };

  const address = `127.0.0.1:${port}`;
  try {
    await waitUntilServing(address, namespace, child, options.startTimeoutMs ?? 60_000, () => out);
  } catch (err) {
    await stop();
    throw err;
  }
  return { address, namespace, uiUrl, pid, stop };
}
