// Shared by the data plane tests: calls to the simulator validated against the spec, a driver
// through a cluster's connection string, a completed snapshot, and a cluster's contents.
import { MongoClient } from 'mongodb';
import type { RunningSimulator } from '../../src/simulator/index.js';
import { simCatalog, type SimOperationId } from '../../src/simulator/http/sim-catalog.js';
import { until } from './helpers.js';
import { validateResponse } from './openapi-validator.js';

export const G = '65f1a0c0a1b2c3d4e5f6d001';
export const seed = {
  projects: [{ id: G, clusters: ['src', 'dst', 'other'].map((name) => ({ name, kind: 'replicaSet' as const })) }],
  data: { src: { app: { users: 1_500, orders: 800 }, logs: { lines: 300 } }, other: { private: { notes: 5 } } },
};

export async function call(
  sim: RunningSimulator,
  op: SimOperationId,
  p: Record<string, string>,
  body?: unknown,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Promise<any> {
  const info = simCatalog[op];
  const path = info.path.replace(/\{(\w+)\}/g, (_, k: string) => encodeURIComponent(p[k] ?? ''));
  const res = await fetch(`${sim.url}${path}`, {
    method: info.method,
    headers: { accept: `application/vnd.atlas.${info.version}+json`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  validateResponse(op, res.status, json);
  return { status: res.status, ...json };
}

export async function driver(sim: RunningSimulator, name: string): Promise<MongoClient> {
  const c = await call(sim, 'getCluster', { groupId: G, clusterName: name });
  return new MongoClient(c.connectionStrings.standard, { directConnection: true }).connect();
}

export async function snapshot(sim: RunningSimulator, name: string): Promise<string> {
  const p = { groupId: G, clusterName: name };
  const s = await call(sim, 'takeSnapshots', p, {});
  await until(
    () => call(sim, 'getClusterBackupSnapshot', { ...p, snapshotId: s.id }),
    (x) => x.status === 'completed',
    60_000,
  );
  return s.id;
}

/** An automated restore of a snapshot of `source` into `target`, waited for until it finishes. */
export async function automatedRestore(
  sim: RunningSimulator,
  source: string,
  snapshotId: string,
  target: string,
): Promise<{ failed?: boolean; finishedAt?: string }> {
  const p = { groupId: G, clusterName: source };
  const job = await call(sim, 'createBackupRestoreJob', p, {
    deliveryType: 'automated',
    snapshotId,
    targetGroupId: G,
    targetClusterName: target,
  });
  return until(
    () => call(sim, 'getBackupRestoreJob', { ...p, restoreJobId: job.id }),
    (r) => Boolean(r.finishedAt),
    60_000,
  );
}

export async function contents(client: MongoClient): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const { databases } = await client.db('admin').admin().listDatabases({ nameOnly: true });
  for (const { name } of databases.filter((d) => !['admin', 'local', 'config'].includes(d.name)))
    for (const c of await client.db(name).listCollections().toArray())
      out[`${name}.${c.name}`] = await client.db(name).collection(c.name).countDocuments();
  return out;
}
