// The fuzz of data-and-limits.openapi.yaml: which of its operations the simulator serves, the spec
// with its enums restored, and real resources behind every path parameter.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { dataCatalog, simCatalog, simOperationIds, SPEC_NAMES } from '../../../src/simulator/http/sim-catalog.js';
import { DEMO_IDS, type RunningSimulator } from '../../../src/simulator/index.js';
import { until } from '../helpers.js';

const SPEC = fileURLToPath(new URL('../../../atlas-spec/atlas-api/data-and-limits.openapi.yaml', import.meta.url));
const G = DEMO_IDS.projectId;

/** Operations of the spec the simulator does not serve yet: excluded from the fuzz while unserved. */
export const NOT_YET_SERVED: string[] = [];

/** Documents the data fuzz's simulator seeds into its replica set (browsed and restored by the fuzz). */
export const FUZZ_DATA = { [DEMO_IDS.replicaSet]: { fuzzdb: { items: 40, notes: 10 } } };

/** What the data plane holds for the fuzz: a captured snapshot and a finished collection restore job. */
export interface DataPlaneSeed {
  snapshotId: string;
  jobId: string;
}

type SpecDoc = {
  paths: Record<string, Record<string, { operationId?: string }>>;
  components: { schemas: Record<string, { properties?: Record<string, Record<string, unknown>> }> };
};
const load = () => parse(readFileSync(SPEC, 'utf8')) as SpecDoc;

/** The spec's operations: id and path template. */
export function specOperations(): { id: string; path: string }[] {
  return Object.entries(load().paths).flatMap(([path, ops]) =>
    Object.values(ops).flatMap((o) => (o.operationId ? [{ id: o.operationId, path }] : [])),
  );
}

/** Spec operation id → the simulator's operation (the spec names listProjects listGroups). */
export function servedBySimulator(): Map<string, { specVersion: string; path: string }> {
  return new Map(simOperationIds.map((id) => [SPEC_NAMES[id] ?? id, simCatalog[id]]));
}

/** What to leave out: the listed operations the simulator does not serve yet. */
export function excludedOperations(): string[] {
  const served = servedBySimulator();
  return NOT_YET_SERVED.filter((id) => !served.has(id));
}

/** Enums NOTES.md (e) restores, so generated database users can be valid. */
const REQUEST_ENUMS: [string, string, string[]][] = [
  ['CloudDatabaseUser', 'databaseName', ['admin', '$external']],
  ['CloudDatabaseUser', 'x509Type', ['NONE', 'MANAGED', 'CUSTOMER']],
  ['CloudDatabaseUser', 'awsIAMType', ['NONE', 'USER', 'ROLE']],
  ['CloudDatabaseUser', 'ldapAuthType', ['NONE', 'USER', 'GROUP']],
  ['CloudDatabaseUser', 'oidcAuthType', ['NONE', 'IDP_GROUP', 'USER']],
  ['UserScope', 'type', ['CLUSTER', 'DATA_LAKE', 'STREAM']],
];

export function writeDataSpec(dir: string): string {
  const spec = load();
  for (const [schema, prop, values] of REQUEST_ENUMS) {
    const target = spec.components.schemas[schema]?.properties?.[prop];
    if (!target) throw new Error(`fuzz spec: ${schema}.${prop} is not in data-and-limits`);
    target.enum = values;
  }
  const file = join(dir, 'data-and-limits.openapi.json');
  writeFileSync(file, JSON.stringify(spec));
  return file;
}

/**
 * Seeds two database users (one to delete) and returns the path parameters of every served
 * operation: browsing and collection restore jobs get the seeded snapshot, database, collection,
 * job and namespace.
 */
export async function seedDataParams(
  sim: RunningSimulator,
  token: string,
  { snapshotId, jobId }: DataPlaneSeed,
): Promise<{ params: Record<string, Record<string, string>>; ops: { id: string; specVersion: string }[] }> {
  for (const username of ['fuzz-user', 'fuzz-doomed-user']) {
    const res = await fetch(`${sim.url}/api/atlas/v2/groups/${G}/databaseUsers`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/vnd.atlas.2023-01-01+json',
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        username,
        databaseName: 'admin',
        groupId: G,
        password: `fuzz-${Math.random().toString(36).slice(2)}`,
        roles: [{ roleName: 'read', databaseName: 'app' }],
      }),
    });
    if (res.status !== 201) throw new Error(`fuzz seed: createDatabaseUser ${username} answered ${res.status}`);
  }
  const defaults: Record<string, string> = {
    groupId: G,
    clusterName: DEMO_IDS.replicaSet,
    snapshotId,
    databaseName: 'admin',
    username: 'fuzz-user',
    name: DEMO_IDS.flex,
    endpointSetId: 'cloudBackups_group',
  };
  const browse = { databaseName: 'fuzzdb', collectionName: 'items', jobId, sourceNamespace: 'fuzzdb.items' };
  const own: Record<string, Record<string, string>> = {
    deleteDatabaseUser: { username: 'fuzz-doomed-user' },
    ...Object.fromEntries(Object.keys(dataCatalog).map((id) => [id, browse])),
  };
  const served = servedBySimulator();
  const ops = specOperations().filter((o) => served.has(o.id));
  const params = Object.fromEntries(
    ops.map((o) => {
      const names = [...o.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      return [o.id, Object.fromEntries(names.map((n) => [n, own[o.id]?.[n] ?? defaults[n] ?? 'fuzz']))];
    }),
  );
  return { params, ops: ops.map((o) => ({ id: o.id, specVersion: served.get(o.id)!.specVersion })) };
}

/** Takes a snapshot of the seeded replica set, waits for its capture, and restores one collection from it. */
export async function seedDataPlane(sim: RunningSimulator, token: string): Promise<DataPlaneSeed> {
  const base = `${sim.url}/api/atlas/v2/groups/${G}/clusters/${DEMO_IDS.replicaSet}`;
  const call = async (op: keyof typeof simCatalog, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method: simCatalog[op].method,
      headers: {
        authorization: `Bearer ${token}`,
        accept: `application/vnd.atlas.${simCatalog[op].version}+json`,
        'content-type': 'application/json',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status >= 300) throw new Error(`fuzz seed: ${op} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as Record<string, unknown>;
  };
  const { id: snapshotId } = (await call('takeSnapshots', '/backup/snapshots', {})) as { id: string };
  await until(
    () => call('getClusterBackupSnapshot', `/backup/snapshots/${snapshotId}`),
    (s) => s.status === 'completed',
    60_000,
  );
  const { id: jobId } = (await call('createCollectionRestoreJob', '/collectionRestoreJobs', {
    snapshotId,
    targetGroupId: G,
    targetClusterName: DEMO_IDS.replicaSet,
    writeStrategy: 'CREATE_NEW',
    indexStrategy: 'ALL',
    collections: [{ sourceNamespace: 'fuzzdb.items' }],
  })) as { id: string };
  await until(
    () => call('getCollectionRestoreJob', `/collectionRestoreJobs/${jobId}`),
    (j) => j.state === 'SUCCESSFUL' || j.state === 'FAILED',
    60_000,
  );
  return { snapshotId, jobId };
}
