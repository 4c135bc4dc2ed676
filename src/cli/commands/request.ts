// The backupPipeline request from flags and/or a JSON/YAML request file, shared by `backup`,
// `schedule create` and `schedule update`, validated once with the workflow's own schema.
import { Option, type Command } from 'commander';
import { backupPipelineInputSchema, type BackupPipelineInput } from '../../contract/index.js';
import {
  epochSeconds,
  keyValue,
  oneOf,
  parseRequest,
  positiveNumber,
  readRequestFile,
  setPath,
  wholeNumber,
} from '../parse.js';

export interface RequestFlags {
  file?: string;
  project?: string;
  cluster?: string;
  description?: string;
  retentionDays?: number;
  exportBucket?: string;
  customData?: { key: string; value: string }[];
  restore?: 'automated' | 'download' | 'pointInTime';
  targetProject?: string;
  targetCluster?: string;
  pointInTime?: number;
  oplogTs?: number;
  oplogInc?: number;
  pollInitial?: number;
  pollMax?: number;
}

/** The request flags shared by `backup`, `schedule create` and `schedule update`. */
export function addRequestOptions(cmd: Command): Command {
  return cmd
    .option('-f, --file <path>', 'request as JSON or YAML (the backupPipeline input); flags override its fields')
    .option('-p, --project <groupId>', 'Atlas project id (24 hex characters)')
    .option('-c, --cluster <name>', 'Atlas cluster name')
    .option('--description <text>', 'snapshot description')
    .option('--retention-days <n>', 'snapshot retention in days', wholeNumber)
    .option('--export-bucket <id>', 'export the snapshot to this export bucket id')
    .option('--custom-data <key=value>', 'export custom data (repeatable)', keyValue)
    .addOption(
      new Option('--restore <deliveryType>', 'restore the snapshot afterwards').argParser(
        oneOf(['automated', 'download', 'pointInTime'] as const),
      ),
    )
    .option('--target-project <groupId>', 'restore target project (automated, pointInTime)')
    .option('--target-cluster <name>', 'restore target cluster (automated, pointInTime)')
    .option('--point-in-time <time>', 'pointInTime restore: epoch seconds or ISO-8601', epochSeconds)
    .option('--oplog-ts <seconds>', 'pointInTime restore: oplog timestamp seconds', wholeNumber)
    .option('--oplog-inc <n>', 'pointInTime restore: oplog increment', wholeNumber)
    .option('--poll-initial <seconds>', 'first poll interval of waiting steps', positiveNumber)
    .option('--poll-max <seconds>', 'longest poll interval of waiting steps', positiveNumber);
}

const FLAG_OF: Record<string, string> = {
  groupId: '--project',
  clusterName: '--cluster',
  'snapshot.description': '--description',
  'snapshot.retentionInDays': '--retention-days',
  'export.exportBucketId': '--export-bucket',
  'restore.deliveryType': '--restore',
  'restore.targetGroupId': '--target-project',
  'restore.targetClusterName': '--target-cluster',
  'restore.pointInTimeUTCSeconds': '--point-in-time',
  'restore.oplogTs': '--oplog-ts',
  'restore.oplogInc': '--oplog-inc',
};

/** Builds and validates the pipeline input; each problem names its field and, when there is one, its flag. */
export function buildBackupRequest(flags: RequestFlags): BackupPipelineInput {
  const req: Record<string, unknown> = flags.file ? readRequestFile(flags.file) : {};
  setPath(req, ['groupId'], flags.project);
  setPath(req, ['clusterName'], flags.cluster);
  setPath(req, ['snapshot', 'description'], flags.description);
  setPath(req, ['snapshot', 'retentionInDays'], flags.retentionDays);
  setPath(req, ['export', 'exportBucketId'], flags.exportBucket);
  setPath(req, ['export', 'customData'], flags.customData);
  setPath(req, ['restore', 'deliveryType'], flags.restore);
  setPath(req, ['restore', 'targetGroupId'], flags.targetProject);
  setPath(req, ['restore', 'targetClusterName'], flags.targetCluster);
  setPath(req, ['restore', 'pointInTimeUTCSeconds'], flags.pointInTime);
  setPath(req, ['restore', 'oplogTs'], flags.oplogTs);
  setPath(req, ['restore', 'oplogInc'], flags.oplogInc);
  setPath(req, ['polling', 'initialIntervalSeconds'], flags.pollInitial);
  setPath(
    req,
    ['polling', 'maximumIntervalSeconds'],
    flags.pollMax ?? (flags.pollInitial !== undefined && !flags.file ? Math.max(flags.pollInitial, 60) : undefined),
  );
  return parseRequest(backupPipelineInputSchema, req, FLAG_OF, 'backup request');
}
