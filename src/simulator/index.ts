// The Atlas API simulator as a library: startSimulator() binds 127.0.0.1 on a free port by default.
import { readFileSync } from 'node:fs';
import type { AddressInfo, Socket } from 'node:net';
import { SimulatorAdmin } from './admin.js';
import type { DataDelivery } from './data/delivery.js';
import type { S3Endpoint } from './data/s3-server.js';
import { adminHandler } from './http/admin-routes.js';
import { Authenticator } from './http/auth.js';
import { FaultInjector } from './http/faults.js';
import { DEFAULT_LIMITS } from './http/intake.js';
import { SimulatorHttp } from './http/server.js';
import { TokenBuckets } from './http/token-buckets.js';
import { Model } from './model/model.js';
import { DEFAULT_DURATIONS, type FaultConfig, type SimulatorOptions } from './options.js';
import { startDataPlane } from './data/start.js';
import { applySeed } from './seed.js';
import { loadState, StateSaver } from './state-file.js';
import { processEnv } from '../config.js';

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
  /** The state model, for in-process parts (the data plane asks `model.databaseUsers`). */
  model: Model;
  /** The S3 API exports are written to (whenever a data directory is known). */
  s3?: S3Endpoint;
  /** Where captured snapshots live (snapshotDir(dataDir, id)): the data plane's, else `dataDir`. */
  dataDir?: string;
  stop(): Promise<void>;
}

/** Faults from options, else ATLAS_SIM_FAULTS (inline JSON, or a path to a JSON file). */
export function faultsFromEnv(env: NodeJS.ProcessEnv = processEnv()): FaultConfig | undefined {
  const raw = env.ATLAS_SIM_FAULTS?.trim();
  if (!raw) return undefined;
  const text = raw.startsWith('{') ? raw : readFileSync(raw, 'utf8');
  try {
    return JSON.parse(text) as FaultConfig;
  } catch (e) {
    throw new Error(`ATLAS_SIM_FAULTS: not valid JSON (${(e as Error).message})`);
  }
}

/** Imported only with data: the S3 client is slow to load, and commands without data should not wait for it. */
async function startDelivery(
  model: Model,
  faults: FaultInjector,
  dataDir: string,
  s3?: S3Endpoint,
): Promise<DataDelivery> {
  const { DataDelivery } = await import('./data/delivery.js');
  return DataDelivery.start(model, { dataDir, faults, ...(s3 ? { s3 } : {}) });
}

/**
 * The data side: with `data` on, FerretDB endpoints whose snapshots are captured into the data
 * directory; whenever a data directory is known (the data plane's, or `dataDir` alone for captures
 * written by someone else), exports to S3 and download archives read the captures there.
 */
async function startDataSide(model: Model, config: FaultConfig | undefined, options: SimulatorOptions) {
  const faults = new FaultInjector(config);
  const dataOptions = options.data === true ? {} : options.data || undefined;
  if (dataOptions?.dir && options.dataDir && dataOptions.dir !== options.dataDir)
    throw new Error('data.dir: must equal dataDir when both are given (one directory holds captures and exports)');
  const dir = dataOptions?.dir ?? options.dataDir;
  const data = dataOptions
    ? await startDataPlane(model, { ...dataOptions, ...(dir ? { dir } : {}) }, config?.data, options.seed?.data)
    : undefined;
  const dataDir = data?.plane.dataDir ?? dir;
  const delivery = dataDir
    ? await startDelivery(model, faults, dataDir, options.s3).catch(async (e: unknown) => {
        await data?.stop();
        throw e;
      })
    : undefined;
  model.delivery = delivery;
  return { faults, data, delivery, dataDir };
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

  const auth = new Authenticator(options.auth);
  const { faults, data, delivery, dataDir } = await startDataSide(model, options.faults ?? faultsFromEnv(), options);
  // The admin handler reads `http` lazily (request log, counters), after construction.
  const http: SimulatorHttp = new SimulatorHttp({
    model,
    auth,
    faults,
    logRequests: options.logRequests ?? false,
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    rateLimits: new TokenBuckets(options.rateLimits ?? {}, timeScale, () => model.now()),
    serverlessLegacy: options.serverlessLegacy ?? false,
    admin: adminHandler({ model, auth, faults, http: () => http }),
    ...(delivery ? { downloads: (req, res, path) => delivery.serveDownload(req, res, path) } : {}),
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
  }).catch(async (e: unknown) => {
    await delivery?.stop();
    await data?.stop();
    throw e;
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  http.base = url;

  let stopped: Promise<void> | undefined;
  return {
    url,
    port,
    admin: new SimulatorAdmin(url),
    model,
    ...(delivery?.s3 ? { s3: delivery.s3 } : {}),
    ...(dataDir ? { dataDir } : {}),
    stop: () =>
      (stopped ??= new Promise<void>((resolve) => {
        saver?.flush();
        server.close(() => resolve());
        server.closeAllConnections();
        for (const s of sockets) s.destroy();
      })
        .then(() => delivery?.stop())
        .then(() => data?.stop())),
  };
}
