// Handlers of the 2026 operations (data-and-limits.openapi.yaml) and the Backup Compliance
// Policy's refusals wrapped around the existing snapshot and cluster handlers.
import { isIP } from 'node:net';
import { ID_PATTERN } from '../../atlas/catalog.js';
import { UpdateSnapshotRetentionRequest } from '../../atlas/schemas.js';
import { parseBody } from '../model/bodies.js';
import {
  compliancePolicy,
  getCompliancePolicy,
  guardClusterDelete,
  guardOnDemandRetention,
  guardRetentionChange,
  guardSnapshotDelete,
} from '../model/compliance.js';
import { SimError, validationError } from '../model/errors.js';
import { createCluster } from '../model/provisioning.js';
import { ENDPOINT_SETS, endpointsOf, type EndpointSet, type RateLimitScope } from '../model/rate-limit-sets.js';
import { CreateClusterRequest, CreateDatabaseUserRequest } from '../model/requests-2026.js';
import { dataHandlers } from './data-operations.js';
import { handlers, type OpContext, type OpResult } from './operations.js';
import type { SimOperationId } from './sim-catalog.js';
import { clusterView } from './views.js';
import { compliancePolicyView, databaseUserView, flexClusterView, rateLimitSetView } from './views-2026.js';

type Handler = (c: OpContext) => OpResult;
const g = (c: OpContext) => c.p.groupId!;
const ok = (body: unknown): OpResult => ({ status: 200, body });

function createDatabaseUser(c: OpContext): OpResult {
  c.m.project(g(c));
  const b = parseBody(CreateDatabaseUserRequest, c.body);
  if (b.groupId !== g(c)) throw validationError('groupId', 'must be the project in the path');
  const types = {
    x509Type: b.x509Type,
    awsIAMType: b.awsIAMType,
    ldapAuthType: b.ldapAuthType,
    oidcAuthType: b.oidcAuthType,
  };
  const external = Object.entries(types).filter(([, v]) => v !== undefined && v !== 'NONE');
  if (external.length > 1) throw validationError(external[1]![0], 'a user has one authentication method');
  if (external.length === 0) {
    if (b.databaseName !== 'admin') throw validationError('databaseName', 'must be admin for a SCRAM user');
    if (b.password === undefined) throw validationError('password', 'is required for a SCRAM user');
  } else {
    if (b.databaseName !== '$external')
      throw validationError('databaseName', `must be $external for ${external[0]![0]} users`);
    if (b.password !== undefined) throw validationError('password', 'is only for SCRAM users');
  }
  const user = c.m.databaseUsers.create(
    g(c),
    {
      groupId: g(c),
      username: b.username,
      databaseName: b.databaseName,
      roles: b.roles,
      scopes: b.scopes ?? [],
      ...(b.description !== undefined ? { description: b.description } : {}),
      ...(b.labels ? { labels: b.labels } : {}),
      ...(b.deleteAfterDate !== undefined ? { deleteAfter: Date.parse(b.deleteAfterDate) } : {}),
      x509Type: b.x509Type ?? 'NONE',
      awsIAMType: b.awsIAMType ?? 'NONE',
      ldapAuthType: b.ldapAuthType ?? 'NONE',
      oidcAuthType: b.oidcAuthType ?? 'NONE',
    },
    b.password,
  );
  return { status: 201, body: databaseUserView(user, c.base) };
}

const SCOPE_PARAMS: [string, RateLimitScope, (v: string) => boolean][] = [
  ['groupId', 'GROUP', (v) => ID_PATTERN.test(v)],
  ['orgId', 'ORGANIZATION', (v) => ID_PATTERN.test(v)],
  ['userId', 'USER', (v) => ID_PATTERN.test(v)],
  ['ipAddress', 'IP', (v) => isIP(v) !== 0],
];

/** The one scope a rate-limit request names (or none), checked: a project must exist. */
function requestedScope(c: OpContext): RateLimitScope | undefined {
  const given = SCOPE_PARAMS.filter(([name]) => c.q.has(name));
  if (given.length > 1)
    throw new SimError(
      400,
      'INVALID_QUERY_PARAMETER',
      `Specify at most one of groupId, orgId, userId and ipAddress; got ${given.map(([n]) => n).join(', ')}.`,
      given.map(([n]) => n),
    );
  const [name, scope, valid] = given[0] ?? [];
  if (!name) return undefined;
  const value = c.q.get(name)!;
  if (!valid!(value))
    throw new SimError(400, 'INVALID_QUERY_PARAMETER', `Invalid query parameter ${name}: ${JSON.stringify(value)}.`, [
      name,
    ]);
  if (name === 'groupId' && !c.m.state.projects[value])
    throw new SimError(403, 'NOT_IN_GROUP', `The caller cannot read group ${value}.`, [value]);
  return scope;
}

function listRateLimits(c: OpContext): OpResult {
  const scope = requestedScope(c);
  const names = c.q.getAll('name');
  const paths = c.q.getAll('endpointPath');
  const sets = ENDPOINT_SETS.filter(
    (s: EndpointSet) =>
      (!scope || s.scope === scope) &&
      (names.length === 0 || names.includes(s.endpointSetName) || names.includes(s.endpointSetId)) &&
      (paths.length === 0 || endpointsOf(s).some((e) => paths.includes(e.path))),
  );
  return { list: sets.map((s) => rateLimitSetView(s, c.rateLimits!)) };
}

function getRateLimit(c: OpContext): OpResult {
  const scope = requestedScope(c);
  const set = ENDPOINT_SETS.find((s) => s.endpointSetId === c.p.endpointSetId && (!scope || s.scope === scope));
  if (!set)
    throw new SimError(
      404,
      'RATE_LIMIT_ENDPOINT_SET_NOT_FOUND',
      `No endpoint set with ID ${c.p.endpointSetId}${scope ? ` in scope ${scope}` : ''} exists.`,
      [c.p.endpointSetId],
    );
  return ok(rateLimitSetView(set, c.rateLimits!));
}

/** The existing handlers with the Backup Compliance Policy's refusals in front. */
const guarded: Partial<Record<SimOperationId, Handler>> = {
  takeSnapshots: (c) => {
    c.m.dedicatedCluster(g(c), c.p.clusterName!);
    const b = c.body as Record<string, unknown> | undefined;
    if (b && typeof b === 'object' && !Array.isArray(b)) guardOnDemandRetention(c.m, g(c), b.retentionInDays);
    return handlers.takeSnapshots(c);
  },
  deleteClusterBackupSnapshot: (c) => {
    guardSnapshotDelete(c.m, c.m.dedicatedCluster(g(c), c.p.clusterName!), c.p.snapshotId!);
    return handlers.deleteClusterBackupSnapshot(c);
  },
  deleteBackupShardedCluster: (c) => {
    guardSnapshotDelete(c.m, c.m.dedicatedCluster(g(c), c.p.clusterName!), c.p.snapshotId!);
    return handlers.deleteBackupShardedCluster(c);
  },
  updateBackupSnapshot: (c) => {
    const cluster = c.m.dedicatedCluster(g(c), c.p.clusterName!);
    if (compliancePolicy(c.m, g(c))) {
      guardRetentionChange(c.m, cluster, c.p.snapshotId!, parseBody(UpdateSnapshotRetentionRequest, c.body));
    }
    return handlers.updateBackupSnapshot(c);
  },
  deleteCluster: (c) => {
    guardClusterDelete(c.m, g(c), c.p.clusterName!, c.q.get('retainBackups'));
    return handlers.deleteCluster(c);
  },
};

const added: Record<Exclude<SimOperationId, keyof typeof handlers | keyof typeof dataHandlers>, Handler> = {
  getCompliancePolicy: (c) => ok(compliancePolicyView(g(c), getCompliancePolicy(c.m, g(c)))),
  createCluster: (c) => {
    c.m.project(g(c));
    const cluster = createCluster(c.m, g(c), parseBody(CreateClusterRequest, c.body));
    return { status: 201, body: clusterView(c.m, cluster, c.base) };
  },
  createDatabaseUser,
  getDatabaseUser: (c) => ok(databaseUserView(c.m.databaseUsers.get(g(c), c.p.databaseName!, c.p.username!), c.base)),
  deleteDatabaseUser: (c) => {
    c.m.databaseUsers.delete(g(c), c.p.databaseName!, c.p.username!);
    return { status: 204 };
  },
  listFlexClusters: (c) => {
    c.m.project(g(c));
    const flex = Object.values(c.m.state.clusters).filter((k) => k.groupId === g(c) && k.kind === 'flex');
    return { list: flex.map((k) => flexClusterView(c.m, k, c.base)) };
  },
  getFlexCluster: (c) => ok(flexClusterView(c.m, c.m.flexCluster(g(c), c.p.name!), c.base)),
  listRateLimits,
  getRateLimit,
};

export const simHandlers: Record<SimOperationId, Handler> = {
  ...handlers,
  ...guarded,
  ...added,
  ...dataHandlers,
};
