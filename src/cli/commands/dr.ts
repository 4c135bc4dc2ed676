// `dr`: start a disaster-recovery run (its approval gate is `approve`/`reject`, decide.ts).
import {
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
  WorkflowExecutionAlreadyStartedError,
} from '@temporalio/client';
import { Option, type Command } from 'commander';
import {
  disasterRecoveryInputSchema,
  DR_DELIVERY_TYPES,
  SOURCE_KINDS,
  type DisasterRecoveryInput,
} from '../../contract/index.js';
import { AtlasCluster, AtlasProject, BackupPhase, DrSource, DrTarget } from '../../contract/index.js';
import { taskQueueOf, withClient, type GlobalFlags } from '../connect.js';
import { act, CliError, EXIT_OK, EXIT_RUN_FAILED } from '../errors.js';
import { drWorkflowId } from '../ids.js';
import { followRun } from '../live.js';
import { epochSeconds, oneOf, parseRequest, positiveNumber, readRequestFile, setPath, wholeNumber } from '../parse.js';
import { succeeded, summarizeDr } from './summary.js';
import type { DrReport } from '../../contract/index.js';
import { disasterRecovery } from '../../workflows/index.js';

interface DrFlags {
  file?: string;
  sourceKind?: string;
  sourceProject?: string;
  sourceCluster?: string;
  snapshotId?: string;
  latest?: boolean;
  pointInTime?: number;
  oplogTs?: number;
  oplogInc?: number;
  targetProject?: string;
  targetCluster?: string;
  production?: boolean;
  deliveryType?: string;
  requireApproval?: boolean;
  approvalTimeout?: number;
  pollInitial?: number;
  pollMax?: number;
  id?: string;
  wait?: boolean;
  json?: boolean;
}

const FLAG_OF: Record<string, string> = {
  'source.kind': '--source-kind',
  'source.groupId': '--source-project',
  'source.clusterName': '--source-cluster',
  'what.snapshotId': '--snapshot-id',
  'what.pointInTimeUTCSeconds': '--point-in-time',
  'what.oplogTs': '--oplog-ts',
  'what.oplogInc': '--oplog-inc',
  target: '--target-project/--target-cluster',
  'target.groupId': '--target-project',
  'target.clusterName': '--target-cluster',
  deliveryType: '--delivery-type',
  'approval.timeoutSeconds': '--approval-timeout',
};

export function buildDrRequest(f: DrFlags): DisasterRecoveryInput {
  const req: Record<string, unknown> = f.file ? readRequestFile(f.file) : {};
  setPath(req, ['source', 'kind'], f.sourceKind ?? (f.file ? undefined : 'dedicated'));
  setPath(req, ['source', 'groupId'], f.sourceProject);
  setPath(req, ['source', 'clusterName'], f.sourceCluster);
  setPath(req, ['what', 'snapshotId'], f.snapshotId);
  setPath(req, ['what', 'latest'], f.latest);
  setPath(req, ['what', 'pointInTimeUTCSeconds'], f.pointInTime);
  setPath(req, ['what', 'oplogTs'], f.oplogTs);
  setPath(req, ['what', 'oplogInc'], f.oplogInc);
  setPath(req, ['target', 'groupId'], f.targetProject);
  setPath(req, ['target', 'clusterName'], f.targetCluster);
  setPath(req, ['target', 'production'], f.production);
  setPath(req, ['deliveryType'], f.deliveryType);
  setPath(req, ['approval', 'required'], f.requireApproval);
  setPath(req, ['approval', 'timeoutSeconds'], f.approvalTimeout);
  setPath(req, ['polling', 'initialIntervalSeconds'], f.pollInitial);
  setPath(
    req,
    ['polling', 'maximumIntervalSeconds'],
    f.pollMax ?? (f.pollInitial !== undefined && !f.file ? Math.max(f.pollInitial, 60) : undefined),
  );
  return parseRequest(disasterRecoveryInputSchema, req, FLAG_OF, 'disaster-recovery request');
}

const DR_EXAMPLE = `
Examples:
  $ atlas-backup dr --source-project 65f1a0c0a1b2c3d4e5f60001 --source-cluster demo-cluster --latest \\
      --target-project 65f1a0c0a1b2c3d4e5f60002 --target-cluster restore-target --production --wait
  $ atlas-backup dr --file dr-request.yaml

A production target (or --require-approval) waits for: atlas-backup approve <id> --reason "..."
The workflow id is dr-<source cluster>-to-<target cluster|download>-<source groupId>; one such run at a time.`;

/** The request flags of `dr`: flag, description and, where it has one, its value parser. */
const DR_OPTIONS: [string, string, ((v: string) => unknown)?][] = [
  ['--source-kind <kind>', 'source cluster kind', oneOf(SOURCE_KINDS)],
  ['--source-project <groupId>', 'project of the cluster to recover'],
  ['--source-cluster <name>', 'cluster to recover'],
  ['--snapshot-id <id>', 'restore this snapshot'],
  ['--latest', 'restore the latest completed snapshot'],
  ['--point-in-time <time>', 'restore to this time (epoch seconds or ISO-8601)', epochSeconds],
  ['--oplog-ts <seconds>', 'restore to this oplog timestamp', wholeNumber],
  ['--oplog-inc <n>', 'oplog increment (with --oplog-ts)', wholeNumber],
  ['--target-project <groupId>', 'target project'],
  ['--target-cluster <name>', 'target cluster (overwritten!)'],
  ['--production', 'the target is production: an approval is always required'],
  ['--delivery-type <type>', 'restore delivery', oneOf(DR_DELIVERY_TYPES)],
  ['--require-approval', 'wait for approve/reject before restoring'],
  ['--approval-timeout <seconds>', 'how long to wait for a decision', positiveNumber],
  ['--poll-initial <seconds>', 'first poll interval of waiting steps', positiveNumber],
  ['--poll-max <seconds>', 'longest poll interval', positiveNumber],
];

export function registerDr(program: Command): void {
  const dr = program
    .command('dr')
    .description('start a disaster-recovery restore of a snapshot or point in time into a target (or as a download)')
    .option('-f, --file <path>', 'request as JSON or YAML (the disasterRecovery input); flags override its fields');
  for (const [flags, description, parse] of DR_OPTIONS)
    dr.addOption(parse ? new Option(flags, description).argParser(parse) : new Option(flags, description));
  dr.option('--id <workflowId>', 'workflow id (default dr-<source>-to-<target>-<groupId>)')
    .option('-w, --wait', 'follow the run until it ends (exit 1 unless it completed)')
    .option('--json', 'machine-readable output')
    .addHelpText('after', DR_EXAMPLE)
    .action(
      act(async (flags: DrFlags, cmd: Command) => {
        const globals = cmd.optsWithGlobals<GlobalFlags>();
        const input = buildDrRequest(flags);
        const { source, target } = input;
        const workflowId =
          flags.id ?? drWorkflowId(source.groupId, source.clusterName, target?.clusterName ?? 'download');
        return withClient(globals, async ({ client }) => {
          let handle;
          try {
            handle = await client.workflow.start(disasterRecovery, {
              taskQueue: taskQueueOf(globals),
              workflowId,
              args: [input],
              workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
              workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
              typedSearchAttributes: [
                { key: AtlasProject, value: source.groupId },
                { key: AtlasCluster, value: source.clusterName },
                { key: BackupPhase, value: 'starting' },
                { key: DrSource, value: `${source.kind}:${source.groupId}/${source.clusterName}` },
                { key: DrTarget, value: target ? `${target.groupId}/${target.clusterName}` : 'download' },
              ],
            });
          } catch (err) {
            if (err instanceof WorkflowExecutionAlreadyStartedError)
              throw new CliError(
                `a disaster recovery ${workflowId} is already running; watch it with: atlas-backup watch ${workflowId}`,
                EXIT_RUN_FAILED,
              );
            throw err;
          }
          if (!flags.wait) {
            process.stdout.write(
              flags.json
                ? `${JSON.stringify({ workflowId: handle.workflowId, runId: handle.firstExecutionRunId })}\n`
                : `${handle.workflowId}\n`,
            );
            return EXIT_OK;
          }
          const outcome = await followRun(client, handle, { out: flags.json ? process.stderr : process.stdout });
          const report = outcome.result as DrReport | undefined;
          if (flags.json)
            process.stdout.write(
              `${JSON.stringify({
                workflowId,
                executionStatus: outcome.status.executionStatus,
                result: report,
                failure: outcome.failure,
                status: outcome.status,
              })}\n`,
            );
          else process.stdout.write(`\n${summarizeDr(outcome.status, report, outcome.failure)}\n`);
          return succeeded(outcome.status, report) ? EXIT_OK : EXIT_RUN_FAILED;
        });
      }),
    );
}
