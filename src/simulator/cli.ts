// `atlas-backup simulator`: runs the simulator standalone until SIGINT/SIGTERM.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Command } from 'commander';
import {
  DEFAULT_API_KEY,
  DEFAULT_SERVICE_ACCOUNT,
  DEMO_DATA,
  DEMO_IDS,
  DEMO_SEED,
  startSimulator,
  type RunningSimulator,
  type SimulatorOptions,
} from './index.js';

interface Credentials {
  serviceAccount: { clientId: string; clientSecret: string };
  apiKey: { publicKey: string; privateKey: string };
}

/**
 * The default credentials, kept beside a state file (`<state>.credentials.json`, owner-only): a
 * simulator restarted on the same state keeps them, so workers configured against it still sign in.
 */
function defaultCredentials(stateFile: string | undefined): Credentials {
  const fresh = { serviceAccount: DEFAULT_SERVICE_ACCOUNT, apiKey: DEFAULT_API_KEY };
  if (!stateFile) return fresh;
  const path = `${stateFile}.credentials.json`;
  if (existsSync(path)) return JSON.parse(readFileSync(path, 'utf8')) as Credentials;
  writeFileSync(path, JSON.stringify(fresh), { mode: 0o600 });
  return fresh;
}

/** The configured credentials win; else the kept defaults. Off with --no-auth. */
function authOptions(given: SimulatorOptions['auth'], on: boolean, kept: Credentials | undefined) {
  return {
    ...given,
    serviceAccounts: given?.serviceAccounts ?? (kept && [kept.serviceAccount]),
    apiKeys: given?.apiKeys ?? (kept && [kept.apiKey]),
    enabled: on && (given?.enabled ?? true),
  };
}

/** The lines that tell a worker how to sign in. */
function credentialLines(given: SimulatorOptions['auth'], kept: Credentials | undefined): string[] {
  const sa = given?.serviceAccounts?.[0] ?? kept?.serviceAccount ?? DEFAULT_SERVICE_ACCOUNT;
  const key = given?.apiKeys?.[0] ?? kept?.apiKey ?? DEFAULT_API_KEY;
  return [
    `  MONGODB_ATLAS_CLIENT_ID=${sa.clientId} MONGODB_ATLAS_CLIENT_SECRET=${sa.clientSecret}` +
      '  (simulator-only credentials)',
    `  MONGODB_ATLAS_PUBLIC_KEY=${key.publicKey} MONGODB_ATLAS_PRIVATE_KEY=${key.privateKey}`,
  ];
}

/** Parses argv (without node and script), starts the simulator and prints how to reach it. */
export async function runSimulatorCli(
  argv: string[],
  out: (line: string) => void = console.log,
): Promise<RunningSimulator> {
  const cmd = new Command('simulator')
    .option('--port <port>', 'port to listen on (0 = free port)', '0')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--config <file>', 'JSON file with SimulatorOptions (durations, faults, auth, seed)')
    .option('--state <file>', 'state file: loaded at start, saved on change and at stop')
    .option('--no-auth', 'turn authentication off (local play only)')
    .option('--time-scale <x>', 'multiply every lifecycle duration by x')
    .option('--log-requests', 'print one line per request')
    .option('--no-rate-limits', "turn Atlas's token buckets off (load benches)")
    .option('--serverless-legacy', 'serve the serverless backup endpoints instead of 410 VERSION_GONE')
    .option('--data', 'real data: a MongoDB wire endpoint per dedicated cluster (FerretDB), seeded demo data')
    .exitOverride();
  cmd.parse(argv, { from: 'user' });
  const o = cmd.opts<{
    port: string;
    host: string;
    config?: string;
    state?: string;
    auth: boolean;
    timeScale?: string;
    logRequests?: boolean;
    rateLimits: boolean;
    serverlessLegacy?: boolean;
    data?: boolean;
  }>();
  const port = Number(o.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port: must be an integer 0-65535, got ${o.port}`);
  const config: SimulatorOptions = o.config ? (JSON.parse(readFileSync(o.config, 'utf8')) as SimulatorOptions) : {};
  const timeScale = o.timeScale !== undefined ? Number(o.timeScale) : config.timeScale;
  if (timeScale !== undefined && !(timeScale > 0))
    throw new Error(`--time-scale: must be a number > 0, got ${o.timeScale}`);
  const stateFile = o.state ?? config.stateFile;
  const kept = o.auth ? defaultCredentials(stateFile) : undefined;
  const sim = await startSimulator({
    ...config,
    port,
    host: o.host,
    stateFile,
    timeScale,
    seed: config.seed ?? (o.data ? { ...DEMO_SEED, data: { [DEMO_IDS.replicaSet]: DEMO_DATA } } : DEMO_SEED),
    data: o.data ? (config.data ?? true) : config.data,
    logRequests: o.logRequests ?? config.logRequests,
    rateLimits: { ...config.rateLimits, enabled: o.rateLimits && (config.rateLimits?.enabled ?? true) },
    serverlessLegacy: o.serverlessLegacy ?? config.serverlessLegacy,
    auth: authOptions(config.auth, o.auth, kept),
  });
  // Handlers first: whoever reads the lines below may signal at once, and a signal that arrives before
  // a handler exists kills the process with the default action (no state saved, no clean exit).
  const stop = () => {
    void sim.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  out(`Atlas simulator listening on ${sim.url}`);
  out(`  MONGODB_ATLAS_BASE_URL=${sim.url}`);
  for (const line of o.auth ? credentialLines(config.auth, kept) : ['  auth: off']) out(line);
  // moto takes any key pair; an S3 endpoint of the caller's keeps its own secret out of the output.
  if (sim.s3 && !config.s3)
    out(
      `  AWS_ENDPOINT_URL_S3=${sim.s3.endpoint} AWS_REGION=${sim.s3.region} AWS_ACCESS_KEY_ID=${sim.s3.accessKeyId} ` +
        `AWS_SECRET_ACCESS_KEY=${sim.s3.secretAccessKey}  (the S3 API exports are written to)`,
    );
  else if (sim.s3) out(`  AWS_ENDPOINT_URL_S3=${sim.s3.endpoint}  (the S3 API exports are written to)`);
  if (!config.seed) {
    const ids = DEMO_IDS;
    const clusters = [ids.replicaSet, ids.sharded, ids.serverless, ids.flex].join(', ');
    out(
      `  demo project ${ids.projectId}: ${clusters}; bucket ${ids.bucketId}; ` +
        `target project ${ids.targetProjectId}: ${ids.restoreTarget}`,
    );
  }
  return sim;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runSimulatorCli(process.argv.slice(2)).catch((e: unknown) => {
    console.error((e as Error).message);
    process.exit(2);
  });
}
