// The pre-flight of a collection restore, before any job is created: every named collection or
// database must be in the snapshot (Atlas's snapshot browsing), and a point in time must lie within
// the source's restore window. A refusal names the field and is not retried.
import { Context } from '@temporalio/activity';
import type { AtlasClient } from '../atlas/index.js';
import type { CheckCollectionRestoreInput, CheckedCollectionRestore, SourceRef } from '../contract/index.js';
import { AttemptCalls } from './calls.js';
import { terminalFailure } from './failures.js';

const refuse = (field: string, message: string) =>
  terminalFailure('InvalidInput', `${field}: ${message}`, { resource: 'restoreJob', field });

const shown = (list: string[]) =>
  list.length ? list.slice(0, 20).join(', ') + (list.length > 20 ? ', …' : '') : 'none';

/** Each named database and collection against the snapshot's browsing (all pages). */
async function checkNames(
  calls: AttemptCalls,
  src: SourceRef,
  snapshotId: string,
  spec: { collections?: string[]; databases?: string[] },
): Promise<string> {
  const path = { groupId: src.groupId, clusterName: src.clusterName, snapshotId };
  const dbs = (await calls.all('listBackupSnapshotDatabases', path)).map((d) => d.name);
  const where = `snapshot ${snapshotId} of '${src.clusterName}'`;
  for (const [i, db] of (spec.databases ?? []).entries())
    if (!dbs.includes(db))
      throw refuse(
        `collectionRestore.databases[${i}]`,
        `database '${db}' is not in ${where} (it holds: ${shown(dbs)})`,
      );
  const byDb = new Map<string, string[]>();
  for (const [i, ns] of (spec.collections ?? []).entries()) {
    const db = ns.slice(0, ns.indexOf('.'));
    if (!dbs.includes(db))
      throw refuse(
        `collectionRestore.collections[${i}]`,
        `'${ns}': database '${db}' is not in ${where} (it holds: ${shown(dbs)})`,
      );
    if (!byDb.has(db))
      byDb.set(
        db,
        (await calls.all('listSnapshotDatabaseCollections', { ...path, databaseName: db })).map((c) => c.name),
      );
    const colls = byDb.get(db)!;
    if (!colls.includes(ns.slice(db.length + 1)))
      throw refuse(
        `collectionRestore.collections[${i}]`,
        `collection '${ns}' is not in ${where} (${db} holds: ${shown(colls)})`,
      );
  }
  const n = spec.collections?.length ?? spec.databases?.length ?? 0;
  return `${n} ${spec.collections ? 'collection(s)' : 'database(s)'} found in ${where}`;
}

/** A point in time must be past and within the source's restore window (its backup schedule). */
async function checkWindow(calls: AttemptCalls, src: SourceRef, at: number, field: string): Promise<string> {
  const now = Date.now() / 1000;
  const when = new Date(at * 1000).toISOString();
  if (at > now) throw refuse(field, `${when} is in the future: a point in time must have passed`);
  const schedule = await calls.call('getBackupSchedule', {
    path: { groupId: src.groupId, clusterName: src.clusterName },
  });
  const days = schedule.restoreWindowDays;
  if (days !== undefined && at < now - days * 86_400) {
    const earliest = new Date((now - days * 86_400) * 1000).toISOString();
    throw refuse(
      field,
      `${when} is outside the restore window of ${days} day(s) of '${src.clusterName}' (earliest ${earliest})`,
    );
  }
  return `point in time ${when} within the restore window${days !== undefined ? ` (${days} days)` : ''}`;
}

export async function checkCollectionRestore(
  client: AtlasClient,
  input: CheckCollectionRestoreInput,
): Promise<CheckedCollectionRestore> {
  const { source, restore } = input;
  const calls = new AttemptCalls(client, source);
  const spec = restore.collections ?? {};
  const checked: string[] = [];
  if (restore.deliveryType === 'pointInTime') {
    const pit = restore.pointInTimeUTCSeconds;
    const at = pit ?? restore.oplogTs;
    if (at !== undefined)
      checked.push(
        await checkWindow(calls, source, at, pit !== undefined ? 'what.pointInTimeUTCSeconds' : 'what.oplogTs'),
      );
    // Browsing needs a snapshot: for a point in time Atlas itself refuses a collection it cannot find.
  } else if (restore.snapshotId) {
    checked.push(await checkNames(calls, source, restore.snapshotId, spec));
  }
  return { checked, requests: calls.requests, attempts: Context.current().info.attempt };
}
