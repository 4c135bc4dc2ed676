// The Temporal connection (address, namespace, TLS, API key, gRPC metadata) for the worker and the
// CLI, the Temporal way: @temporalio/envconfig reads Temporal's standard TEMPORAL_* variables and the
// TOML profile file (TEMPORAL_CONFIG_FILE, TEMPORAL_PROFILE), like the Temporal CLI and other SDKs.
// Our own code is only what envconfig does not do: defaults, the deprecated variable names, and
// checks whose errors name the variable and never echo a value (envconfig's errors do neither).
import { accessSync, constants, existsSync } from 'node:fs';
import { loadClientConfigProfile, toClientOptions, type ClientConfigProfile } from '@temporalio/envconfig';
import type { NativeConnectionOptions } from '@temporalio/worker';
import { processEnv } from './config.js';

export const DEFAULT_ADDRESS = 'localhost:7233';
export const DEFAULT_NAMESPACE = 'default';

/** What envconfig resolved, with the address and namespace always set. */
export type TemporalConnectionConfig = ClientConfigProfile & { address: string; namespace: string };

/** Our pre-envconfig names, still read for one release (the standard name wins when both are set). */
export const DEPRECATED_TEMPORAL_VARIABLES = {
  TEMPORAL_TLS_CERT_PATH: 'TEMPORAL_TLS_CLIENT_CERT_PATH',
  TEMPORAL_TLS_KEY_PATH: 'TEMPORAL_TLS_CLIENT_KEY_PATH',
  TEMPORAL_TLS_CA_PATH: 'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
} as const;

type Env = Record<string, string | undefined>;
export type Warn = (message: string) => void;

let deprecationShown = false;
/** One deprecation notice per process, however many times the configuration is read. */
const warnOnce: Warn = (message) => {
  if (deprecationShown) return;
  deprecationShown = true;
  process.stderr.write(`atlas-backup: ${message}\n`);
};

/**
 * envconfig's input: blank variables dropped (a blank variable means unset here, as it always has;
 * envconfig would take '' as the value — except TEMPORAL_GRPC_META_*, where blank removes a header),
 * and the deprecated names copied onto the standard ones.
 */
function standardEnv(env: Env, warn: Warn): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v !== undefined && (v.trim() !== '' || k.startsWith('TEMPORAL_GRPC_META_'))) out[k] = v;
  }
  const used = Object.entries(DEPRECATED_TEMPORAL_VARIABLES).filter(([old]) => out[old] !== undefined);
  for (const [old, now] of used) {
    out[now] ??= out[old]!;
    delete out[old];
  }
  if (used.length > 0) {
    const renames = used.map(([old, now]) => `${old} → ${now}`).join(', ');
    warn(
      'deprecated variable names (they stop working in the next release; the new name wins if both are set): ' +
        renames,
    );
  }
  return out;
}

// Where each TLS source can come from: its variables, and its key in the TOML file's [profile.x.tls].
const TLS_SOURCES = [
  {
    field: 'clientCert',
    toml: 'client_cert',
    vars: ['TEMPORAL_TLS_CLIENT_CERT_PATH', 'TEMPORAL_TLS_CLIENT_CERT_DATA'],
  },
  { field: 'clientKey', toml: 'client_key', vars: ['TEMPORAL_TLS_CLIENT_KEY_PATH', 'TEMPORAL_TLS_CLIENT_KEY_DATA'] },
  {
    field: 'serverCACert',
    toml: 'server_ca_cert',
    vars: ['TEMPORAL_TLS_SERVER_CA_CERT_PATH', 'TEMPORAL_TLS_SERVER_CA_CERT_DATA'],
  },
] as const;

interface Resolution {
  config?: TemporalConnectionConfig;
  problems: string[];
}

/** Reads the Temporal connection from `env` (and the profile file it points to); problems name variables. */
export function resolveTemporalConnection(env: Env = processEnv(), warn: Warn = warnOnce): Resolution {
  const std = standardEnv(env, warn);
  const file = std.TEMPORAL_CONFIG_FILE;
  const inFile = (key: string) =>
    `${key} in profile '${std.TEMPORAL_PROFILE ?? 'default'}' of ${file ?? 'the Temporal config file'}`;
  // envconfig silently ignores a missing file; one set explicitly is a mistake worth stopping for.
  if (file !== undefined && !existsSync(file)) return { problems: [`TEMPORAL_CONFIG_FILE: no file at ${file}`] };
  let profile: ClientConfigProfile;
  try {
    profile = loadClientConfigProfile({ overrideEnvVars: std });
  } catch (err) {
    return { problems: [loadProblem(err, file)] };
  }
  const problems: string[] = [];
  const address = profile.address ?? DEFAULT_ADDRESS;
  const namespace = profile.namespace ?? DEFAULT_NAMESPACE;
  const addressFrom =
    std.TEMPORAL_ADDRESS !== undefined || profile.address === undefined ? 'TEMPORAL_ADDRESS' : inFile('address');
  if (!/^[^\s:/]+:\d{1,5}$/.test(address)) problems.push(`${addressFrom}: must be host:port, e.g. localhost:7233`);
  if (std.TEMPORAL_TLS !== undefined && !/^(true|false|1|0)$/.test(std.TEMPORAL_TLS)) {
    problems.push('TEMPORAL_TLS: must be true or false');
  }
  const tls = profile.tls;
  const from = (s: (typeof TLS_SOURCES)[number]) =>
    s.vars.find((v) => std[v] !== undefined) ?? inFile(`tls.${s.toml}_path`);
  const [cert, key] = TLS_SOURCES;
  // envconfig drops a certificate without its key (or the reverse) without a word; mTLS would then fail obscurely.
  if (tls?.clientCert && !tls.clientKey) problems.push(`${key.vars[0]}: is required when ${from(cert)} is set`);
  if (tls?.clientKey && !tls.clientCert) problems.push(`${cert.vars[0]}: is required when ${from(key)} is set`);
  for (const s of TLS_SOURCES) {
    const source = tls?.[s.field];
    if (source && 'path' in source) {
      // envconfig reads these files at connect time and reports a bare ENOENT; check now, naming the variable.
      try {
        accessSync(source.path, constants.R_OK);
      } catch (err) {
        problems.push(`${from(s)}: cannot read ${source.path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      }
    }
  }
  return problems.length > 0 ? { problems } : { config: { ...profile, address, namespace }, problems };
}

/** envconfig's errors, made to name the variable and never show file contents (a TOML error quotes the line). */
function loadProblem(err: unknown, file: string | undefined): string {
  const e = err as Error & { line?: number; column?: number };
  const where = file ? `TEMPORAL_CONFIG_FILE (${file})` : 'the Temporal config file';
  // smol-toml's TomlError (its name is plain 'Error') carries the position; its message quotes the line.
  if (typeof e.line === 'number') {
    return `${file ? 'TEMPORAL_CONFIG_FILE' : where}: not valid TOML at line ${e.line}, column ${e.column}`;
  }
  const missing = /^Profile '(.*)' not found/.exec(e.message);
  if (missing) return `TEMPORAL_PROFILE: no profile '${missing[1]}' in ${where}`;
  if (/^Cannot specify both/.test(e.message)) return `${where} or TEMPORAL_TLS_*: ${e.message}`;
  return `${where}: ${e.message.split('\n')[0]}`;
}

/** Connection options for NativeConnection (worker) and Connection (client): TLS files are read here. */
export function connectionOptions(config: TemporalConnectionConfig): NativeConnectionOptions {
  return toClientOptions(config).connectionOptions;
}
