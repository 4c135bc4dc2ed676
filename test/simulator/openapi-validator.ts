// Validates Atlas response bodies against cloud-backups.openapi.yaml (enums from NOTES.md added,
// since the published spec strips them). Shared by every suite that talks to Atlas or the simulator.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

const SPEC_PATH = fileURLToPath(new URL('../../contract/atlas-api/cloud-backups.openapi.yaml', import.meta.url));
/** The 2026 data-level operations; its components add to (never replace) the first spec's. */
const DATA_SPEC_PATH = fileURLToPath(new URL('../../contract/atlas-api/data-and-limits.openapi.yaml', import.meta.url));
const COLLECTION_RESTORE_STATES = ['INITIALIZING', 'IN_PROGRESS', 'FINALIZING', 'SUCCESSFUL', 'FAILED', 'CANCELED'];

type Schema = Record<string, unknown> & { properties?: Record<string, Record<string, unknown>> };

const SNAPSHOT_ENUMS = {
  status: ['queued', 'inProgress', 'completed', 'failed'],
  snapshotType: ['onDemand', 'scheduled'],
  frequencyType: ['hourly', 'daily', 'weekly', 'monthly', 'yearly'],
  cloudProvider: ['AWS', 'AZURE', 'GCP'],
  configServerType: ['EMBEDDED', 'DEDICATED'],
};
const FLEX_STATUS = ['PENDING', 'QUEUED', 'RUNNING', 'FAILED', 'COMPLETED'];

/** Enums from NOTES.md, per schema and property. */
const ENUMS: Record<string, Record<string, string[]>> = {
  DiskBackupSnapshot: { ...SNAPSHOT_ENUMS, type: ['replicaSet', 'shardedCluster'] },
  DiskBackupReplicaSet: { ...SNAPSHOT_ENUMS, type: ['replicaSet'] },
  DiskBackupShardedClusterSnapshot: { ...SNAPSHOT_ENUMS, type: ['shardedCluster'] },
  DiskBackupShardedClusterSnapshotMember: { cloudProvider: SNAPSHOT_ENUMS.cloudProvider },
  ServerlessBackupSnapshot: SNAPSHOT_ENUMS,
  DiskBackupExportJob: { state: ['Queued', 'InProgress', 'Successful', 'Failed', 'Cancelled'] },
  DiskBackupSnapshotRestoreJob: { deliveryType: ['automated', 'download', 'pointInTime'] },
  ServerlessBackupRestoreJob: { deliveryType: ['automated', 'download', 'pointInTime'] },
  FlexBackupSnapshot20241113: { status: FLEX_STATUS },
  FlexBackupRestoreJob20241113: { status: FLEX_STATUS },
  DiskBackupSnapshotExportBucketResponse: { cloudProvider: SNAPSHOT_ENUMS.cloudProvider },
  ApiAtlasCollectionRestoreJobResponse: {
    state: COLLECTION_RESTORE_STATES,
    writeStrategy: ['CREATE_NEW', 'OVERWRITE_EXISTING'],
    indexStrategy: ['ALL', 'NONE', 'ALL_EXCEPT_TTL'],
  },
  ApiAtlasCollectionRestoreCollectionStateResponse: { state: COLLECTION_RESTORE_STATES },
};

/** Errors this project relies on carrying every documented field, not just the spec's required two. */
const STRICT_ERROR = {
  type: 'object',
  required: ['error', 'errorCode', 'detail', 'reason', 'parameters'],
  properties: {
    error: { type: 'integer' },
    errorCode: { type: 'string', pattern: '^[A-Z0-9_]+$' },
    detail: { type: 'string' },
    reason: { type: 'string' },
    parameters: { type: 'array' },
  },
};
const TOKEN = {
  type: 'object',
  required: ['access_token', 'token_type', 'expires_in'],
  properties: {
    access_token: { type: 'string', minLength: 16 },
    token_type: { const: 'Bearer' },
    expires_in: { type: 'integer', minimum: 1 },
  },
};

interface Loaded {
  ajv: Ajv;
  responses: Map<string, Map<string, string | null>>;
  cache: Map<string, ValidateFunction>;
}
let loaded: Loaded | undefined;

interface SpecFile {
  paths: Record<
    string,
    Record<
      string,
      { operationId: string; responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }> }
    >
  >;
  components: { schemas: Record<string, Schema> };
}

function load(): Loaded {
  if (loaded) return loaded;
  const [spec, data] = [SPEC_PATH, DATA_SPEC_PATH].map((path) => parse(readFileSync(path, 'utf8')) as SpecFile) as [
    SpecFile,
    SpecFile,
  ];
  spec.components.schemas = { ...data.components.schemas, ...spec.components.schemas };
  spec.paths = { ...spec.paths, ...data.paths };
  const schemas = spec.components.schemas;
  for (const [name, props] of Object.entries(ENUMS)) {
    for (const [prop, values] of Object.entries(props)) {
      const schema = schemas[name];
      if (!schema) throw new Error(`openapi-validator: schema ${name} is not in the spec`);
      const target = schema.properties?.[prop];
      if (target) target.enum = values; // the shared snapshot enums name some fields a schema lacks
    }
  }
  // The spec's "pattern" for prefix is a documentation template (/exported_snapshots/{ORG-NAME}/...),
  // not a regex any real prefix matches; keep it a string.
  delete schemas.DiskBackupExportJob?.properties?.prefix?.pattern;

  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  (addFormatsModule as unknown as (a: Ajv) => void)(ajv);
  ajv.addSchema({ $id: 'atlas', components: { schemas } });
  const responses = new Map<string, Map<string, string | null>>();
  for (const ops of Object.values(spec.paths)) {
    for (const op of Object.values(ops)) {
      const byStatus = new Map<string, string | null>();
      for (const [status, r] of Object.entries(op.responses)) {
        const content = r.content ? Object.values(r.content)[0] : undefined;
        byStatus.set(status, content?.schema?.$ref ?? null);
      }
      responses.set(op.operationId, byStatus);
    }
  }
  loaded = { ajv, responses, cache: new Map() };
  return loaded;
}

function validatorFor(l: Loaded, key: string, schema: object): ValidateFunction {
  let v = l.cache.get(key);
  if (!v) {
    v = l.ajv.compile(schema);
    l.cache.set(key, v);
  }
  return v;
}

/** Errors (empty when valid) of `body` as the response of `operationId` with HTTP `status`. */
export function checkResponse(operationId: string, status: number, body: unknown): string[] {
  const l = load();
  let v: ValidateFunction;
  if (operationId === 'oauthToken') {
    if (status !== 200) return [];
    v = validatorFor(l, 'token', TOKEN);
  } else if (status >= 400) {
    v = validatorFor(l, 'error', STRICT_ERROR);
    const spec = validatorFor(l, 'ApiError', { $ref: 'atlas#/components/schemas/ApiError' });
    if (!spec(body)) return (spec.errors ?? []).map((e) => `ApiError${e.instancePath} ${e.message}`);
  } else {
    const byStatus = l.responses.get(operationId);
    if (!byStatus) return [`unknown operationId ${operationId}`];
    if (!byStatus.has(String(status))) return [`status ${status} is not a documented response of ${operationId}`];
    const ref = byStatus.get(String(status));
    if (!ref)
      return body === undefined || body === '' || body === null
        ? []
        : [`${operationId} ${status} has no body in the spec`];
    v = validatorFor(l, ref, { $ref: `atlas${ref}` });
  }
  return v(body)
    ? []
    : (v.errors ?? []).map((e) => {
        const allowed = e.params && 'allowedValues' in e.params ? ` ${JSON.stringify(e.params.allowedValues)}` : '';
        return `${e.instancePath || '(root)'} ${e.message}${allowed}`;
      });
}

/** Throws, naming every violation, if `body` does not validate. */
export function validateResponse(operationId: string, status: number, body: unknown): void {
  const errors = checkResponse(operationId, status, body);
  if (errors.length)
    throw new Error(
      `${operationId} ${status} response does not match the spec:\n  ${errors.join('\n  ')}\n` +
        JSON.stringify(body).slice(0, 2000),
    );
}
