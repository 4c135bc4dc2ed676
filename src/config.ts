// Environment → validated configuration, in one place. A missing or bad variable stops start-up
// with one message naming every problem. Secret values are never echoed back.
import { z } from 'zod';
import type { AtlasAuth } from './atlas/index.js';

export const DEFAULT_TASK_QUEUE = 'atlas-backup';

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const envSchema = z
  .object({
    TEMPORAL_ADDRESS: z
      .string()
      .default('localhost:7233')
      .refine((v) => /^[^\s:/]+:\d{1,5}$/.test(v), { error: 'must be host:port, e.g. localhost:7233' }),
    TEMPORAL_NAMESPACE: z.string().min(1, { error: 'must not be empty' }).default('default'),
    TEMPORAL_TASK_QUEUE: z.string().min(1, { error: 'must not be empty' }).default(DEFAULT_TASK_QUEUE),
    TEMPORAL_API_KEY: optionalText,
    TEMPORAL_TLS_CERT_PATH: optionalText,
    TEMPORAL_TLS_KEY_PATH: optionalText,
    TEMPORAL_TLS_CA_PATH: optionalText,
    TEMPORAL_TLS_SERVER_NAME: optionalText,
    MONGODB_ATLAS_BASE_URL: z
      .string()
      .default('https://cloud.mongodb.com')
      .refine((v) => /^https?:\/\/[^\s]+$/.test(v) && URL.canParse(v), { error: 'must be an http(s) URL, e.g. https://cloud.mongodb.com' }),
    MONGODB_ATLAS_CLIENT_ID: optionalText,
    MONGODB_ATLAS_CLIENT_SECRET: optionalText,
    MONGODB_ATLAS_PUBLIC_KEY: optionalText,
    MONGODB_ATLAS_PRIVATE_KEY: optionalText,
    /** `none` only for a simulator started with auth off, on plain http. */
    MONGODB_ATLAS_AUTH: z.enum(['serviceAccount', 'apiKey', 'none'], { error: 'must be serviceAccount, apiKey or none' }).optional(),
    ATLAS_HTTP_TIMEOUT_MS: z.coerce.number({ error: 'must be a number of milliseconds' }).int({ error: 'must be a whole number of milliseconds' }).min(100, { error: 'must be >= 100' }).max(600_000, { error: 'must be <= 600000' }).default(30_000),
    WORKER_MAX_CONCURRENT_ACTIVITIES: z.coerce.number({ error: 'must be a number' }).int({ error: 'must be a whole number' }).min(1, { error: 'must be >= 1' }).max(1000).default(100),
  });

/**
 * Rules across variables. Checked on the raw environment so they are reported together with
 * per-variable problems (zod skips refinements when a field already failed).
 */
function crossFieldProblems(raw: Env): string[] {
  const env = (k: string) => (raw[k]?.trim() ? raw[k]!.trim() : undefined);
  const problems: string[] = [];
  const pair = (a: string, b: string) => {
    if (env(a) && !env(b)) problems.push(`${b}: is required when ${a} is set`);
    if (env(b) && !env(a)) problems.push(`${a}: is required when ${b} is set`);
  };
  pair('MONGODB_ATLAS_CLIENT_ID', 'MONGODB_ATLAS_CLIENT_SECRET');
  pair('MONGODB_ATLAS_PUBLIC_KEY', 'MONGODB_ATLAS_PRIVATE_KEY');
  pair('TEMPORAL_TLS_CERT_PATH', 'TEMPORAL_TLS_KEY_PATH');
  const hasSa = !!env('MONGODB_ATLAS_CLIENT_ID') || !!env('MONGODB_ATLAS_CLIENT_SECRET');
  const hasKey = !!env('MONGODB_ATLAS_PUBLIC_KEY') || !!env('MONGODB_ATLAS_PRIVATE_KEY');
  const mode = env('MONGODB_ATLAS_AUTH');
  if (!mode && !hasSa && !hasKey) {
    problems.push(
      'MONGODB_ATLAS_CLIENT_ID: Atlas credentials are missing: set MONGODB_ATLAS_CLIENT_ID and MONGODB_ATLAS_CLIENT_SECRET (service account) or MONGODB_ATLAS_PUBLIC_KEY and MONGODB_ATLAS_PRIVATE_KEY (API key)',
    );
  }
  if (!mode && hasSa && hasKey) problems.push('MONGODB_ATLAS_AUTH: both a service account and an API key are set: set MONGODB_ATLAS_AUTH=serviceAccount or apiKey to choose');
  if (mode === 'serviceAccount' && !hasSa) problems.push('MONGODB_ATLAS_CLIENT_ID: is required when MONGODB_ATLAS_AUTH=serviceAccount');
  if (mode === 'apiKey' && !hasKey) problems.push('MONGODB_ATLAS_PUBLIC_KEY: is required when MONGODB_ATLAS_AUTH=apiKey');
  const baseUrl = env('MONGODB_ATLAS_BASE_URL') ?? 'https://cloud.mongodb.com';
  // Real Atlas is HTTPS only: no-auth is for a simulator on plain HTTP (local or a compose network).
  if (mode === 'none' && !baseUrl.startsWith('http://')) {
    problems.push('MONGODB_ATLAS_AUTH: =none is only allowed with a plain-http MONGODB_ATLAS_BASE_URL (a local simulator), never with Atlas itself');
  }
  return problems;
}

export interface TemporalConnectionConfig {
  address: string;
  namespace: string;
  apiKey?: string;
  tls?: { certPath?: string; keyPath?: string; caPath?: string; serverName?: string };
}

export interface WorkerConfig {
  temporal: TemporalConnectionConfig;
  taskQueue: string;
  atlas: { baseUrl: string; auth: AtlasAuth; timeoutMs: number };
  maxConcurrentActivities: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration — fix these environment variables and start again:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function parseEnv(env: Env) {
  const parsed = envSchema.safeParse(env);
  // Name the variable and the rule; never the value (it may be a secret).
  const problems = [...(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'}: ${i.message}`)), ...crossFieldProblems(env)];
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  return parsed.data;
}

function atlasAuth(e: ReturnType<typeof parseEnv>): AtlasAuth {
  const mode = e.MONGODB_ATLAS_AUTH ?? (e.MONGODB_ATLAS_CLIENT_ID ? 'serviceAccount' : 'apiKey');
  if (mode === 'none') return { kind: 'none' };
  if (mode === 'serviceAccount') return { kind: 'serviceAccount', clientId: e.MONGODB_ATLAS_CLIENT_ID!, clientSecret: e.MONGODB_ATLAS_CLIENT_SECRET! };
  return { kind: 'apiKey', publicKey: e.MONGODB_ATLAS_PUBLIC_KEY!, privateKey: e.MONGODB_ATLAS_PRIVATE_KEY! };
}

export function temporalConfigFromEnv(env: Env = process.env): TemporalConnectionConfig {
  // Only the Temporal variables matter here (the CLI talks to Temporal, never to Atlas).
  const e = parseEnv({ ...env, MONGODB_ATLAS_AUTH: 'none', MONGODB_ATLAS_BASE_URL: 'http://127.0.0.1' });
  return temporalConfig(e);
}

function temporalConfig(e: ReturnType<typeof parseEnv>): TemporalConnectionConfig {
  const tls =
    e.TEMPORAL_TLS_CERT_PATH || e.TEMPORAL_TLS_CA_PATH || e.TEMPORAL_TLS_SERVER_NAME
      ? { certPath: e.TEMPORAL_TLS_CERT_PATH, keyPath: e.TEMPORAL_TLS_KEY_PATH, caPath: e.TEMPORAL_TLS_CA_PATH, serverName: e.TEMPORAL_TLS_SERVER_NAME }
      : undefined;
  return { address: e.TEMPORAL_ADDRESS, namespace: e.TEMPORAL_NAMESPACE, apiKey: e.TEMPORAL_API_KEY, tls };
}

export function loadWorkerConfig(env: Env = process.env): WorkerConfig {
  const e = parseEnv(env);
  return {
    temporal: temporalConfig(e),
    taskQueue: e.TEMPORAL_TASK_QUEUE,
    atlas: { baseUrl: e.MONGODB_ATLAS_BASE_URL.replace(/\/+$/, ''), auth: atlasAuth(e), timeoutMs: e.ATLAS_HTTP_TIMEOUT_MS },
    maxConcurrentActivities: e.WORKER_MAX_CONCURRENT_ACTIVITIES,
  };
}
