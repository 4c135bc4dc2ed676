// Opening a driver connection to a cluster. Credentials arrive in memory and go to the driver's
// `auth` option, never into the URI, so nothing that prints the URI can print the password; every
// error leaving this room is rebuilt from a scrubbed message (no cause chain that could hold one).
// The driver loads on first use: a worker that never verifies data never holds its modules.
import type { MongoClient, MongoClientOptions } from 'mongodb';

export interface Credentials {
  username: string;
  password: string;
}

export interface ConnectOptions {
  /** Emit the driver's command events (tests assert that verification sends no writes). */
  monitorCommands?: boolean;
  /** How long to look for a server before failing, ms (default 15 s). */
  serverSelectionTimeoutMS?: number;
}

/** A failure reading a cluster's data, with any URI credentials and the password removed. */
export class DataAccessError extends Error {
  override readonly name = 'DataAccessError';
  constructor(
    message: string,
    readonly code?: string | number,
  ) {
    super(message);
  }
}

const URI_USERINFO = /(mongodb(?:\+srv)?:\/\/)[^@/\s]*@/gi;

/** The text with `user:password@` of any MongoDB URI and every occurrence of `secrets` replaced. */
export function scrub(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(URI_USERINFO, '$1***@');
  for (const s of secrets) if (s.length > 0) out = out.split(s).join('***');
  return out;
}

/** Any thrown value as a DataAccessError whose message holds no credentials. */
export function scrubbed(e: unknown, what: string, secrets: readonly string[] = []): DataAccessError {
  const err = e as { message?: unknown; code?: unknown; codeName?: unknown };
  const message = typeof err?.message === 'string' ? err.message : String(e);
  const code = typeof err?.codeName === 'string' ? err.codeName : (err?.code as string | number | undefined);
  return new DataAccessError(scrub(`${what}: ${message}`, secrets), code);
}

/** One host, no replica set named: talk to that server directly (the simulator's endpoints). */
function singleHost(uri: string): boolean {
  const m = /^mongodb:\/\/(?:[^@/]*@)?([^/?]+)(?:\/[^?]*)?(?:\?(.*))?$/i.exec(uri);
  return m !== null && !m[1]!.includes(',') && !/(^|&)replicaSet=/i.test(m[2] ?? '');
}

/** A connected client for `uri` (a cluster's standard or SRV connection string). */
export async function connect(uri: string, credentials?: Credentials, o: ConnectOptions = {}): Promise<MongoClient> {
  const secrets = credentials ? [credentials.password] : [];
  const options: MongoClientOptions = {
    appName: 'atlas-backup-verify',
    maxPoolSize: 8,
    serverSelectionTimeoutMS: o.serverSelectionTimeoutMS ?? 15_000,
    monitorCommands: o.monitorCommands ?? false,
    ...(singleHost(uri) ? { directConnection: true } : {}),
    ...(credentials ? { auth: { username: credentials.username, password: credentials.password } } : {}),
  };
  const { MongoClient } = await import('mongodb');
  let client: MongoClient;
  try {
    client = new MongoClient(uri, options);
  } catch (e) {
    throw scrubbed(e, 'invalid connection string', secrets);
  }
  try {
    return await client.connect();
  } catch (e) {
    await client.close().catch(() => undefined);
    throw scrubbed(e, 'could not connect to the cluster', secrets);
  }
}
