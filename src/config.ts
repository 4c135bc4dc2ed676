// Environment → validated configuration, in one place. A missing or bad variable stops start-up
// with one message naming every problem. Secret values are never echoed back.
import { z } from 'zod';
import type { AtlasAuth } from './atlas/index.js';
import { resolveTemporalConnection, type TemporalConnectionConfig } from './temporal-connection.js';
import { LOG_LEVELS } from './telemetry/logging.js';
import type { TelemetryConfig } from './telemetry/runtime.js';

export type { TemporalConnectionConfig } from './temporal-connection.js';

export const DEFAULT_TASK_QUEUE = 'atlas-backup';
/** Share of each Atlas bucket the workers leave to the project's other clients. */
export const DEFAULT_PACE_HEADROOM = 0.2;

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

// The connection's TEMPORAL_* variables are read by @temporalio/envconfig (src/temporal-connection.ts);
// the task queue is ours.
const taskQueueEnvSchema = z.object({
  TEMPORAL_TASK_QUEUE: z.string().min(1, { error: 'must not be empty' }).default(DEFAULT_TASK_QUEUE),
});

// Telemetry (src/telemetry): metrics off unless an address is given; JSON logs at INFO by default.
const telemetryEnv = {
  WORKER_METRICS_ADDRESS: optionalText.refine(
    (v) => v === undefined || /^(\[[0-9a-fA-F:]+\]|[^\s:[\]]+):\d{1,5}$/.test(v),
    {
      error: 'must be host:port for the Prometheus endpoint, e.g. 0.0.0.0:9464',
    },
  ),
  ATLAS_BACKUP_LOG_LEVEL: z
    .string()
    .optional()
    .transform((v) => (v?.trim() ? v.trim().toUpperCase() : 'INFO'))
    .pipe(z.enum(LOG_LEVELS, { error: 'must be one of trace, debug, info, warn, error' })),
  WORKER_METRICS_RPO_REFRESH_SECONDS: z.coerce
    .number({ error: 'must be a number of seconds' })
    .min(1, { error: 'must be >= 1' })
    .max(86_400, { error: 'must be <= 86400' })
    .default(60),
  // Unset: the gauges know only the clusters our runs name; set: every cluster Atlas lists, this often.
  WORKER_METRICS_ESTATE_REFRESH_SECONDS: z.coerce
    .number({ error: 'must be a number of seconds' })
    .min(60, { error: 'must be >= 60 (each read lists every cluster of every project)' })
    .max(86_400, { error: 'must be <= 86400' })
    .optional(),
  // The per-project Atlas budget `setup` gives the activity queue; the gauges' estate reads keep to it too.
  ATLAS_PROJECT_REQUESTS_PER_MINUTE: z.coerce
    .number({ error: 'must be a number of requests per minute' })
    .min(0, { error: 'must be >= 0 (0: no limit)' })
    .optional(),
};

// The worker's variables: the task queue plus Atlas and its own limits.
const workerEnvSchema = taskQueueEnvSchema.extend({
  MONGODB_ATLAS_BASE_URL: z
    .string()
    .default('https://cloud.mongodb.com')
    .refine((v) => /^https?:\/\/[^\s]+$/.test(v) && URL.canParse(v), {
      error: 'must be an http(s) URL, e.g. https://cloud.mongodb.com',
    }),
  MONGODB_ATLAS_CLIENT_ID: optionalText,
  MONGODB_ATLAS_CLIENT_SECRET: optionalText,
  MONGODB_ATLAS_PUBLIC_KEY: optionalText,
  MONGODB_ATLAS_PRIVATE_KEY: optionalText,
  /** `none` only for a simulator started with auth off, on plain http. */
  MONGODB_ATLAS_AUTH: z
    .enum(['serviceAccount', 'apiKey', 'none'], { error: 'must be serviceAccount, apiKey or none' })
    .optional(),
  ATLAS_HTTP_TIMEOUT_MS: z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int({ error: 'must be a whole number of milliseconds' })
    .min(100, { error: 'must be >= 100' })
    .max(600_000, { error: 'must be <= 600000' })
    .default(30_000),
  // How long a create that got no clear answer may still commit unseen (default 3 × the timeout).
  ATLAS_COMMIT_HORIZON_MS: z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int({ error: 'must be a whole number of milliseconds' })
    .min(1, { error: 'must be >= 1' })
    .max(3_600_000, { error: 'must be <= 3600000' })
    .optional(),
  // Worker Versioning (src/worker-deployment.ts): without a deployment name the worker is unversioned.
  ATLAS_BACKUP_DEPLOYMENT_NAME: optionalText.refine((v) => v === undefined || /^[A-Za-z0-9_-]{1,200}$/.test(v), {
    error: 'must be 1-200 letters, digits, - or _ (a deployment version is written <name>.<build id>)',
  }),
  ATLAS_BACKUP_BUILD_ID: optionalText.refine((v) => v === undefined || (v.length <= 255 && !/\s/.test(v)), {
    error: 'must be at most 255 characters without spaces',
  }),
  // Pacing by Atlas's token buckets (src/client/bucket-pace.ts): `off` leaves the task queue's pace alone.
  ATLAS_PACE: z.enum(['atlas', 'off'], { error: 'must be atlas or off' }).default('atlas'),
  ATLAS_PACE_HEADROOM: z.coerce
    .number({ error: 'must be a fraction, e.g. 0.2' })
    .min(0, { error: 'must be >= 0' })
    .max(0.9, { error: "must be <= 0.9 (the share of each bucket left to the project's other clients)" })
    .default(DEFAULT_PACE_HEADROOM),
  ATLAS_PACE_REFRESH_SECONDS: z.coerce
    .number({ error: 'must be a number of seconds' })
    .int({ error: 'must be a whole number of seconds' })
    .min(10, { error: 'must be >= 10' })
    .max(86_400, { error: 'must be <= 86400' })
    .default(600),
  WORKER_MAX_CONCURRENT_ACTIVITIES: z.coerce
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number' })
    .min(1, { error: 'must be >= 1' })
    .max(1000)
    .default(100),
  ...telemetryEnv,
});

/*
 * Rules across variables. Checked on the raw environment so they are reported together with
 * per-variable problems (zod skips refinements when a field already failed).
 */
const present = (raw: Env) => (k: string) => (raw[k]?.trim() ? raw[k]!.trim() : undefined);

function pairProblems(raw: Env, pairs: [string, string][]): string[] {
  const env = present(raw);
  return pairs.flatMap(([a, b]) => [
    ...(env(a) && !env(b) ? [`${b}: is required when ${a} is set`] : []),
    ...(env(b) && !env(a) ? [`${a}: is required when ${b} is set`] : []),
  ]);
}

function atlasProblems(raw: Env): string[] {
  const env = present(raw);
  const problems = pairProblems(raw, [
    ['MONGODB_ATLAS_CLIENT_ID', 'MONGODB_ATLAS_CLIENT_SECRET'],
    ['MONGODB_ATLAS_PUBLIC_KEY', 'MONGODB_ATLAS_PRIVATE_KEY'],
  ]);
  const hasSa = !!env('MONGODB_ATLAS_CLIENT_ID') || !!env('MONGODB_ATLAS_CLIENT_SECRET');
  const hasKey = !!env('MONGODB_ATLAS_PUBLIC_KEY') || !!env('MONGODB_ATLAS_PRIVATE_KEY');
  const mode = env('MONGODB_ATLAS_AUTH');
  if (!mode && !hasSa && !hasKey) {
    problems.push(
      'MONGODB_ATLAS_CLIENT_ID: Atlas credentials are missing: ' +
        'set MONGODB_ATLAS_CLIENT_ID and MONGODB_ATLAS_CLIENT_SECRET (service account) ' +
        'or MONGODB_ATLAS_PUBLIC_KEY and MONGODB_ATLAS_PRIVATE_KEY (API key)',
    );
  }
  if (!mode && hasSa && hasKey)
    problems.push(
      'MONGODB_ATLAS_AUTH: both a service account and an API key are set: ' +
        'set MONGODB_ATLAS_AUTH=serviceAccount or apiKey to choose',
    );
  if (mode === 'serviceAccount' && !hasSa)
    problems.push('MONGODB_ATLAS_CLIENT_ID: is required when MONGODB_ATLAS_AUTH=serviceAccount');
  if (mode === 'apiKey' && !hasKey)
    problems.push('MONGODB_ATLAS_PUBLIC_KEY: is required when MONGODB_ATLAS_AUTH=apiKey');
  const baseUrl = env('MONGODB_ATLAS_BASE_URL') ?? 'https://cloud.mongodb.com';
  // Real Atlas is HTTPS only: no-auth is for a simulator on plain HTTP (local or a compose network).
  if (mode === 'none' && !baseUrl.startsWith('http://')) {
    problems.push(
      'MONGODB_ATLAS_AUTH: =none is only allowed with a plain-http MONGODB_ATLAS_BASE_URL (a local simulator), ' +
        'never with Atlas itself',
    );
  }
  if (env('ATLAS_BACKUP_BUILD_ID') && !env('ATLAS_BACKUP_DEPLOYMENT_NAME'))
    problems.push('ATLAS_BACKUP_BUILD_ID: needs ATLAS_BACKUP_DEPLOYMENT_NAME (a build belongs to a deployment)');
  return problems;
}

export interface WorkerConfig {
  temporal: TemporalConnectionConfig;
  taskQueue: string;
  atlas: { baseUrl: string; auth: AtlasAuth; timeoutMs: number; commitHorizonMs?: number };
  maxConcurrentActivities: number;
  /** Metrics endpoint, log level, RPO gauge refresh; absent: the defaults (no metrics, INFO). */
  telemetry?: TelemetryConfig;
  /** The Worker Deployment the worker joins; absent: an unversioned worker. buildId absent: computed. */
  deployment?: { name: string; buildId?: string };
  /** Pace by what Atlas says (src/client/bucket-pace.ts); absent: the task queue's pace is left alone. */
  pacing?: { headroom: number; refreshSeconds: number; periodScale?: number };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    const list = problems.map((p) => `  - ${p}`).join('\n');
    super(`Invalid configuration — fix these environment variables and start again:\n${list}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** The process's environment: the one read of process.env; every other module is handed it from here. */
export function processEnv(): NodeJS.ProcessEnv {
  return process.env;
}

function parseEnv<S extends z.ZodType>(schema: S, env: Env, crossProblems: string[]): z.output<S> {
  const parsed = schema.safeParse(env);
  // Name the variable and the rule; never the value (it may be a secret).
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'}: ${i.message}`)),
    ...crossProblems,
  ];
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  return parsed.data;
}

type WorkerEnv = z.output<typeof workerEnvSchema>;

function atlasAuth(e: WorkerEnv): AtlasAuth {
  const mode = e.MONGODB_ATLAS_AUTH ?? (e.MONGODB_ATLAS_CLIENT_ID ? 'serviceAccount' : 'apiKey');
  if (mode === 'none') return { kind: 'none' };
  if (mode === 'serviceAccount')
    return {
      kind: 'serviceAccount',
      clientId: e.MONGODB_ATLAS_CLIENT_ID!,
      clientSecret: e.MONGODB_ATLAS_CLIENT_SECRET!,
    };
  return { kind: 'apiKey', publicKey: e.MONGODB_ATLAS_PUBLIC_KEY!, privateKey: e.MONGODB_ATLAS_PRIVATE_KEY! };
}

/** The CLI's view: only the Temporal connection variables (and profile file) are read and checked. */
export function temporalConfigFromEnv(env: Env = processEnv()): TemporalConnectionConfig {
  const { config, problems } = resolveTemporalConnection(env);
  if (!config) throw new ConfigError(problems);
  return config;
}

/** The CLI's commands that call Atlas themselves (`buckets`): only the Atlas variables are read and checked. */
export function loadAtlasConfig(env: Env = processEnv()): WorkerConfig['atlas'] {
  const e = parseEnv(workerEnvSchema, env, atlasProblems(env));
  return {
    baseUrl: e.MONGODB_ATLAS_BASE_URL.replace(/\/+$/, ''),
    auth: atlasAuth(e),
    timeoutMs: e.ATLAS_HTTP_TIMEOUT_MS,
  };
}

export function loadWorkerConfig(env: Env = processEnv()): WorkerConfig {
  const temporal = resolveTemporalConnection(env);
  let e: WorkerEnv | undefined;
  const problems = [...temporal.problems];
  try {
    e = parseEnv(workerEnvSchema, env, atlasProblems(env));
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(...err.problems);
  }
  // Every problem at once, the connection's and the worker's own.
  if (!e || !temporal.config) throw new ConfigError(problems);
  return {
    temporal: temporal.config,
    taskQueue: e.TEMPORAL_TASK_QUEUE,
    atlas: {
      baseUrl: e.MONGODB_ATLAS_BASE_URL.replace(/\/+$/, ''),
      auth: atlasAuth(e),
      timeoutMs: e.ATLAS_HTTP_TIMEOUT_MS,
      ...(e.ATLAS_COMMIT_HORIZON_MS !== undefined ? { commitHorizonMs: e.ATLAS_COMMIT_HORIZON_MS } : {}),
    },
    maxConcurrentActivities: e.WORKER_MAX_CONCURRENT_ACTIVITIES,
    ...(e.ATLAS_PACE === 'atlas'
      ? { pacing: { headroom: e.ATLAS_PACE_HEADROOM, refreshSeconds: e.ATLAS_PACE_REFRESH_SECONDS } }
      : {}),
    ...(e.ATLAS_BACKUP_DEPLOYMENT_NAME
      ? { deployment: { name: e.ATLAS_BACKUP_DEPLOYMENT_NAME, buildId: e.ATLAS_BACKUP_BUILD_ID } }
      : {}),
    telemetry: {
      ...(e.WORKER_METRICS_ADDRESS ? { metricsAddress: e.WORKER_METRICS_ADDRESS } : {}),
      logLevel: e.ATLAS_BACKUP_LOG_LEVEL,
      rpoRefreshSeconds: e.WORKER_METRICS_RPO_REFRESH_SECONDS,
      ...(e.WORKER_METRICS_ESTATE_REFRESH_SECONDS !== undefined
        ? { estateRefreshSeconds: e.WORKER_METRICS_ESTATE_REFRESH_SECONDS }
        : {}),
      ...(e.ATLAS_PROJECT_REQUESTS_PER_MINUTE !== undefined
        ? { projectRequestsPerMinute: e.ATLAS_PROJECT_REQUESTS_PER_MINUTE }
        : {}),
    },
  };
}

/** The Worker Deployment `atlas-backup deployment` works on when no --deployment-name is given. */
export function deploymentNameFromEnv(env: Env = process.env): string | undefined {
  return env.ATLAS_BACKUP_DEPLOYMENT_NAME?.trim() || undefined;
}
