// The Atlas API simulator as a library: startSimulator() binds 127.0.0.1 on a free port by default.
import { readFileSync } from 'node:fs';
import type { AddressInfo, Socket } from 'node:net';
import { SimulatorAdmin } from './admin.js';
import { adminHandler } from './http/admin-routes.js';
import { Authenticator } from './http/auth.js';
import { FaultInjector } from './http/faults.js';
import { DEFAULT_LIMITS } from './http/intake.js';
import { SimulatorHttp } from './http/server.js';
import { Model } from './model/model.js';
import { DEFAULT_DURATIONS, type FaultConfig, type SimulatorOptions } from './options.js';
import { startDataPlane, type StartedDataPlane } from './data/start.js';
import { applySeed } from './seed.js';
import { loadState, StateSaver } from './state-file.js';

export * from './options.js';
export { SimulatorAdmin } from './admin.js';
export { DEMO_IDS, DEMO_SEED } from './seed.js';
export { DEMO_DATA } from './data/seed-data.js';
export { dataPlaneUnavailable } from './data/ferretdb-binary.js';
export { readSnapshotManifest, snapshotDir, type SnapshotManifest } from './data/snapshot-files.js';

export interface RunningSimulator {
  url: string;
  port: number;
  admin: SimulatorAdmin;
  /** Where captured snapshots live (snapshotDir(dataDir, id)), when the data plane runs. */
  dataDir?: string;
  stop(): Promise<void>;
}

/** Faults from options, else ATLAS_SIM_FAULTS (inline JSON, or a path to a JSON file). */
export function faultsFromEnv(env: NodeJS.ProcessEnv = process.env): FaultConfig | undefined {
  const raw = env.ATLAS_SIM_FAULTS?.trim();
  if (!raw) return undefined;
  const text = raw.startsWith('{') ? raw : readFileSync(raw, 'utf8');
  try {
    return JSON.parse(text) as FaultConfig;
  } catch (e) {
    throw new Error(`ATLAS_SIM_FAULTS: not valid JSON (${(e as Error).message})`);
  }
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const host = options.host ?? '127.0.0.1';
  const timeScale = options.timeScale ?? 1;
  if (!(timeScale > 0)) throw new Error('timeScale: must be a number > 0');
  const model = new Model({ ...DEFAULT_DURATIONS, ...options.durations }, timeScale, options.clusterDurations);
  const saver = options.stateFile ? new StateSaver(options.stateFile, () => model.state) : undefined;
  if (options.stateFile) {
    const loaded = loadState(options.stateFile);
    if (loaded) model.state = loaded;
  }
  if (options.seed) applySeed(model, options.seed);
  if (saver) {
    model.onChange = () => saver.schedule();
    saver.flush();
  }

  const faultConfig = options.faults ?? faultsFromEnv();
  let data: StartedDataPlane | undefined;
  if (options.data) {
    const dataOptions = options.data === true ? {} : options.data;
    data = await startDataPlane(model, dataOptions, faultConfig?.data, options.seed?.data);
  }
  const auth = new Authenticator(options.auth);
  const faults = new FaultInjector(faultConfig);
  // The admin handler reads `http` lazily (request log, counters), after construction.
  const http: SimulatorHttp = new SimulatorHttp({
    model,
    auth,
    faults,
    logRequests: options.logRequests ?? false,
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    admin: adminHandler({ model, auth, faults, http: () => http }),
  });
  const server = http.createServer();
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  http.base = url;

  let stopped: Promise<void> | undefined;
  return {
    url,
    port,
    admin: new SimulatorAdmin(url),
    ...(data ? { dataDir: data.plane.dataDir } : {}),
    stop: () =>
      (stopped ??= new Promise<void>((resolve) => {
        saver?.flush();
        server.close(() => resolve());
        server.closeAllConnections();
        for (const s of sockets) s.destroy();
      }).then(() => data?.stop())),
  };
}
