// `atlas-backup doctor`: every check, in order, each a line saying what was found and what to do.
// A check that needs something an earlier one found broken is skipped with the reason.
import { Client, Connection } from '@temporalio/client';
import type { AtlasClient, AtlasExchange } from '../atlas/index.js';
import type { EncryptionCodec } from '../codec/index.js';
import { connectionOptions, type TemporalConnectionConfig } from '../temporal-connection.js';
import { checkCredentials, checkRoles } from './atlas-access.js';
import { fail, firstLine, skip, type CheckResult } from './check.js';
import { checkCodec } from './codec.js';
import { checkRateLimits } from './rate-limits.js';
import { checkConnection, checkPollers, checkSearchAttributes } from './temporal.js';
import { checkWebhook } from './webhook.js';

export type { CheckResult, CheckStatus } from './check.js';

export interface DoctorOptions {
  /** A factory for the Atlas client (with the observer given), or the configuration problem. */
  atlas: ((observer: (e: AtlasExchange) => void) => Promise<AtlasClient>) | Error;
  temporal: TemporalConnectionConfig | Error;
  taskQueue: string;
  /** undefined: no keys configured; an Error: keys configured but invalid. */
  codec: EncryptionCodec | undefined | Error;
  project?: string;
  cluster?: string;
  /** Opt-in: check this webhook URL is reachable. */
  webhook?: { url: string | undefined };
}

export async function atlasChecks(o: DoctorOptions): Promise<CheckResult[]> {
  if (o.atlas instanceof Error) return [fail('atlas.credentials', `Atlas configuration: ${firstLine(o.atlas)}`)];
  const seen: AtlasExchange[] = [];
  const atlas = await o.atlas((e) => seen.push(e));
  try {
    const { result, firstProject } = await checkCredentials(atlas);
    if (result.status === 'fail') return [result, skip('atlas.roles', 'roles not checked: the credentials failed')];
    const project = o.project ?? firstProject;
    return [result, ...(await checkRoles(atlas, project, o.cluster)), await checkRateLimits(atlas, project, seen)];
  } finally {
    await atlas.close();
  }
}

export async function temporalChecks(o: DoctorOptions): Promise<CheckResult[]> {
  if (o.temporal instanceof Error)
    return [fail('temporal.connection', `Temporal configuration: ${firstLine(o.temporal)}`)];
  const { address, namespace } = o.temporal;
  const where = `${address} (namespace ${namespace})`;
  let connection: Connection;
  try {
    connection = await Connection.connect({ ...connectionOptions(o.temporal), connectTimeout: 10_000 });
  } catch (err) {
    return [fail('temporal.connection', `cannot reach Temporal at ${where}: ${firstLine(err)}; set TEMPORAL_ADDRESS`)];
  }
  try {
    const connected = await checkConnection(connection, where);
    if (connected.status === 'fail') return [connected];
    const client = new Client({ connection, namespace });
    const codec =
      o.codec instanceof Error
        ? fail('codec.keys', `codec keys: ${firstLine(o.codec)}`)
        : await checkCodec(client, o.taskQueue, o.codec);
    return [
      connected,
      await checkSearchAttributes(connection, namespace),
      await checkPollers(client, o.taskQueue),
      codec,
    ];
  } finally {
    await connection.close();
  }
}

export async function runDoctor(o: DoctorOptions): Promise<CheckResult[]> {
  const [atlas, temporal] = await Promise.all([atlasChecks(o), temporalChecks(o)]);
  return [...atlas, ...temporal, ...(o.webhook ? [await checkWebhook(o.webhook.url)] : [])];
}
