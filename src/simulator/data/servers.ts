// One FerretDB process per cluster, each with its own SQLite folder, behind a loopback TCP
// endpoint the simulator owns: the endpoint's port is known (and listed in the cluster's
// connection string) before the process runs, the process starts on the first connection, and the
// endpoint can slow traffic down for the slow-data-plane fault. With `root` set, each process
// requires SCRAM authentication and is set up with that root user.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { join } from 'node:path';

interface Endpoint {
  server: Server;
  port: number;
  sockets: Set<Socket>;
  backend?: Promise<number>;
  child?: ChildProcess;
}

export interface ServerPoolOptions {
  binary: string;
  /** Parent of each cluster's own SQLite folder. */
  dir: string;
  /** Extra delay per chunk of client traffic, both ways (the slow data plane fault). */
  latencyMs?: () => number;
  /** Turns on FerretDB's authentication with this root user (in admin), known only to this process. */
  root?: { username: string; password: string };
}

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = createServer().on('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => done(port));
    });
  });
}

function reachable(port: number): Promise<boolean> {
  return new Promise((done) => {
    const s = connect(port, '127.0.0.1', () => {
      s.destroy();
      done(true);
    });
    s.on('error', () => done(false));
  });
}

/** Copies one direction of a connection, each chunk after the configured latency. */
function pipeSlow(from: Socket, to: Socket, latencyMs: () => number): void {
  from.on('data', (chunk) => {
    const ms = latencyMs();
    if (ms <= 0) return void to.write(chunk);
    from.pause();
    void delay(ms).then(() => {
      to.write(chunk);
      from.resume();
    });
  });
  from.on('end', () => to.end());
  from.on('error', () => to.destroy());
}

export class FerretDbPool {
  private endpoints = new Map<string, Endpoint>();
  private stopped = false;

  constructor(private opts: ServerPoolOptions) {}

  /** The endpoint's port, if the cluster has one. */
  port(key: string): number | undefined {
    return this.endpoints.get(key)?.port;
  }

  keys(): string[] {
    return [...this.endpoints.keys()];
  }

  /** Opens the cluster's loopback endpoint (idempotent); the process starts on first use. */
  async open(key: string): Promise<number> {
    const have = this.endpoints.get(key);
    if (have) return have.port;
    const server = createServer((client) => this.accept(key, client));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const ep: Endpoint = { server, port: (server.address() as AddressInfo).port, sockets: new Set() };
    this.endpoints.set(key, ep);
    return ep.port;
  }

  /** The FerretDB port behind the endpoint, starting the process if it is not running. */
  backend(key: string): Promise<number> {
    const ep = this.endpoints.get(key);
    if (!ep) return Promise.reject(new Error(`no data endpoint for cluster ${key}`));
    ep.backend ??= this.spawn(key, ep).catch((e: unknown) => {
      ep.backend = undefined;
      throw e;
    });
    return ep.backend;
  }

  private async spawn(key: string, ep: Endpoint): Promise<number> {
    const dir = join(this.opts.dir, key.replace(/[^A-Za-z0-9-]/g, '_'));
    mkdirSync(join(dir, 'sqlite'), { recursive: true });
    const port = await freePort();
    const auth = this.opts.root ? this.authSetup(join(dir, 'sqlite'), this.opts.root) : undefined;
    const child = spawn(
      this.opts.binary,
      [
        `--listen-addr=127.0.0.1:${port}`,
        '--handler=sqlite',
        `--sqlite-url=file:${join(dir, 'sqlite')}/`,
        `--state-dir=${dir}`,
        '--telemetry=disable',
        '--log-level=ERROR',
        '--debug-addr=-',
        ...(auth ? ['--test-enable-new-auth'] : []),
      ],
      { stdio: ['ignore', 'ignore', 'pipe'], ...(auth ? { env: auth } : {}) },
    );
    ep.child = child;
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    const deadline = Date.now() + 30_000;
    while (!(await reachable(port))) {
      if (child.exitCode !== null || this.stopped || Date.now() > deadline)
        throw new Error(`FerretDB for ${key} did not start: ${stderr.trim() || `exit ${child.exitCode}`}`);
      await delay(50);
    }
    return port;
  }

  /**
   * FerretDB only sets its root user up when the admin database has none, and this process's root
   * password is new: the admin database (users only; it is never captured) starts empty each time.
   * The password goes through the child's own environment, not the command line others can list.
   */
  private authSetup(sqliteDir: string, root: { username: string; password: string }): Record<string, string> {
    for (const suffix of ['', '-wal', '-shm']) rmSync(join(sqliteDir, `admin.sqlite${suffix}`), { force: true });
    return {
      FERRETDB_SETUP_USERNAME: root.username,
      FERRETDB_SETUP_PASSWORD: root.password,
      FERRETDB_SETUP_DATABASE: 'admin',
    };
  }

  private accept(key: string, client: Socket): void {
    const ep = this.endpoints.get(key)!;
    ep.sockets.add(client);
    client.on('close', () => ep.sockets.delete(client));
    client.pause();
    this.backend(key).then(
      (port) => {
        const upstream = connect(port, '127.0.0.1');
        ep.sockets.add(upstream);
        upstream.on('close', () => ep.sockets.delete(upstream));
        const latency = this.opts.latencyMs ?? (() => 0);
        pipeSlow(client, upstream, latency);
        pipeSlow(upstream, client, latency);
        client.resume();
      },
      () => client.destroy(),
    );
  }

  /** Closes one cluster's endpoint and stops its process (its SQLite folder stays). */
  async close(key: string): Promise<void> {
    const ep = this.endpoints.get(key);
    if (!ep) return;
    this.endpoints.delete(key);
    for (const s of ep.sockets) s.destroy();
    await new Promise<void>((r) => ep.server.close(() => r()));
    await stopChild(ep.child);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.keys().map((k) => this.close(k)));
  }
}

async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
