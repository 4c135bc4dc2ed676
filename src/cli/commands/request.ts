// The backupPipeline request from flags and/or a JSON/YAML request file, shared by `backup`,
// `schedule create` and `schedule update`, validated once with the workflow's own schema.
import type { Command } from 'commander';
import { backupPipelineInputSchema, type BackupPipelineInput } from '../../contract/index.js';
import { addRequestFlags, flag, flagsOfFields, parseRequest, pollCap, POLL_FLAGS, requestFrom } from '../parse.js';
import { pointInTimeFlags, setPath, type RequestFlag } from '../parse.js';
import { keyValue, oneOf, positiveNumber, wholeNumber } from '../parse.js';
import { NOTIFY_FLAGS } from './notify-flags.js';
import { operatorName } from './decide.js';

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
  notifyUrl?: string;
  notifyEvents?: string[];
  notifyFormat?: string;
  overwrite?: string;
  production?: boolean;
  approvalTimeout?: number;
  verify?: boolean;
  canary?: boolean;
  verifyExport?: boolean;
}

const RESTORE_TYPES = ['automated', 'download', 'pointInTime'] as const;

/** The request flags shared by `backup`, `schedule create` and `schedule update`, and the fields they set. */
const BACKUP_FLAGS: RequestFlag[] = [
  flag('-f, --file <path>', 'request as JSON or YAML (the backupPipeline input); flags override its fields'),
  flag('-p, --project <groupId>', 'Atlas project id (24 hex characters)', 'groupId'),
  flag('-c, --cluster <name>', 'Atlas cluster name', 'clusterName'),
  flag('--description <text>', 'snapshot description', 'snapshot.description'),
  flag('--retention-days <n>', 'snapshot retention in days', 'snapshot.retentionInDays', wholeNumber),
  flag('--export-bucket <id>', 'export the snapshot to this export bucket id', 'export.exportBucketId'),
  flag('--custom-data <key=value>', 'export custom data (repeatable)', 'export.customData', keyValue),
  flag('--restore <deliveryType>', 'restore the snapshot afterwards', 'restore.deliveryType', oneOf(RESTORE_TYPES)),
  flag('--target-project <groupId>', 'restore target project (automated, pointInTime)', 'restore.targetGroupId'),
  flag('--target-cluster <name>', 'restore target cluster (automated, pointInTime)', 'restore.targetClusterName'),
  ...pointInTimeFlags('restore'),
  // Issue 11: an automated or pointInTime restore overwrites the target; the operator names it.
  flag(
    '--overwrite <cluster>',
    'consent: the restore overwrites this cluster (must equal --target-cluster)',
    'restore.overwrite',
  ),
  flag('--production', 'the target is production: the restore waits for approve/reject', 'restore.production'),
  flag(
    '--approval-timeout <seconds>',
    'how long a production restore waits for a decision (default 3600)',
    'restore.approvalTimeoutSeconds',
    positiveNumber,
  ),
  flag('--verify', 'read the restored target as a temporary user and compare it with the source (restore.verify)'),
  flag('--canary', 'with --verify: write a canary to the source before the snapshot and look for it after'),
  flag('--verify-export', 'read the export back from its bucket with the AWS SDK credential chain (export.verify)'),
  ...POLL_FLAGS,
  ...NOTIFY_FLAGS,
];

/** --verify, --canary and --verify-export turn on checks whose settings a request file may hold. */
function setVerification(req: Record<string, unknown>, flags: RequestFlags): void {
  const held = (section: string) =>
    ((req[section] as Record<string, unknown> | undefined)?.verify as Record<string, unknown> | undefined) ?? {};
  if (flags.verify || flags.canary)
    setPath(req, ['restore', 'verify'], { ...held('restore'), ...(flags.canary ? { canary: true } : {}) });
  if (flags.verifyExport) setPath(req, ['export', 'verify'], held('export'));
}

export const addRequestOptions = (cmd: Command): Command => addRequestFlags(cmd, BACKUP_FLAGS);

/** Builds and validates the pipeline input; each problem names its field and, when there is one, its flag. */
export function buildBackupRequest(flags: RequestFlags, base?: Record<string, unknown>): BackupPipelineInput {
  // The flags apply over a request file, else over `base` (a schedule's current request), else over nothing.
  const req = requestFrom(BACKUP_FLAGS, { ...flags }, flags.file, base);
  setPath(req, ['polling', 'maximumIntervalSeconds'], pollCap({ ...flags, file: flags.file ?? (base && 'base') }));
  // Consent given on this command line is recorded with who gave it (the run's status shows it).
  if (flags.overwrite !== undefined) setPath(req, ['restore', 'consentBy'], operatorName());
  setVerification(req, flags);
  const flagOf = {
    ...flagsOfFields(BACKUP_FLAGS),
    'restore.verify': '--verify',
    'export.verify': '--verify-export',
  };
  return parseRequest(backupPipelineInputSchema(), req, flagOf, 'backup request');
}
