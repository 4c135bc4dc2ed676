// Data verification of a restored target, inside one attempt: a temporary read-only database user
// is made through the Admin API with a password generated here, the target is read with the driver
// as that user, and the user is deleted again whatever happened. The password lives only in this
// attempt's memory: never in the input, the result, a heartbeat, a log line or an error (every
// error leaving is rebuilt with the password scrubbed out). A crashed attempt's user is deleted by
// the next attempt (names are per run and attempt), else by Atlas at its deleteAfterDate.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { MongoClient } from 'mongodb';
import type { AtlasClient } from '../atlas/index.js';
import {
  VERIFICATION_FAILED,
  VERDICT_TABLE_LIMIT,
  type ClusterRef,
  type VerificationReport,
  type VerifiedData,
  type VerifyRestoredDataInput,
} from '../contract/index.js';
import { connect, renderVerdicts, scrub, scrubbed, SYSTEM_DATABASES, verify, type Credentials } from '../data/index.js';
import { AttemptCalls, runOf } from './calls.js';

/** Atlas mirrors a new user onto its clusters after the 201: wait this many tries for the login. */
export const LOGIN_TRIES = 30;
const LOGIN_PAUSE_MS = 1_000;
/** Users of earlier attempts deleted before creating this attempt's (older ones expire by themselves). */
const EARLIER_ATTEMPTS_CLEANED = 10;
const USER_LIFETIME_MS = 4 * 3_600_000;
/** Well inside the step's heartbeat timeout (at least 60 s, activity-options.ts verifyOptions). */
const HEARTBEAT_EVERY_MS = 10_000;

/** `abo-verify-<run>-`: every attempt of one run names its user with this prefix and its attempt. */
export function verifyUserPrefix(runId: string): string {
  return `abo-verify-${runId.replace(/[^a-zA-Z0-9]/g, '').slice(0, 32)}-`;
}

const httpStatusOf = (e: unknown) =>
  e instanceof ApplicationFailure ? (e.details?.[0] as { httpStatus?: number } | undefined)?.httpStatus : undefined;

/** Deletes a user; a 404 (already gone) is fine. */
async function deleteUser(calls: AttemptCalls, groupId: string, username: string): Promise<void> {
  await calls.call('deleteDatabaseUser', { path: { groupId, databaseName: 'admin', username } }).catch((e: unknown) => {
    if (httpStatusOf(e) !== 404) throw withRoleAdvice(e, groupId);
  });
}

/** `db.collection` of every collection the snapshot holds (Atlas's snapshot browsing). */
async function snapshotNamespaces(calls: AttemptCalls, s: ClusterRef & { snapshotId: string }): Promise<string[]> {
  const path = { groupId: s.groupId, clusterName: s.clusterName, snapshotId: s.snapshotId };
  const out: string[] = [];
  for (const db of await calls.all('listBackupSnapshotDatabases', path)) {
    if (SYSTEM_DATABASES.includes(db.name)) continue;
    for (const c of await calls.all('listSnapshotDatabaseCollections', { ...path, databaseName: db.name }))
      out.push(`${db.name}.${c.name}`);
  }
  return out;
}

/** Connects as the new user once its login works on the target (bounded, heartbeating). */
async function loginWhenReady(uri: string, credentials: Credentials): Promise<MongoClient> {
  const ctx = Context.current();
  let last: unknown;
  for (let tries = 1; tries <= LOGIN_TRIES; tries++) {
    ctx.heartbeat({ stage: 'waiting-for-login', tries });
    try {
      return await connect(uri, credentials, { serverSelectionTimeoutMS: 5_000 });
    } catch (e) {
      last = e;
      await sleep(LOGIN_PAUSE_MS, undefined, { signal: ctx.cancellationSignal });
    }
  }
  throw scrubbed(last, `the temporary user could not log in after ${LOGIN_TRIES} tries`, [credentials.password]);
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

/** A refused user create or delete means a missing role: say which one (the generic 403 advice names another). */
function withRoleAdvice(e: unknown, groupId: string): unknown {
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

function failure(target: ClusterRef, report: VerificationReport): ApplicationFailure {
  const table = renderVerdicts(report);
  const shown = table.length > VERDICT_TABLE_LIMIT ? `${table.slice(0, VERDICT_TABLE_LIMIT)}\n…` : table;
  return ApplicationFailure.create({
    message: `Restored data of cluster '${target.clusterName}' in project ${target.groupId} did not verify:\n${shown}`,
    type: VERIFICATION_FAILED,
    nonRetryable: true,
    details: [report.summary],
  });
}

async function readTarget(
  calls: AttemptCalls,
  input: VerifyRestoredDataInput,
  credentials: Credentials,
): Promise<VerificationReport> {
  const { target, verify: spec, restored } = input;
  // A collection restore checks what it restored, under the names it was restored as.
  const namespaces = restored
    ? restored.map((r) => r.sourceNamespace)
    : input.snapshot
      ? await snapshotNamespaces(calls, input.snapshot)
      : [];
  const restoredAs = Object.fromEntries((restored ?? []).map((r) => [r.sourceNamespace, r.targetNamespace]));
  const cluster = await calls.call('getCluster', { path: target });
  const uri = cluster.connectionStrings?.standard;
  if (!uri) throw new Error(`cluster '${target.clusterName}' has no standard connection string`);
  const client = await loginWhenReady(uri, credentials);
  // verify() reads collection after collection without a hook: beat on a timer meanwhile.
  const ctx = Context.current();
  const beat = () => ctx.heartbeat({ stage: 'verifying', namespaces: namespaces.length });
  beat();
  const beating = setInterval(beat, HEARTBEAT_EVERY_MS);
  try {
    const options = spec.countTolerance === undefined ? {} : { countTolerance: spec.countTolerance };
    return await verify(client, { snapshotNamespaces: namespaces, restoredAs, queries: spec.queries ?? [], options });
  } finally {
    clearInterval(beating);
    await client.close().catch(() => undefined);
  }
}

export function verificationActivities(client: AtlasClient) {
  return {
    async verifyRestoredData(input: VerifyRestoredDataInput): Promise<VerifiedData> {
      const ctx = Context.current();
      const { target } = input;
      const calls = new AttemptCalls(client, target);
      const prefix = verifyUserPrefix(runOf(ctx).runId);
      const attempt = ctx.info.attempt;
      const password = randomBytes(24).toString('base64url');
      const credentials = { username: `${prefix}${attempt}`, password };
      try {
        for (let a = Math.max(1, attempt - EARLIER_ATTEMPTS_CLEANED); a < attempt; a++)
          await deleteUser(calls, target.groupId, `${prefix}${a}`);
        await deleteUser(calls, target.groupId, credentials.username);
        await calls
          .call('createDatabaseUser', {
            path: { groupId: target.groupId },
            body: {
              ...credentials,
              databaseName: 'admin',
              groupId: target.groupId,
              roles: [{ roleName: 'readAnyDatabase', databaseName: 'admin' }],
              scopes: [{ name: target.clusterName, type: 'CLUSTER' }],
              deleteAfterDate: new Date(Date.now() + USER_LIFETIME_MS).toISOString(),
              description: 'atlas-backup-orchestrator restore verification (temporary)',
            },
          })
          .catch((e: unknown) => {
            throw withRoleAdvice(e, target.groupId);
          });
        try {
          const report = await readTarget(calls, input, credentials);
          if (!report.summary.ok) throw failure(target, report);
          const s = report.summary;
          return {
            ok: true,
            okNamespaces: s.checked - s.failed,
            failedNamespaces: s.failed,
            checked: s.checked,
            seconds: s.seconds,
            notes: s.notes,
            requests: calls.requests + 1,
            attempts: attempt,
          };
        } finally {
          await deleteUser(calls, target.groupId, credentials.username);
        }
      } catch (e) {
        throw withoutSecret(e, password);
      }
    },
  };
}
