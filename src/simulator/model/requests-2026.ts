// Request bodies of the 2026 operations the simulator alone serves (createDatabaseUser,
// createCluster), as zod schemas so parseBody turns the first problem into Atlas's 400.
import { z } from 'zod';
import { CLUSTER_NAME_PATTERN, ID_PATTERN } from '../../atlas/catalog.js';

const Role = z.strictObject({
  roleName: z.string().min(1, 'must not be empty'),
  databaseName: z.string().min(1, 'must not be empty'),
  collectionName: z.string().optional(),
});
const Scope = z.strictObject({
  name: z.string().regex(CLUSTER_NAME_PATTERN, 'must match ^[a-zA-Z0-9][a-zA-Z0-9-]*$'),
  type: z.enum(['CLUSTER', 'DATA_LAKE', 'STREAM']),
});

export const CreateDatabaseUserRequest = z.strictObject({
  username: z.string().min(1, 'must not be empty').max(1024, 'must be at most 1024 characters'),
  databaseName: z.enum(['admin', '$external']),
  groupId: z.string().regex(ID_PATTERN, 'must be a 24-hex-digit id'),
  roles: z.array(Role).min(1, 'must name at least one role'),
  scopes: z.array(Scope).optional(),
  // The password is never echoed: zod's messages name the rule, not the value.
  password: z.string().min(8, 'must be at least 8 characters').optional(),
  deleteAfterDate: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date and time' }).optional(),
  description: z.string().max(100, 'must be at most 100 characters').optional(),
  labels: z.array(z.strictObject({ key: z.string().optional(), value: z.string().optional() })).optional(),
  x509Type: z.enum(['NONE', 'MANAGED', 'CUSTOMER']).optional(),
  awsIAMType: z.enum(['NONE', 'USER', 'ROLE']).optional(),
  ldapAuthType: z.enum(['NONE', 'USER', 'GROUP']).optional(),
  oidcAuthType: z.enum(['NONE', 'IDP_GROUP', 'USER']).optional(),
});
export type CreateDatabaseUserRequest = z.infer<typeof CreateDatabaseUserRequest>;

const Provider = z.enum(['AWS', 'AZURE', 'GCP', 'TENANT', 'FLEX']);

/** createCluster: the fields the simulator models; Atlas accepts the whole description. */
export const CreateClusterRequest = z.looseObject({
  name: z
    .string()
    .regex(CLUSTER_NAME_PATTERN, 'must match ^[a-zA-Z0-9][a-zA-Z0-9-]*$')
    .max(64, 'must be at most 64 characters'),
  clusterType: z.enum(['REPLICASET', 'SHARDED', 'GEOSHARDED']).optional(),
  backupEnabled: z.boolean().optional(),
  pitEnabled: z.boolean().optional(),
  paused: z.boolean().optional(),
  terminationProtectionEnabled: z.boolean().optional(),
  tags: z.array(z.strictObject({ key: z.string().min(1), value: z.string().min(1) })).optional(),
  replicationSpecs: z
    .array(
      z.looseObject({
        regionConfigs: z.array(z.looseObject({ providerName: Provider.optional() })).optional(),
      }),
    )
    .optional(),
});
export type CreateClusterRequest = z.infer<typeof CreateClusterRequest>;
