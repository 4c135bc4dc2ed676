// Validates Atlas response bodies against cloud-backups.openapi.yaml (enums from NOTES.md added,
// since the published spec strips them). Shared by every suite that talks to Atlas or the simulator.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

const specPath = (file: string) => fileURLToPath(new URL(`../../atlas-spec/atlas-api/${file}`, import.meta.url));
const SPEC_PATH = specPath('cloud-backups.openapi.yaml');
/** The 2026 operations (database users, compliance policy, rate limits, clusters, flex, data browsing). */
export const DATA_SPEC_PATH = specPath('data-and-limits.openapi.yaml');
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
const BACKUP_ENUMS: Record<string, Record<string, string[]>> = {
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
/** NOTES.md (d), (e) and the rate-limit scopes of (c). */
const DATA_ENUMS: Record<string, Record<string, string[]>> = {
  CloudDatabaseUser: {
    databaseName: ['admin', '$external'],
    x509Type: ['NONE', 'MANAGED', 'CUSTOMER'],
    awsIAMType: ['NONE', 'USER', 'ROLE'],
    ldapAuthType: ['NONE', 'USER', 'GROUP'],
    oidcAuthType: ['NONE', 'IDP_GROUP', 'USER'],
  },
  UserScope: { type: ['CLUSTER', 'DATA_LAKE', 'STREAM'] },
  DataProtectionSettings20231001: { state: ['ACTIVE', 'ENABLING', 'UPDATING', 'DISABLING'] },
  RateLimitEndpointSetResponse: { scope: ['GROUP', 'ORGANIZATION', 'USER', 'IP'] },
};
const ENUMS_OF: Record<string, Record<string, Record<string, string[]>>> = {
  [SPEC_PATH]: BACKUP_ENUMS,
  [DATA_SPEC_PATH]: DATA_ENUMS,
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
const loadedSpecs = new Map<string, Loaded>();

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

const readSpec = (path: string) => parse(readFileSync(path, 'utf8')) as SpecFile;

/**
 * A spec by path. The backup spec also answers for the data spec's operations it lacks (snapshot
 * browsing, collection restore jobs); where both describe a path or schema, the backup spec's wins.
 */
function load(path = SPEC_PATH): Loaded {
  const cached = loadedSpecs.get(path);
  if (cached) return cached;
  const spec = readSpec(path);
  if (path === SPEC_PATH) {
    const data = readSpec(DATA_SPEC_PATH);
    spec.components.schemas = { ...data.components.schemas, ...spec.components.schemas };
    spec.paths = { ...data.paths, ...spec.paths };
  }
  const schemas = spec.components.schemas;
  for (const [name, props] of Object.entries(ENUMS_OF[path] ?? {})) {
    for (const [prop, values] of Object.entries(props)) {
      const schema = schemas[name];
      if (!schema) throw new Error(`openapi-validator: schema ${name} is not in the spec`);
      const target = schema.properties?.[prop];
      if (target) target.enum = values; // the shared snapshot enums name some fields a schema lacks
    }
  }
  // OpenAPI: a required writeOnly property is required in requests only; these are responses.
  for (const schema of Object.values(schemas)) {
    const req = schema.required as string[] | undefined;
    if (req) schema.required = req.filter((k) => schema.properties?.[k]?.writeOnly !== true);
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
  const loaded = { ajv, responses, cache: new Map() };
  loadedSpecs.set(path, loaded);
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
export function checkResponse(operationId: string, status: number, body: unknown, spec = SPEC_PATH): string[] {
  const l = load(spec);
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
export function validateResponse(operationId: string, status: number, body: unknown, spec = SPEC_PATH): void {
  const errors = checkResponse(operationId, status, body, spec);
  if (errors.length)
    throw new Error(
      `${operationId} ${status} response does not match the spec:\n  ${errors.join('\n  ')}\n` +
        JSON.stringify(body).slice(0, 2000),
    );
}
