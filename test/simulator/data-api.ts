// A caller for every operation the simulator serves, over real HTTP, validating each response
// against the spec file that documents the operation (the 2026 ones: data-and-limits.openapi.yaml).
import { catalog } from '../../src/atlas/catalog.js';
import { simCatalog, SPEC_NAMES, type SimOperationId } from '../../src/simulator/http/sim-catalog.js';
import type { RunningSimulator } from '../../src/simulator/index.js';
import type { Reply } from './helpers.js';
import { DATA_SPEC_PATH, validateResponse } from './openapi-validator.js';

/** Client operations that data-and-limits.openapi.yaml documents, not cloud-backups.openapi.yaml. */
export const IN_DATA_SPEC: ReadonlySet<SimOperationId> = new Set<SimOperationId>([
  'listClusters',
  'getCompliancePolicy',
  'createDatabaseUser',
  'deleteDatabaseUser',
  'listBackupSnapshotDatabases',
  'listSnapshotDatabaseCollections',
  'listRateLimits',
]);

export class SimApi {
  constructor(
    readonly sim: RunningSimulator,
    readonly token: string,
  ) {}

  async call(
    op: SimOperationId,
    params: Record<string, string>,
    o: { body?: unknown; query?: string } = {},
  ): Promise<Reply> {
    const info = simCatalog[op];
    const path = info.path.replace(/\{(\w+)\}/g, (_, k: string) => encodeURIComponent(params[k]!));
    const res = await fetch(`${this.sim.url}${path}${o.query ? `?${o.query}` : ''}`, {
      method: info.method,
      headers: {
        authorization: `Bearer ${this.token}`,
        accept: `application/vnd.atlas.${info.version}+json`,
        ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: o.body === undefined ? undefined : JSON.stringify(o.body),
    });
    const text = await res.text();
    const body = text ? JSON.parse(text) : undefined;
    const inBackupSpec = op in catalog && !SPEC_NAMES[op] && !IN_DATA_SPEC.has(op);
    if (inBackupSpec) validateResponse(op, res.status, body);
    else validateResponse(SPEC_NAMES[op] ?? op, res.status, body, DATA_SPEC_PATH);
    return { status: res.status, body, headers: res.headers, text };
  }
}
