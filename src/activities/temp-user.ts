// A temporary database user's whole life inside one activity attempt: users of earlier attempts of
// the same run deleted first, a new user made through the Admin API with a password generated here,
// the cluster read with the driver as that user, and the user deleted again whatever happened. The
// password lives only in this attempt's memory: never in an input, a result, a heartbeat, a log line
// or an error (every error leaving is rebuilt with the password scrubbed out). A crashed attempt's
// user is deleted by the next attempt (names are per run, purpose and attempt), else by Atlas at its
// deleteAfterDate.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { MongoClient } from 'mongodb';
import type { RequestArgs } from '../atlas/index.js';
import type { ClusterRef } from '../contract/index.js';
import { connect, scrub, scrubbed, type Credentials } from '../data/index.js';
import { runOf, type AttemptCalls } from './calls.js';

/** Atlas mirrors a new user onto its clusters after the 201: the login is tried for this long. */
export const LOGIN_WAIT_MS = 30_000;
/**
 * The pauses between login tries: short at first (the mirror usually lands within a fraction of a
 * second), doubling up to a cap so a slow mirror is not hammered.
 */
export const LOGIN_PAUSE = { firstMs: 100, capMs: 2_000 } as const;
/** Users of earlier attempts deleted before creating this attempt's (older ones expire by themselves). */
const EARLIER_ATTEMPTS_CLEANED = 10;
const USER_LIFETIME_MS = 4 * 3_600_000;
/** Well inside the steps' heartbeat timeout (at least 60 s, activity-options.ts verifyOptions). */
const HEARTBEAT_EVERY_MS = 10_000;

/** What a user is for: `verify` reads a restored target, `source` reads (and canaries) the source. */
export type UserPurpose = 'verify' | 'source';

export interface DatabaseRole {
  roleName: string;
  databaseName: string;
}

/** Read any database: all verification and manifests need. */
export const READ_ONLY: DatabaseRole[] = [{ roleName: 'readAnyDatabase', databaseName: 'admin' }];

/** `abo-<purpose>-<run>-`: every attempt of one run names its user with this prefix and its attempt. */
export function userPrefix(purpose: UserPurpose, runId: string): string {
  return `abo-${purpose}-${runId.replace(/[^a-zA-Z0-9]/g, '').slice(0, 32)}-`;
}

/** The verification user's prefix (tests look for leftovers by it). */
export const verifyUserPrefix = (runId: string) => userPrefix('verify', runId);

export const httpStatusOf = (e: unknown) =>
  e instanceof ApplicationFailure ? (e.details?.[0] as { httpStatus?: number } | undefined)?.httpStatus : undefined;

/** A refused user create or delete means a missing role: say which one (the generic 403 advice names another). */
export function withRoleAdvice(e: unknown, groupId: string): unknown {
  if (httpStatusOf(e) !== 403) return e;
  const f = e as ApplicationFailure;
  return ApplicationFailure.create({
    message:
      `${f.message.split('. ')[0]}. Data verification creates a temporary database user, which needs the ` +
      `Project Database Access Admin role (or Project Owner) on project ${groupId}: grant it, or run without verify.`,
    type: f.type ?? 'HTTP_403',
    nonRetryable: true,
    details: f.details ? [...f.details] : [],
  });
}

/** Deletes a user; a 404 (already gone) is fine. */
export async function deleteUser(calls: AttemptCalls, groupId: string, username: string): Promise<void> {
  await calls.call('deleteDatabaseUser', { path: { groupId, databaseName: 'admin', username } }).catch((e: unknown) => {
    if (httpStatusOf(e) !== 404) throw withRoleAdvice(e, groupId);
  });
}

/** The pause before login try `tries + 1`: LOGIN_PAUSE.firstMs doubling up to its cap. */
export function loginPauseMs(tries: number): number {
  return Math.min(LOGIN_PAUSE.capMs, LOGIN_PAUSE.firstMs * 2 ** Math.min(tries - 1, 16));
}

/** Connects as the new user once its login works on the cluster (bounded in time, heartbeating). */
async function loginWhenReady(uri: string, credentials: Credentials): Promise<MongoClient> {
  const ctx = Context.current();
  const until = Date.now() + LOGIN_WAIT_MS;
  let last: unknown;
  let tries = 0;
  for (;;) {
    tries++;
    ctx.heartbeat({ stage: 'waiting-for-login', tries });
    try {
      return await connect(uri, credentials, { serverSelectionTimeoutMS: 5_000 });
    } catch (e) {
      last = e;
    }
    const pause = loginPauseMs(tries);
    if (Date.now() + pause > until) break;
    await sleep(pause, undefined, { signal: ctx.cancellationSignal });
  }
  const waited = `${LOGIN_WAIT_MS / 1000} s`;
  throw scrubbed(last, `the temporary user could not log in within ${waited} (${tries} tries)`, [credentials.password]);
}

/** Any error as one that holds no trace of `secret`, keeping its type and retryability. */
function withoutSecret(e: unknown, secret: string): Error {
  const clean = (text: string) => scrub(text, [secret]);
  if (e instanceof ApplicationFailure)
    return ApplicationFailure.create({
      message: clean(e.message),
      type: e.type ?? undefined,
      nonRetryable: e.nonRetryable ?? false,
      details: e.details ? (JSON.parse(clean(JSON.stringify(e.details))) as unknown[]) : [],
      ...(e.nextRetryDelay !== undefined ? { nextRetryDelay: e.nextRetryDelay } : {}),
    });
  const err = scrubbed(e, 'data verification', [secret]);
  return ApplicationFailure.create({ message: err.message, type: err.name, nonRetryable: false });
}

export interface TemporaryUser {
  cluster: ClusterRef;
  /** The cluster's standard connection string, when the caller has it (else, and on retries, getCluster). */
  connectionString?: string | undefined;
  purpose: UserPurpose;
  roles: DatabaseRole[];
  description: string;
}

/** Runs `use` heartbeating on a timer (driver reads have no hook to beat from). */
async function beating<T>(stage: string, use: () => Promise<T>): Promise<T> {
  const ctx = Context.current();
  const beat = () => ctx.heartbeat({ stage });
  beat();
  const timer = setInterval(beat, HEARTBEAT_EVERY_MS);
  try {
    return await use();
  } finally {
    clearInterval(timer);
  }
}

/**
 * Creates the user. A user of the same name (this attempt number of this run, left by an earlier
 * call that never got to delete it) answers 409: it is deleted and the user made afresh, so the
 * usual path costs one request.
 */
async function createUser(
  calls: AttemptCalls,
  groupId: string,
  body: RequestArgs<'createDatabaseUser'>['body'] & { username: string },
): Promise<void> {
  const create = () =>
    calls.call('createDatabaseUser', { path: { groupId }, body }).catch((e: unknown) => {
      throw withRoleAdvice(e, groupId);
    });
  await create().catch(async (e: unknown) => {
    if (httpStatusOf(e) !== 409) throw e;
    await deleteUser(calls, groupId, body.username);
    await create();
  });
}

/** The cluster's standard connection string, read from Atlas. */
async function connectionStringOf(calls: AttemptCalls, { groupId, clusterName }: ClusterRef): Promise<string> {
  const cluster = await calls.call('getCluster', { path: { groupId, clusterName } });
  const uri = cluster.connectionStrings?.standard;
  if (!uri) throw new Error(`cluster '${clusterName}' has no standard connection string`);
  return uri;
}

/**
 * Makes the user, connects as it, runs `use` and deletes the user again, all in this attempt.
 * `use` gets a connected driver; it never sees the password.
 */
export async function withTemporaryUser<T>(
  calls: AttemptCalls,
  spec: TemporaryUser,
  use: (client: MongoClient) => Promise<T>,
): Promise<T> {
  const ctx = Context.current();
  const { groupId, clusterName } = spec.cluster;
  const prefix = userPrefix(spec.purpose, runOf(ctx).runId);
  const attempt = ctx.info.attempt;
  const password = randomBytes(24).toString('base64url');
  const credentials = { username: `${prefix}${attempt}`, password };
  try {
    for (let a = Math.max(1, attempt - EARLIER_ATTEMPTS_CLEANED); a < attempt; a++)
      await deleteUser(calls, groupId, `${prefix}${a}`);
    const body = {
      ...credentials,
      databaseName: 'admin' as const,
      groupId,
      roles: spec.roles,
      scopes: [{ name: clusterName, type: 'CLUSTER' as const }],
      deleteAfterDate: new Date(Date.now() + USER_LIFETIME_MS).toISOString(),
      description: spec.description,
    };
    await createUser(calls, groupId, body);
    try {
      // A given string is used by the first attempt only: a later one reads Atlas's current string,
      // in case the given one went stale and is why the first failed.
      const given = attempt === 1 ? spec.connectionString : undefined;
      const uri = given ?? (await connectionStringOf(calls, spec.cluster));
      const client = await loginWhenReady(uri, credentials);
      try {
        return await beating(spec.purpose === 'verify' ? 'verifying' : 'reading-source', () => use(client));
      } finally {
        await client.close().catch(() => undefined);
      }
    } finally {
      await deleteUser(calls, groupId, credentials.username);
    }
  } catch (e) {
    throw withoutSecret(e, password);
  }
}
