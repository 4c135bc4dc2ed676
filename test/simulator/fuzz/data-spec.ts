// The fuzz of data-and-limits.openapi.yaml: which of its operations the simulator serves, the spec
// with its enums restored, and real resources behind every path parameter.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { simCatalog, simOperationIds, SPEC_NAMES } from '../../../src/simulator/http/sim-catalog.js';
import { DEMO_IDS, type RunningSimulator } from '../../../src/simulator/index.js';

const SPEC = fileURLToPath(new URL('../../../atlas-spec/atlas-api/data-and-limits.openapi.yaml', import.meta.url));
const G = DEMO_IDS.projectId;

/**
 * Operations of the spec the simulator does not serve yet (the data plane's snapshot browsing and
 * collection restore jobs): excluded from the fuzz while unserved, fuzzed as soon as they are.
 */
export const NOT_YET_SERVED = [
  'listBackupSnapshotDatabases',
  'getBackupSnapshotDatabase',
  'listSnapshotDatabaseCollections',
  'getSnapshotDatabaseCollection',
  'listCollectionRestoreJobs',
  'createCollectionRestoreJob',
  'getCollectionRestoreJob',
  'listRestoreJobCollections',
  'getRestoreJobCollection',
];

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

/** Seeds two database users (one to delete) and returns the path parameters of every served operation. */
export async function seedDataParams(
  sim: RunningSimulator,
  token: string,
  snapshotId: string,
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
  const own: Record<string, Record<string, string>> = { deleteDatabaseUser: { username: 'fuzz-doomed-user' } };
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
