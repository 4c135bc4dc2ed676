// Response bodies of the 2026 operations the simulator alone serves (data-and-limits.openapi.yaml).
import type { CompliancePolicy } from '../model/compliance.js';
import type { DatabaseUser } from '../model/database-users.js';
import { iso } from '../model/dates.js';
import type { Model } from '../model/model.js';
import { endpointsOf, type EndpointSet } from '../model/rate-limit-sets.js';
import type { Cluster } from '../model/types.js';
import type { TokenBuckets } from './token-buckets.js';

const self = (href: string) => [{ rel: 'self', href }];

/** Write-only fields stay in: the password (nor its hash) and groupId, as the spec marks them. */
export function databaseUserView(u: DatabaseUser, base: string): Record<string, unknown> {
  const names = `${encodeURIComponent(u.databaseName)}/${encodeURIComponent(u.username)}`;
  return {
    username: u.username,
    databaseName: u.databaseName,
    roles: u.roles.map((r) => ({ ...r })),
    scopes: u.scopes.map((s) => ({ ...s })),
    labels: u.labels ?? [],
    ...(u.description !== undefined ? { description: u.description } : {}),
    ...(u.deleteAfter !== undefined ? { deleteAfterDate: iso(u.deleteAfter) } : {}),
    x509Type: u.x509Type,
    awsIAMType: u.awsIAMType,
    ldapAuthType: u.ldapAuthType,
    oidcAuthType: u.oidcAuthType,
    links: self(`${base}/api/atlas/v2/groups/${u.groupId}/databaseUsers/${names}`),
  };
}

export function compliancePolicyView(groupId: string, p: CompliancePolicy): Record<string, unknown> {
  return {
    projectId: groupId,
    authorizedEmail: p.authorizedEmail,
    authorizedUserFirstName: p.authorizedUserFirstName,
    authorizedUserLastName: p.authorizedUserLastName,
    copyProtectionEnabled: p.copyProtectionEnabled,
    encryptionAtRestEnabled: p.encryptionAtRestEnabled,
    pitEnabled: p.pitEnabled,
    restoreWindowDays: p.restoreWindowDays,
    deletable: false,
    state: p.state,
    ...(p.onDemandPolicyItem ? { onDemandPolicyItem: { ...p.onDemandPolicyItem } } : {}),
    scheduledPolicyItems: p.scheduledPolicyItems.map((i) => ({ ...i })),
    updatedDate: iso(p.updatedDate),
    updatedUser: p.updatedUser,
  };
}

export function flexClusterView(m: Model, c: Cluster, base: string): Record<string, unknown> {
  return {
    id: c.id,
    groupId: c.groupId,
    name: c.name,
    clusterType: 'REPLICASET',
    stateName: m.clusterStateName(c),
    createDate: iso(c.createdAt),
    mongoDBVersion: c.mongoDBVersion,
    versionReleaseSystem: 'LTS',
    terminationProtectionEnabled: c.terminationProtectionEnabled ?? false,
    backupSettings: { enabled: true },
    providerSettings: {
      backingProviderName: c.provider,
      providerName: 'FLEX',
      regionName: 'US_EAST_1',
      diskSizeGB: 5,
    },
    tags: c.tags ?? [],
    links: self(`${base}/api/atlas/v2/groups/${c.groupId}/flexClusters/${c.name}`),
  };
}

export function rateLimitSetView(set: EndpointSet, buckets: TokenBuckets): Record<string, unknown> {
  const l = buckets.limits(set);
  const value = (v: number, d: number) => (l.overridden ? { value: v, defaultValue: d } : { value: v });
  return {
    endpointSetId: set.endpointSetId,
    endpointSetName: set.endpointSetName,
    scope: set.scope,
    endpoints: endpointsOf(set),
    capacity: value(l.capacity, set.capacity),
    refillRate: value(l.refillRate, set.refillRate),
    refillDurationSeconds: value(l.refillDurationSeconds, set.refillDurationSeconds),
  };
}
