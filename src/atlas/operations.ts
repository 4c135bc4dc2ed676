// The operation table: for each catalogue entry (method/path/version in catalog.ts), its path
// parameters and its request/response schemas. Adding an operation is one entry here.
import { z } from 'zod';
import type { OperationId } from './catalog.js';
import * as s from './schemas.js';

const GROUP = ['groupId'] as const;
const CLUSTER = ['groupId', 'clusterName'] as const;
const FLEX = ['groupId', 'name'] as const;
const withId = <const P extends readonly string[], const I extends string>(base: P, id: I) => [...base, id] as const;

interface OperationSpec {
  params: readonly string[];
  request?: z.ZodType;
  /** null: the operation answers 204/202 without a body. */
  response: z.ZodType | null;
}

function def<const P extends readonly string[], Req extends z.ZodType | undefined, Res extends z.ZodType | null>(spec: {
  params: P;
  request?: Req;
  response: Res;
}) {
  return spec as { params: P; request: Req; response: Res };
}

export const operations = {
  takeSnapshots: def({ params: CLUSTER, request: s.TakeSnapshotRequest, response: s.Snapshot }),
  getClusterBackupSnapshot: def({ params: withId(CLUSTER, 'snapshotId'), response: s.Snapshot }),
  listBackupSnapshots: def({ params: CLUSTER, response: s.paginated(s.Snapshot) }),
  deleteClusterBackupSnapshot: def({ params: withId(CLUSTER, 'snapshotId'), response: null }),
  updateBackupSnapshot: def({
    params: withId(CLUSTER, 'snapshotId'),
    request: s.UpdateSnapshotRetentionRequest,
    response: s.ReplicaSetSnapshot,
  }),
  getBackupShardedCluster: def({ params: withId(CLUSTER, 'snapshotId'), response: s.ShardedSnapshot }),
  listBackupShardedClusters: def({ params: CLUSTER, response: s.paginated(s.ShardedSnapshot) }),
  deleteBackupShardedCluster: def({ params: withId(CLUSTER, 'snapshotId'), response: null }),
  getBackupSchedule: def({ params: CLUSTER, response: s.BackupSchedule }),
  updateBackupSchedule: def({ params: CLUSTER, request: s.UpdateBackupScheduleRequest, response: s.BackupSchedule }),
  deleteClusterBackupSchedule: def({ params: CLUSTER, response: s.BackupSchedule }),

  createBackupExport: def({ params: CLUSTER, request: s.CreateExportRequest, response: s.ExportJob }),
  getBackupExport: def({ params: withId(CLUSTER, 'exportId'), response: s.ExportJob }),
  listBackupExports: def({ params: CLUSTER, response: s.paginated(s.ExportJob) }),
  listExportBuckets: def({ params: GROUP, response: s.paginated(s.ExportBucket) }),
  getExportBucket: def({ params: withId(GROUP, 'exportBucketId'), response: s.ExportBucket }),
  createExportBucket: def({ params: GROUP, request: s.CreateExportBucketRequest, response: s.ExportBucket }),
  updateBackupExportBucket: def({
    params: withId(GROUP, 'exportBucketId'),
    request: s.UpdateExportBucketRequest,
    response: s.ExportBucket,
  }),
  deleteExportBucket: def({ params: withId(GROUP, 'exportBucketId'), response: null }),

  createBackupRestoreJob: def({ params: CLUSTER, request: s.CreateRestoreJobRequest, response: s.RestoreJob }),
  getBackupRestoreJob: def({ params: withId(CLUSTER, 'restoreJobId'), response: s.RestoreJob }),
  listBackupRestoreJobs: def({ params: CLUSTER, response: s.paginated(s.RestoreJob) }),
  cancelBackupRestoreJob: def({ params: withId(CLUSTER, 'restoreJobId'), response: null }),

  getServerlessBackupSnapshot: def({ params: withId(CLUSTER, 'snapshotId'), response: s.ServerlessSnapshot }),
  listServerlessBackupSnapshots: def({ params: CLUSTER, response: s.paginated(s.ServerlessSnapshot) }),
  createServerlessRestoreJob: def({
    params: CLUSTER,
    request: s.CreateServerlessRestoreJobRequest,
    response: s.ServerlessRestoreJob,
  }),
  getServerlessRestoreJob: def({ params: withId(CLUSTER, 'restoreJobId'), response: s.ServerlessRestoreJob }),
  listServerlessRestoreJobs: def({ params: CLUSTER, response: s.paginated(s.ServerlessRestoreJob) }),

  listFlexBackupSnapshots: def({ params: FLEX, response: s.paginated(s.FlexSnapshot) }),
  getFlexBackupSnapshot: def({ params: withId(FLEX, 'snapshotId'), response: s.FlexSnapshot }),
  createFlexRestoreJob: def({ params: FLEX, request: s.CreateFlexRestoreJobRequest, response: s.FlexRestoreJob }),
  getFlexRestoreJob: def({ params: withId(FLEX, 'restoreJobId'), response: s.FlexRestoreJob }),
  listFlexRestoreJobs: def({ params: FLEX, response: s.paginated(s.FlexRestoreJob) }),
  downloadFlexBackup: def({ params: FLEX, request: s.DownloadFlexBackupRequest, response: s.FlexDownload }),

  getCluster: def({ params: CLUSTER, response: s.Cluster }),
  updateCluster: def({ params: CLUSTER, request: s.UpdateClusterRequest, response: s.Cluster }),
  deleteCluster: def({ params: CLUSTER, response: null }),
  listProjects: def({ params: [] as const, response: s.paginated(s.Project) }),
  listClusters: def({ params: GROUP, response: s.paginated(s.Cluster) }),
} as const satisfies Record<OperationId, OperationSpec>;

type Ops = typeof operations;

/** List operations: those answering {results: [...]} (catalogue entries with `list: true`). */
export type ListOperationId = {
  [K in OperationId]: ResponseOf<K> extends { results: unknown[] } ? K : never;
}[OperationId];

export type PathParamsOf<K extends OperationId> = { [P in Ops[K]['params'][number]]: string };

export type ResponseOf<K extends OperationId> = Ops[K]['response'] extends z.ZodType
  ? z.infer<Ops[K]['response']>
  : void;

export type ItemOf<K extends ListOperationId> = ResponseOf<K> extends { results: Array<infer T> } ? T : never;

export type QueryParams = {
  envelope?: boolean;
  pretty?: boolean;
  pageNum?: number;
  itemsPerPage?: number;
  includeCount?: boolean;
} & Record<string, string | number | boolean | undefined>;

export type RequestArgs<K extends OperationId> = {
  path: PathParamsOf<K>;
  query?: QueryParams;
} & (Ops[K]['request'] extends z.ZodType ? { body: z.input<Ops[K]['request']> } : { body?: undefined });

/** Path parameter names whose values are 24-hex ids; the rest are cluster names. */
const ID_PARAMS = new Set(['groupId', 'snapshotId', 'exportId', 'exportBucketId', 'restoreJobId']);
const NAME_PARAMS = new Set(['clusterName', 'name']);

export function isIdParam(name: string): boolean {
  return ID_PARAMS.has(name);
}
export function isNameParam(name: string): boolean {
  return NAME_PARAMS.has(name);
}

export function operationSpec(op: OperationId): OperationSpec {
  return operations[op];
}
