// `atlas-backup backup`: a backupPipeline from flags and/or a JSON/YAML request file, validated
// with the workflow's own schema before anything starts.
import { Option, type Command } from 'commander';
import { backupPipelineInputSchema, parseOrThrow, type BackupPipelineInput } from '../../contract/index.js';
import type { PipelineResult } from '../../contract/index.js';
import { taskQueueOf, withClient, type GlobalFlags } from '../connect.js';
import { act, EXIT_OK, EXIT_RUN_FAILED, UsageError } from '../errors.js';
import { followRun } from '../live.js';
import { epochSeconds, keyValue, oneOf, positiveNumber, readRequestFile, setPath, wholeNumber } from '../parse.js';
import { startBackup } from '../start.js';
import { summarize } from './summary.js';

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
    .addOption(new Option('--restore <deliveryType>', 'restore the snapshot afterwards').argParser(oneOf(['automated', 'download', 'pointInTime'] as const)))
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
  setPath(req, ['polling', 'maximumIntervalSeconds'], flags.pollMax ?? (flags.pollInitial !== undefined && !flags.file ? Math.max(flags.pollInitial, 60) : undefined));
  const parsed = backupPipelineInputSchema.safeParse(req);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const path = i.path.map(String).join('.');
      const flag = FLAG_OF[path];
      const msg = i.message.startsWith(path) || i.message.includes(`${path} `) ? i.message : `${path || 'request'}: ${i.message}`;
      return flag ? `${msg} (flag ${flag})` : msg;
    });
    throw new UsageError(`invalid backup request: ${problems.join('; ')}`);
  }
  return parseOrThrow(backupPipelineInputSchema, req, 'backup request');
}

const EXAMPLE = `
Examples:
  $ atlas-backup backup --project 65f1a0c0a1b2c3d4e5f60001 --cluster demo-cluster --wait
  $ atlas-backup backup -p 65f1a0c0a1b2c3d4e5f60001 -c demo-cluster --export-bucket 65f1a0c0a1b2c3d4e5f6b001 --restore download
  $ atlas-backup backup --file request.yaml --json

One backup per cluster: if a backupPipeline of the same project and cluster is already running (a
manual one, or one started by the cluster's schedule), no second pipeline starts: the command exits 1
and names the running workflow to watch instead. Workflow ids are backup-<cluster>-<groupId>-<UTC time>.`;

export function registerBackup(program: Command): void {
  addRequestOptions(program.command('backup').description('start a backup pipeline: snapshot → wait → export (optional) → restore (optional)'))
    .option('--id <workflowId>', 'workflow id (default backup-<cluster>-<groupId>-<UTC time>)')
    .option('-w, --wait', 'follow the run with the live view until it ends (exit 1 if it fails)')
    .option('--json', 'machine-readable output on stdout')
    .addHelpText('after', EXAMPLE)
    .action(
      act(async (flags: RequestFlags & { id?: string; wait?: boolean; json?: boolean }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalFlags>();
      const input = buildBackupRequest(flags);
      if (flags.id !== undefined && !/^[\w.:-]{1,200}$/.test(flags.id)) throw new UsageError('--id must be 1-200 letters, digits, ".", ":", "_" or "-"');
      return withClient(globals, async ({ client }) => {
        const handle = await startBackup(client, input, taskQueueOf(globals), flags.id);
        if (!flags.wait) {
          process.stdout.write(flags.json ? `${JSON.stringify({ workflowId: handle.workflowId, runId: handle.firstExecutionRunId })}\n` : `${handle.workflowId}\n`);
          return EXIT_OK;
        }
        if (!flags.json) process.stderr.write(`started ${handle.workflowId}\n`);
        const outcome = await followRun(client, handle, { out: flags.json ? process.stderr : process.stdout });
        const result = outcome.result as PipelineResult | undefined;
        const ok = outcome.status.executionStatus === 'COMPLETED' && result?.outcome === 'completed';
        if (flags.json) process.stdout.write(`${JSON.stringify({ workflowId: handle.workflowId, runId: outcome.status.runId, executionStatus: outcome.status.executionStatus, result, failure: outcome.failure, status: outcome.status })}\n`);
        else process.stdout.write(`\n${summarize(outcome.status, result, outcome.failure)}\n`);
        return ok ? EXIT_OK : EXIT_RUN_FAILED;
      });
    }),
    );
}
