// The CLI's Temporal client: connection from Temporal's standard variables and profile file (read by
// @temporalio/envconfig), overridden by global flags, so the same command works against the dev
// server, a self-hosted cluster or Temporal Cloud.
import { Client, Connection } from '@temporalio/client';
import { DEFAULT_TASK_QUEUE, temporalConfigFromEnv, type TemporalConnectionConfig, processEnv } from '../config.js';
import { dataConverterFromEnv } from '../codec/index.js';
import { connectionOptions } from '../temporal-connection.js';
import { tracesUrl } from '../telemetry/otel-env.js';
import { plaintextGuard } from './codec-guard.js';
import { UsageError } from './errors.js';

export interface GlobalFlags {
  address?: string;
  namespace?: string;
  apiKey?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsCa?: string;
  tlsServerName?: string;
  taskQueue?: string;
  verbose?: boolean;
}

/** The environment with the global connection flags applied over it as Temporal's standard names (flags win). */
export function envWithFlags(flags: GlobalFlags, env: NodeJS.ProcessEnv = processEnv()): NodeJS.ProcessEnv {
  const merged: NodeJS.ProcessEnv = { ...env };
  const set = (name: string, value: string | undefined) => {
    if (value !== undefined) merged[name] = value;
  };
  set('TEMPORAL_ADDRESS', flags.address);
  set('TEMPORAL_NAMESPACE', flags.namespace);
  set('TEMPORAL_TASK_QUEUE', flags.taskQueue);
  set('TEMPORAL_API_KEY', flags.apiKey);
  set('TEMPORAL_TLS_CLIENT_CERT_PATH', flags.tlsCert);
  set('TEMPORAL_TLS_CLIENT_KEY_PATH', flags.tlsKey);
  set('TEMPORAL_TLS_SERVER_CA_CERT_PATH', flags.tlsCa);
  set('TEMPORAL_TLS_SERVER_NAME', flags.tlsServerName);
  return merged;
}

export function temporalConfig(flags: GlobalFlags, env: NodeJS.ProcessEnv = processEnv()): TemporalConnectionConfig {
  return temporalConfigFromEnv(envWithFlags(flags, env));
}

export function taskQueueOf(flags: GlobalFlags, env: NodeJS.ProcessEnv = processEnv()): string {
  const q = flags.taskQueue ?? env.TEMPORAL_TASK_QUEUE ?? DEFAULT_TASK_QUEUE;
  if (!q.trim()) throw new UsageError('--task-queue must not be empty');
  return q;
}

export interface Connected {
  client: Client;
  namespace: string;
  /** Runs the command's work as one trace when tracing is on (else just runs it). */
  traced<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Commands with subcommands: their span names both words. */
const GROUPS = new Set(['schedule', 'fleet', 'deployment', 'buckets', 'namespace']);

/**
 * "atlas-backup backup", "atlas-backup schedule create": the command a span is named after, never an
 * argument (ids and names stay out of span names).
 */
function commandName(argv = process.argv.slice(2)): string {
  const [command, sub] = argv;
  if (!command || !/^[a-z-]+$/.test(command)) return 'atlas-backup';
  const subcommand = GROUPS.has(command) && sub && /^[a-z-]+$/.test(sub) ? ` ${sub}` : '';
  return `atlas-backup ${command}${subcommand}`;
}

export async function connect(flags: GlobalFlags): Promise<Connected> {
  const config = temporalConfig(flags);
  // Encrypted payloads (ATLAS_BACKUP_CODEC_*): every command reads and writes them with the worker's keys.
  const dataConverter = dataConverterFromEnv(processEnv());
  const connection = await Connection.connect({ ...connectionOptions(config), connectTimeout: 10_000 }).catch(
    (err: unknown) => {
      const where = `${config.address} (namespace ${config.namespace})`;
      throw new Error(
        `Cannot reach Temporal at ${where}: ${(err as Error).message}. ` +
          'Set TEMPORAL_ADDRESS, --address or TEMPORAL_PROFILE.',
      );
    },
  );
  // OTEL_EXPORTER_OTLP_ENDPOINT set: the start of a run is the root span of its trace.
  const tracing = tracesUrl(processEnv())
    ? (await import('../telemetry/tracing.js')).startTracingFromEnv(processEnv(), 'atlas-backup-cli')
    : undefined;
  const plugins = tracing ? { plugins: [tracing.plugin] } : {};
  // Without keys, a start into a task queue whose runs are encrypted is refused (codec-guard.ts).
  const interceptors = dataConverter ? {} : { interceptors: plaintextGuard(connection, config.namespace) };
  return {
    client: new Client({ connection, namespace: config.namespace, dataConverter, ...plugins, ...interceptors }),
    namespace: config.namespace,
    traced: (fn) => (tracing ? tracing.inSpan(commandName(), fn) : fn()),
    close: async () => {
      await connection.close();
      await tracing?.shutdown();
    },
  };
}

/** Opens a client, runs `fn`, and always closes the connection. */
export async function withClient<T>(flags: GlobalFlags, fn: (c: Connected) => Promise<T>): Promise<T> {
  const c = await connect(flags);
  try {
    return await c.traced(() => fn(c));
  } finally {
    await c.close();
  }
}
