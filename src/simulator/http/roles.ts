// Atlas's role check, at its minimum: a credential configured with `roles` may call only the
// operations one of its roles grants; one without `roles` may call everything (every other test's
// credentials). What each operation needs follows the roles Atlas documents for it (x-rolesRequirements):
// backup jobs need Project Backup Manager, changes to database users Project Database Access Admin, the
// compliance policy Project Owner, listing projects an organization role; reads of clusters and of
// database users any project role.
import { SimError } from '../model/errors.js';
import type { SimOperationId } from './sim-catalog.js';

export type AtlasRole =
  | 'ORG_OWNER'
  | 'ORG_READ_ONLY'
  | 'GROUP_OWNER'
  | 'GROUP_BACKUP_MANAGER'
  | 'GROUP_DATABASE_ACCESS_ADMIN'
  | 'GROUP_CLUSTER_MANAGER'
  | 'GROUP_READ_ONLY';

const OWNER_ONLY = new Set<SimOperationId>(['getCompliancePolicy', 'createExportBucket', 'deleteExportBucket']);
const DB_USERS = new Set<SimOperationId>(['createDatabaseUser', 'deleteDatabaseUser']);
const READ_ONLY = new Set<SimOperationId>([
  'getCluster',
  'listClusters',
  'listFlexClusters',
  'getFlexCluster',
  'getDatabaseUser',
]);
const CLUSTER_CHANGES = new Set<SimOperationId>(['createCluster', 'updateCluster', 'deleteCluster']);
const ANY = new Set<SimOperationId>(['listRateLimits', 'getRateLimit']);

/** The role an operation needs (undefined: any authenticated caller). */
export function roleFor(op: SimOperationId): AtlasRole | undefined {
  if (ANY.has(op)) return undefined;
  if (op === 'listProjects') return 'ORG_READ_ONLY';
  if (OWNER_ONLY.has(op)) return 'GROUP_OWNER';
  if (DB_USERS.has(op)) return 'GROUP_DATABASE_ACCESS_ADMIN';
  if (READ_ONLY.has(op)) return 'GROUP_READ_ONLY';
  if (CLUSTER_CHANGES.has(op)) return 'GROUP_CLUSTER_MANAGER';
  return 'GROUP_BACKUP_MANAGER';
}

/** Owners hold every role of their level; any project role reads the project; an org owner holds all. */
function grants(held: readonly string[], need: AtlasRole): boolean {
  if (held.includes(need) || held.includes('ORG_OWNER')) return true;
  if (need.startsWith('GROUP_') && held.includes('GROUP_OWNER')) return true;
  return need === 'GROUP_READ_ONLY' && held.some((r) => r.startsWith('GROUP_'));
}

/** The 403 Atlas answers a caller whose roles do not allow the operation, or undefined. */
export function roleRefusal(held: readonly string[] | undefined, op: SimOperationId): SimError | undefined {
  const need = roleFor(op);
  if (!held || !need || grants(held, need)) return undefined;
  return new SimError(403, 'USER_UNAUTHORIZED', 'Current user is not authorized to perform this action.', []);
}
