// `dr`: start a disaster-recovery run (its approval gate is `approve`/`reject`, decide.ts).
import { followStarted } from '../follow-started.js';
import type { RunOutcome } from '../live.js';
import {
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
  WorkflowExecutionAlreadyStartedError,
} from '@temporalio/client';
import type { Command } from 'commander';
import {
  disasterRecoveryInputSchema,
  DR_DELIVERY_TYPES,
  INDEX_STRATEGIES,
  SOURCE_KINDS,
  type DisasterRecoveryInput,
} from '../../contract/index.js';
import { AtlasCluster, AtlasProject, BackupPhase, DrSource, DrTarget } from '../../contract/index.js';
import { taskQueueOf, withClient } from '../connect.js';
import { CliError, EXIT_RUN_FAILED, UsageError } from '../errors.js';
import { startCommand } from '../start-command.js';
import { drWorkflowId } from '../../runs/index.js';
import { NOTIFY_FLAGS } from './notify-flags.js';
import { addRequestFlags, flag, flagsOfFields, parseRequest, pollCap, POLL_FLAGS, requestFrom } from '../parse.js';
import { pointInTimeFlags, setPath, type RequestFlag } from '../parse.js';
import { list, oneOf, positiveNumber } from '../parse.js';
import { summarizeDr } from './summary.js';
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
  collections?: string[];
  databases?: string[];
  suffix?: string;
  overwrite?: string;
  indexStrategy?: string;
  verify?: boolean;
}

/** Said instead of the schema's list of `what` forms when neither flags nor file say what to restore. */
export const NO_WHAT =
  'what to restore is required: --latest or --snapshot-id <id> ' +
  '(a dedicated source also takes a point in time: --point-in-time, or --oplog-ts with --oplog-inc)';

export function buildDrRequest(f: DrFlags): DisasterRecoveryInput {
  const req = requestFrom(DR_FLAGS, { ...f, sourceKind: f.sourceKind ?? (f.file ? undefined : 'dedicated') }, f.file);
  const what = req.what as Record<string, unknown> | null | undefined;
  if (
    what === undefined ||
    what === null ||
    (typeof what === 'object' && Object.values(what).every((v) => v === undefined))
  )
    throw new UsageError(NO_WHAT);
  setPath(req, ['polling', 'maximumIntervalSeconds'], pollCap(f));
  // Naming the cluster is the consent, and the choice: --overwrite means OVERWRITE_EXISTING.
  if (f.overwrite !== undefined) setPath(req, ['collectionRestore', 'writeStrategy'], 'OVERWRITE_EXISTING');
  // A request file's verify settings (validation queries, tolerance) are kept.
  if (f.verify) setPath(req, ['verify'], (req.verify as Record<string, unknown> | undefined) ?? {});
  const flagOf = {
    ...flagsOfFields(DR_FLAGS),
    target: '--target-project/--target-cluster',
    verify: '--verify',
  };
  return parseRequest(disasterRecoveryInputSchema(), req, flagOf, 'disaster-recovery request');
}

const DR_EXAMPLE = `
Examples:
  $ atlas-backup dr --source-project 65f1a0c0a1b2c3d4e5f60001 --source-cluster demo-cluster --latest \\
      --target-project 65f1a0c0a1b2c3d4e5f60002 --target-cluster restore-target --production --wait
  $ atlas-backup dr --file dr-request.yaml
  $ atlas-backup dr --source-project 65f1a0c0a1b2c3d4e5f60001 --source-cluster demo-cluster --latest \\
      --target-project 65f1a0c0a1b2c3d4e5f60001 --target-cluster demo-cluster --collections app.orders --wait

--collections/--databases restore only those (an Atlas collection restore job), as new namespaces named
with --suffix (default _restored_<date>); --overwrite <target cluster> replaces them in place instead.

A production target (or --require-approval) waits for: atlas-backup approve <id> --reason "..."
The workflow id is dr-<source cluster>-<source groupId>-to-<target cluster>-<target groupId> (or -to-download);
one such run at a time.`;

/** The request flags of `dr`: flag, help, value parser and the request field each sets. */
const DR_FLAGS: RequestFlag[] = [
  flag('--source-kind <kind>', 'source cluster kind', 'source.kind', oneOf(SOURCE_KINDS)),
  flag('--source-project <groupId>', 'project of the cluster to recover', 'source.groupId'),
  flag('--source-cluster <name>', 'cluster to recover', 'source.clusterName'),
  flag('--snapshot-id <id>', 'restore this snapshot', 'what.snapshotId'),
  flag('--latest', 'restore the latest completed snapshot', 'what.latest'),
  ...pointInTimeFlags('what'),
  flag('--target-project <groupId>', 'target project', 'target.groupId'),
  flag('--target-cluster <name>', 'target cluster (overwritten!)', 'target.clusterName'),
  flag('--production', 'the target is production: an approval is always required', 'target.production'),
  flag('--delivery-type <type>', 'restore delivery', 'deliveryType', oneOf(DR_DELIVERY_TYPES)),
  flag('--require-approval', 'wait for approve/reject before restoring', 'approval.required'),
  flag('--approval-timeout <seconds>', 'how long to wait for a decision', 'approval.timeoutSeconds', positiveNumber),
  flag('--collections <db.coll,...>', 'restore only these collections', 'collectionRestore.collections', list),
  flag('--databases <db,...>', 'restore only these databases', 'collectionRestore.databases', list),
  flag(
    '--suffix <suffix>',
    "appended to restored names (default _restored_<date>; '' for none)",
    'collectionRestore.suffix',
  ),
  flag(
    '--overwrite <cluster>',
    'replace the collections in place (OVERWRITE_EXISTING): name the target cluster to consent',
    'collectionRestore.overwrite',
  ),
  flag('--index-strategy <s>', 'indexes to restore', 'collectionRestore.indexStrategy', oneOf(INDEX_STRATEGIES)),
  flag('--verify', 'read the restored target as a temporary read-only user and compare it with the snapshot (verify)'),
  ...POLL_FLAGS,
  ...NOTIFY_FLAGS,
];

export function registerDr(program: Command): void {
  const dr = program
    .command('dr')
    .description('start a disaster-recovery restore of a snapshot or point in time into a target (or as a download)')
    .option('-f, --file <path>', 'request as JSON or YAML (the disasterRecovery input); flags override its fields');
  const texts = {
    id: 'workflow id (default dr-<source cluster>-<groupId>-to-<target cluster>-<groupId>)',
    wait: 'follow the run until it ends (exit 1 unless it completed)',
    json: 'machine-readable output',
    examples: DR_EXAMPLE,
  };
  startCommand(addRequestFlags(dr, DR_FLAGS), texts, async (flags: DrFlags, globals) => {
    const input = buildDrRequest(flags);
    const { source, target } = input;
    const workflowId = flags.id ?? drWorkflowId(source, target);
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
      const summary = (o: RunOutcome) => summarizeDr(o.status, o.result as DrReport | undefined, o.failure);
      return followStarted(client, handle, flags, summary);
    });
  });
}
