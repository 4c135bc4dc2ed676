// Zod schemas for the Atlas cloud-backup resources: the single source of their TypeScript types.
// Responses are loose objects (Atlas adds fields; we keep them) and lenient where Atlas marks a
// field optional; ids and status fields are what callers branch on, so those are checked.
// Enums come from NOTES.md (the published spec strips them).
import { z } from 'zod';
import { CLUSTER_NAME_PATTERN, ID_PATTERN } from '../contract/ids.js';

export const AtlasId = z.string().regex(ID_PATTERN, 'must be a 24-hex-digit id');
export const ClusterName = z.string().regex(CLUSTER_NAME_PATTERN, 'must match ^[a-zA-Z0-9][a-zA-Z0-9-]*$');
const DateTime = z.string();

export const Link = z.looseObject({ href: z.string().optional(), rel: z.string().optional() });
const links = z.array(Link).optional();

// ---- Snapshots (dedicated clusters) -------------------------------------------------------

export const SnapshotStatus = z.enum(['queued', 'inProgress', 'completed', 'failed']);
export const SnapshotType = z.enum(['onDemand', 'scheduled']);
export const CloudProvider = z.enum(['AWS', 'AZURE', 'GCP']);
// Descriptive fields nobody branches on stay plain strings: Atlas returns values beyond the
// documented lists (on-demand snapshots carry frequencyType "ondemand").
/** Documented: hourly, daily, weekly, monthly, yearly; on-demand snapshots say "ondemand". */
export const FrequencyType = z.string();
const ProviderName = z.string();

const snapshotCommon = {
  id: AtlasId,
  status: SnapshotStatus,
  createdAt: DateTime.optional(),
  description: z.string().optional(),
  expiresAt: DateTime.optional(),
  frequencyType: FrequencyType.optional(),
  links,
  masterKeyUUID: z.string().optional(),
  mongodVersion: z.string().optional(),
  policyItems: z.array(z.string()).optional(),
  snapshotType: SnapshotType.optional(),
  storageSizeBytes: z.number().int().optional(),
};

export const ReplicaSetSnapshot = z.looseObject({
  ...snapshotCommon,
  type: z.literal('replicaSet'),
  cloudProvider: ProviderName.optional(),
  copyRegions: z.array(z.string()).optional(),
  replicaSetName: z.string().optional(),
});
export type ReplicaSetSnapshot = z.infer<typeof ReplicaSetSnapshot>;

export const ShardedSnapshotMember = z.looseObject({
  cloudProvider: ProviderName,
  id: AtlasId,
  replicaSetName: z.string(),
});

export const ShardedSnapshot = z.looseObject({
  ...snapshotCommon,
  type: z.literal('shardedCluster'),
  configServerType: z.string().optional(), // EMBEDDED or DEDICATED
  members: z.array(ShardedSnapshotMember).optional(),
  snapshotIds: z.array(AtlasId).optional(),
});
export type ShardedSnapshot = z.infer<typeof ShardedSnapshot>;

export const Snapshot = z.discriminatedUnion('type', [ReplicaSetSnapshot, ShardedSnapshot]);
export type Snapshot = z.infer<typeof Snapshot>;

export const TakeSnapshotRequest = z.strictObject({
  description: z.string().max(1024).optional(),
  retentionInDays: z.number().int().min(1).optional(),
});
export type TakeSnapshotRequest = z.infer<typeof TakeSnapshotRequest>;

// ---- Export jobs and buckets --------------------------------------------------------------

export const ExportState = z.enum(['Queued', 'InProgress', 'Successful', 'Failed', 'Cancelled']);
export const BackupLabel = z.looseObject({ key: z.string().optional(), value: z.string().optional() });

export const ExportJob = z.looseObject({
  id: AtlasId,
  state: ExportState,
  exportBucketId: AtlasId,
  snapshotId: AtlasId.optional(),
  components: z
    .array(z.looseObject({ exportId: AtlasId.optional(), replicaSetName: z.string().optional() }))
    .optional(),
  createdAt: DateTime.optional(),
  finishedAt: DateTime.optional(),
  customData: z.array(BackupLabel).optional(),
  exportStatus: z
    .looseObject({ exportedCollections: z.number().int().optional(), totalCollections: z.number().int().optional() })
    .optional(),
  prefix: z.string().optional(),
  stateReason: z.looseObject({ errorCode: z.string().optional(), message: z.string().optional() }).optional(),
  links,
});
export type ExportJob = z.infer<typeof ExportJob>;

export const CreateExportRequest = z.strictObject({
  snapshotId: AtlasId,
  exportBucketId: AtlasId,
  customData: z.array(z.strictObject({ key: z.string(), value: z.string() })).optional(),
});
export type CreateExportRequest = z.infer<typeof CreateExportRequest>;

/** How Atlas reaches a bucket (AWS: iamRoleId; Azure, GCP: roleId; Azure: serviceUrl), in a bucket and its create. */
const bucketAccess = {
  iamRoleId: AtlasId.optional(),
  roleId: AtlasId.optional(),
  requirePrivateNetworking: z.boolean().optional(),
  serviceUrl: z.string().optional(),
};

export const ExportBucket = z.looseObject({
  _id: AtlasId,
  bucketName: z.string(),
  cloudProvider: ProviderName,
  ...bucketAccess,
  region: z.string().optional(),
  tenantId: z.string().optional(),
  links,
});
export type ExportBucket = z.infer<typeof ExportBucket>;

export const CreateExportBucketRequest = z
  .strictObject({
    cloudProvider: CloudProvider,
    bucketName: z.string().min(1),
    ...bucketAccess,
    tenantId: z.uuid().optional(),
  })
  .refine((b) => b.cloudProvider !== 'AWS' || b.iamRoleId !== undefined, {
    message: 'iamRoleId is required when cloudProvider is AWS',
    path: ['iamRoleId'],
  });
export type CreateExportBucketRequest = z.infer<typeof CreateExportBucketRequest>;

// ---- Restore jobs (dedicated and serverless) ----------------------------------------------

export const DeliveryType = z.enum(['automated', 'download', 'pointInTime']);
const privateUrls = z.array(z.looseObject({ deliveryUrl: z.string().optional(), endpointId: z.string().optional() }));

const restoreJobCommon = {
  id: AtlasId,
  deliveryType: DeliveryType,
  cancelled: z.boolean().optional(),
  deliveryUrl: z.array(z.string()).optional(),
  desiredTimestamp: z.looseObject({ date: DateTime.optional(), increment: z.number().int().optional() }).optional(),
  expired: z.boolean().optional(),
  expiresAt: DateTime.optional(),
  failed: z.boolean().optional(),
  finishedAt: DateTime.optional(),
  oplogInc: z.number().int().optional(),
  oplogTs: z.number().int().optional(),
  pointInTimeUTCSeconds: z.number().int().optional(),
  snapshotId: AtlasId.optional(),
  targetClusterName: z.string().optional(),
  targetGroupId: AtlasId.optional(),
  timestamp: DateTime.optional(),
  links,
};

export const RestoreJob = z.looseObject({
  ...restoreJobCommon,
  components: z
    .array(
      z.looseObject({
        downloadUrl: z.string().optional(),
        privateDownloadDeliveryUrls: privateUrls.optional(),
        replicaSetName: z.string().optional(),
      }),
    )
    .optional(),
  privateDownloadDeliveryUrls: privateUrls.optional(),
});
export type RestoreJob = z.infer<typeof RestoreJob>;

export const ServerlessRestoreJob = z.looseObject(restoreJobCommon);
export type ServerlessRestoreJob = z.infer<typeof ServerlessRestoreJob>;

const MIN_PIT_SECONDS = 1199145600; // 2008-01-01, the floor Atlas documents

/** Seed 003's rules: which fields each deliveryType needs. Shared by dedicated and serverless. */
function restoreRequest() {
  return z
    .strictObject({
      deliveryType: DeliveryType,
      snapshotId: AtlasId.optional(),
      targetClusterName: ClusterName.optional(),
      targetGroupId: AtlasId.optional(),
      pointInTimeUTCSeconds: z.number().int().min(MIN_PIT_SECONDS).optional(),
      oplogTs: z.number().int().min(MIN_PIT_SECONDS).optional(),
      oplogInc: z.number().int().min(1).optional(),
    })
    .superRefine((b, ctx) => {
      const need = (field: keyof typeof b, why: string) => {
        if (b[field] === undefined)
          ctx.addIssue({ code: 'custom', path: [field], message: `${field} is required ${why}` });
      };
      if (b.deliveryType !== 'download') {
        need('targetClusterName', `for deliveryType ${b.deliveryType}`);
        need('targetGroupId', `for deliveryType ${b.deliveryType}`);
      }
      if (b.deliveryType === 'pointInTime') {
        const byTime = b.pointInTimeUTCSeconds !== undefined;
        const byOplog = b.oplogTs !== undefined || b.oplogInc !== undefined;
        if (byTime === byOplog) {
          ctx.addIssue({
            code: 'custom',
            path: ['pointInTimeUTCSeconds'],
            message: 'pointInTime needs exactly one of pointInTimeUTCSeconds or oplogTs+oplogInc',
          });
        } else if (byOplog) {
          need('oplogTs', 'with oplogInc');
          need('oplogInc', 'with oplogTs');
        }
      } else {
        need('snapshotId', `for deliveryType ${b.deliveryType}`);
      }
    });
}

export const CreateRestoreJobRequest = restoreRequest();
export type CreateRestoreJobRequest = z.infer<typeof CreateRestoreJobRequest>;
export const CreateServerlessRestoreJobRequest = restoreRequest();
export type CreateServerlessRestoreJobRequest = z.infer<typeof CreateServerlessRestoreJobRequest>;

// ---- Serverless snapshots -----------------------------------------------------------------

export const ServerlessSnapshot = z.looseObject({
  id: AtlasId,
  status: SnapshotStatus,
  createdAt: DateTime.optional(),
  expiresAt: DateTime.optional(),
  frequencyType: FrequencyType.optional(),
  mongodVersion: z.string().optional(),
  serverlessInstanceName: z.string().optional(),
  snapshotType: SnapshotType.optional(),
  storageSizeBytes: z.number().int().optional(),
  links,
});
export type ServerlessSnapshot = z.infer<typeof ServerlessSnapshot>;

// ---- Flex ---------------------------------------------------------------------------------

export const FlexStatus = z.enum(['PENDING', 'QUEUED', 'RUNNING', 'FAILED', 'COMPLETED']);

export const FlexSnapshot = z.looseObject({
  id: AtlasId,
  status: FlexStatus,
  expiration: DateTime.optional(),
  finishTime: DateTime.optional(),
  mongoDBVersion: z.string().optional(),
  scheduledTime: DateTime.optional(),
  startTime: DateTime.optional(),
  links,
});
export type FlexSnapshot = z.infer<typeof FlexSnapshot>;

export const FlexRestoreJob = z.looseObject({
  id: AtlasId,
  status: FlexStatus,
  deliveryType: z.string().optional(),
  expirationDate: DateTime.optional(),
  instanceName: z.string().optional(),
  projectId: AtlasId.optional(),
  restoreFinishedDate: DateTime.optional(),
  restoreScheduledDate: DateTime.optional(),
  snapshotFinishedDate: DateTime.optional(),
  snapshotId: AtlasId.optional(),
  snapshotUrl: z.string().optional(),
  targetDeploymentItemName: z.string().optional(),
  targetProjectId: AtlasId.optional(),
  links,
});
export type FlexRestoreJob = z.infer<typeof FlexRestoreJob>;

/** downloadFlexBackup answers with a restore job whose snapshotUrl is the download link. */
export const FlexDownload = FlexRestoreJob;
export type FlexDownload = z.infer<typeof FlexDownload>;

export const CreateFlexRestoreJobRequest = z.strictObject({
  snapshotId: AtlasId,
  targetDeploymentItemName: z
    .string()
    .regex(/^[\p{L}\p{N}\-_.(),:&@+']{1,64}$/u, "must match ^[\\p{L}\\p{N}\\-_.(),:&@+']{1,64}$"),
  targetProjectId: AtlasId.optional(),
});
export type CreateFlexRestoreJobRequest = z.infer<typeof CreateFlexRestoreJobRequest>;

export const DownloadFlexBackupRequest = z.strictObject({ snapshotId: AtlasId });
export type DownloadFlexBackupRequest = z.infer<typeof DownloadFlexBackupRequest>;

// ---- Clusters -----------------------------------------------------------------------------

export const Cluster = z.looseObject({
  name: z.string(),
  id: AtlasId.optional(),
  groupId: AtlasId.optional(),
  stateName: z.string().optional(),
  clusterType: z.string().optional(),
  paused: z.boolean().optional(),
  backupEnabled: z.boolean().optional(),
  pitEnabled: z.boolean().optional(),
  mongoDBVersion: z.string().optional(),
  mongoDBMajorVersion: z.string().optional(),
  createDate: DateTime.optional(),
  replicationSpecs: z.array(z.looseObject({})).optional(),
  /** Atlas resource tags (fleets filter on them). */
  tags: z.array(z.looseObject({ key: z.string(), value: z.string() })).optional(),
  /** Where drivers connect (data verification reads the restored target through `standard`). */
  connectionStrings: z.looseObject({ standard: z.string().optional(), standardSrv: z.string().optional() }).optional(),
  links,
});
export type Cluster = z.infer<typeof Cluster>;

/** A flex cluster (listFlexClusters): Atlas snapshots it daily itself; `backupSettings.enabled` says so. */
export const FlexCluster = z.looseObject({
  name: z.string(),
  id: AtlasId.optional(),
  groupId: AtlasId.optional(),
  stateName: z.string().optional(),
  createDate: DateTime.optional(),
  backupSettings: z.looseObject({ enabled: z.boolean().optional() }).optional(),
  tags: z.array(z.looseObject({ key: z.string(), value: z.string() })).optional(),
  links,
});
export type FlexCluster = z.infer<typeof FlexCluster>;

/** A project (Atlas calls them groups); fleets discover them with listProjects. */
export const Project = z.looseObject({ id: AtlasId, name: z.string(), links });
export type Project = z.infer<typeof Project>;

// ---- Snapshot retention, export bucket settings, cluster changes --------------------------

const INT32_MAX = 2_147_483_647;
export const RetentionUnit = z.enum(['days', 'weeks', 'months', 'years']);

/** updateBackupSnapshot: a new retention, counted from the snapshot's creation. */
export const UpdateSnapshotRetentionRequest = z.strictObject({
  retentionUnit: RetentionUnit,
  retentionValue: z.number().int().min(1).max(INT32_MAX),
});
export type UpdateSnapshotRetentionRequest = z.infer<typeof UpdateSnapshotRetentionRequest>;

export const UpdateExportBucketRequest = z.strictObject({ requirePrivateNetworking: z.boolean() });
export type UpdateExportBucketRequest = z.infer<typeof UpdateExportBucketRequest>;

/** updateCluster: the fields a backup rehearsal changes; Atlas accepts the whole description. */
export const UpdateClusterRequest = z.looseObject({
  name: ClusterName.optional(),
  paused: z.boolean().optional(),
  backupEnabled: z.boolean().optional(),
  pitEnabled: z.boolean().optional(),
  terminationProtectionEnabled: z.boolean().optional(),
  mongoDBMajorVersion: z.string().optional(),
});
export type UpdateClusterRequest = z.infer<typeof UpdateClusterRequest>;

// ---- Backup schedule (policy) -------------------------------------------------------------

export const PolicyFrequencyType = z.enum(['hourly', 'daily', 'weekly', 'monthly', 'yearly']);

export const BackupPolicyItem = z.looseObject({
  id: AtlasId.optional(),
  frequencyInterval: z.number().int(),
  frequencyType: z.string(),
  retentionUnit: z.string(),
  retentionValue: z.number().int(),
});
export type BackupPolicyItem = z.infer<typeof BackupPolicyItem>;

export const BackupSchedule = z.looseObject({
  clusterId: AtlasId.optional(),
  clusterName: z.string().optional(),
  policies: z.array(z.looseObject({ id: AtlasId.optional(), policyItems: z.array(BackupPolicyItem) })),
  referenceHourOfDay: z.number().int().optional(),
  referenceMinuteOfHour: z.number().int().optional(),
  restoreWindowDays: z.number().int().optional(),
  nextSnapshot: DateTime.optional(),
  autoExportEnabled: z.boolean().optional(),
  export: z.looseObject({ exportBucketId: AtlasId.optional(), frequencyType: z.string().optional() }).optional(),
  useOrgAndGroupNamesInExportPrefix: z.boolean().optional(),
  /** Where Atlas copies this cluster's snapshots (DiskBackupCopySetting20240805). */
  copySettings: z
    .array(
      z.looseObject({
        cloudProvider: z.string().optional(),
        regionName: z.string().optional(),
        shouldCopyOplogs: z.boolean().optional(),
      }),
    )
    .optional(),
  extraRetentionSettings: z
    .array(z.looseObject({ frequencyType: z.string().optional(), retentionDays: z.number().int().optional() }))
    .optional(),
  links,
});
export type BackupSchedule = z.infer<typeof BackupSchedule>;

/** Only the fields to change (the spec marks `policies` required; Atlas's own note says partial). */
export const UpdateBackupScheduleRequest = z.strictObject({
  policies: z
    .array(
      z.strictObject({
        id: AtlasId.optional(),
        policyItems: z.array(
          z.strictObject({
            id: AtlasId.optional(),
            frequencyInterval: z.number().int(),
            frequencyType: PolicyFrequencyType,
            retentionUnit: RetentionUnit,
            retentionValue: z.number().int().min(1).max(INT32_MAX),
          }),
        ),
      }),
    )
    .max(1)
    .optional(),
  referenceHourOfDay: z.number().int().min(0).max(23).optional(),
  referenceMinuteOfHour: z.number().int().min(0).max(59).optional(),
  restoreWindowDays: z.number().int().min(1).max(INT32_MAX).optional(),
  autoExportEnabled: z.boolean().optional(),
  export: z.strictObject({ exportBucketId: AtlasId.optional(), frequencyType: z.string().optional() }).optional(),
  useOrgAndGroupNamesInExportPrefix: z.boolean().optional(),
  updateSnapshots: z.boolean().optional(),
  autoCopySettingsEnabled: z.boolean().optional(),
  copyPolicyItemsEnabled: z.boolean().optional(),
  copySettings: z.array(z.looseObject({})).optional(),
  deleteCopiedBackups: z.array(z.looseObject({})).optional(),
  deleteCopySnapshots: z.boolean().optional(),
  deleteSnapshots: z.boolean().optional(),
  updateCopySnapshots: z.boolean().optional(),
  extraRetentionSettings: z
    .array(
      z.strictObject({
        frequencyType: z.string().optional(),
        retentionDays: z.number().int().min(1).max(INT32_MAX).optional(),
      }),
    )
    .optional(),
});
export type UpdateBackupScheduleRequest = z.infer<typeof UpdateBackupScheduleRequest>;

// ---- Backup Compliance Policy (DataProtectionSettings20231001) ----------------------------

/** The policy's on-demand item: its retention is the minimum for every on-demand snapshot. */
export const CompliancePolicyItem = z.looseObject({
  id: AtlasId.optional(),
  frequencyType: z.string(),
  frequencyInterval: z.number().int(),
  retentionUnit: z.string(),
  retentionValue: z.number().int(),
});
export type CompliancePolicyItem = z.infer<typeof CompliancePolicyItem>;

export const CompliancePolicy = z.looseObject({
  projectId: AtlasId.optional(),
  authorizedEmail: z.string(),
  authorizedUserFirstName: z.string(),
  authorizedUserLastName: z.string(),
  copyProtectionEnabled: z.boolean().optional(),
  encryptionAtRestEnabled: z.boolean().optional(),
  pitEnabled: z.boolean().optional(),
  restoreWindowDays: z.number().int().optional(),
  deletable: z.boolean().optional(),
  state: z.string().optional(),
  onDemandPolicyItem: CompliancePolicyItem.optional(),
  scheduledPolicyItems: z.array(CompliancePolicyItem).optional(),
  updatedDate: DateTime.optional(),
  updatedUser: z.string().optional(),
});
export type CompliancePolicy = z.infer<typeof CompliancePolicy>;

// ---- Pagination ---------------------------------------------------------------------------

export function paginated<T extends z.ZodType>(item: T) {
  return z.looseObject({ results: z.array(item), totalCount: z.number().int().optional(), links });
}

// ---- Database users (CloudDatabaseUser) and snapshot browsing (data-and-limits.openapi.yaml) ----

const DatabaseUserRole = z.strictObject({
  roleName: z.string().min(1),
  databaseName: z.string().min(1),
  collectionName: z.string().optional(),
});
const UserScope = z.strictObject({ name: z.string().min(1), type: z.enum(['CLUSTER', 'DATA_LAKE', 'STREAM']) });

/** A SCRAM user; the password is write-only (Atlas never answers it). */
export const CreateDatabaseUserRequest = z.strictObject({
  username: z.string().min(1).max(1024),
  databaseName: z.literal('admin'),
  groupId: AtlasId,
  password: z.string().min(8),
  roles: z.array(DatabaseUserRole).min(1),
  scopes: z.array(UserScope).optional(),
  deleteAfterDate: DateTime.optional(),
  description: z.string().max(100).optional(),
});

export const DatabaseUser = z.looseObject({
  username: z.string(),
  databaseName: z.string(),
  roles: z.array(z.looseObject({ roleName: z.string(), databaseName: z.string() })).optional(),
  scopes: z.array(z.looseObject({ name: z.string(), type: z.string() })).optional(),
  deleteAfterDate: DateTime.optional(),
  links,
});

/** A database or a collection a snapshot holds (names only: the spec gives no counts). */
export const SnapshotDatabase = z.looseObject({ name: z.string(), links });
export const SnapshotCollection = z.looseObject({ name: z.string(), links });

// ---- Collection restore jobs (data-and-limits.openapi.yaml; enums from NOTES.md (a)) ---------

export const WriteStrategy = z.enum(['CREATE_NEW', 'OVERWRITE_EXISTING']);
export const IndexStrategy = z.enum(['ALL', 'NONE', 'ALL_EXCEPT_TTL']);
/** Databases name bare databases; collections `database.collection`. An empty target keeps the source name. */
export const RestoreNamespace = z.looseObject({
  sourceNamespace: z.string().min(1),
  targetNamespace: z.string().optional(),
});

/** One source: a snapshot, or a point in time (seconds, or oplogTs + oplogInc). */
export const CreateCollectionRestoreJobRequest = z.strictObject({
  snapshotId: AtlasId.optional(),
  pointInTimeUtcSeconds: z.number().int().optional(),
  oplogTs: z.number().int().optional(),
  oplogInc: z.number().int().optional(),
  targetGroupId: AtlasId,
  targetClusterName: ClusterName,
  writeStrategy: WriteStrategy,
  indexStrategy: IndexStrategy,
  databases: z.array(RestoreNamespace).max(100).optional(),
  collections: z.array(RestoreNamespace).max(100).optional(),
  databaseSuffix: z.string().optional(),
  collectionSuffix: z.string().optional(),
});
export type CreateCollectionRestoreJobRequest = z.infer<typeof CreateCollectionRestoreJobRequest>;

/** Job states: INITIALIZING, IN_PROGRESS, FINALIZING, then SUCCESSFUL, FAILED or CANCELED (NOTES.md). */
export const CollectionRestoreJob = z.looseObject({
  id: AtlasId,
  state: z.string().optional(),
  snapshotId: z.string().optional(),
  pointInTimeUtcSeconds: z.number().int().optional(),
  oplogTs: z.number().int().optional(),
  oplogInc: z.number().int().optional(),
  targetGroupId: z.string().optional(),
  targetClusterName: z.string().optional(),
  writeStrategy: z.string().optional(),
  indexStrategy: z.string().optional(),
  databases: z.array(RestoreNamespace).optional(),
  collections: z.array(RestoreNamespace).optional(),
  databaseSuffix: z.string().optional(),
  collectionSuffix: z.string().optional(),
  createdAt: DateTime.optional(),
  finishedAt: DateTime.optional(),
  restoredDocuments: z.number().int().nonnegative().optional(),
  totalDocuments: z.number().int().nonnegative().optional(),
  errorMessage: z.string().optional(),
  indexStatus: z.looseObject({ state: z.string().optional(), failedCollectionCount: z.number().optional() }).optional(),
  links,
});
export type CollectionRestoreJob = z.infer<typeof CollectionRestoreJob>;

/** One collection's state within a job (listRestoreJobCollections answers [] while INITIALIZING). */
export const RestoreJobCollection = z.looseObject({
  sourceNamespace: z.string(),
  targetNamespace: z.string().optional(),
  effectiveTargetNamespace: z.string().optional(),
  state: z.string().optional(),
  restoredDocuments: z.number().int().nonnegative().optional(),
  totalDocuments: z.number().int().nonnegative().optional(),
  errorMessage: z.string().optional(),
  indexStatus: z.looseObject({ state: z.string().optional(), errorMessage: z.string().optional() }).optional(),
});
export type RestoreJobCollection = z.infer<typeof RestoreJobCollection>;
