// `restore-test run|schedule`: restore a cluster's snapshot into a scratch cluster, verify the data,
// report RTO and the snapshot's age (the restoreTest workflow); on a Temporal Schedule, too.
import { WorkflowIdConflictPolicy, type Client } from '@temporalio/client';
import type { Command } from 'commander';
import {
  AtlasCluster,
  AtlasProject,
  BackupPhase,
  DrTarget,
  restoreTestInputSchema,
  type RestoreTestInput,
  type RestoreTestReport,
} from '../../contract/index.js';
import { restoreTestRunWorkflowId } from '../../contract/index.js';
import { restoreTest } from '../../workflows/index.js';
import { followStarted } from '../follow-started.js';
import { taskQueueOf, withClient } from '../connect.js';
import { UsageError } from '../errors.js';
import { addRequestFlags, flag, flagsOfFields, parseRequest, pollCap, POLL_FLAGS, requestFrom } from '../parse.js';
import { positiveNumber, setPath, wholeNumber, type RequestFlag } from '../parse.js';
import { startCommand } from '../start-command.js';
import { NOTIFY_FLAGS } from './notify-flags.js';
import { registerRestoreTestSchedule } from './restore-test-schedule.js';
import { summarizeRestoreTest } from './summary.js';

export interface RestoreTestFlags {
  file?: string;
  pollMax?: number;
  pollInitial?: number;
  [flag: string]: unknown;
}

type RunFlags = RestoreTestFlags & { id?: string; wait?: boolean; json?: boolean };

const ratio = (v: string): number => {
  const n = positiveNumber(v);
  if (n > 1) throw new UsageError('--count-tolerance must be a fraction between 0 and 1, e.g. 0.01');
  return n;
};

/** The request flags of a restore test: flag, help, value parser and the request field each sets. */
export const RESTORE_TEST_FLAGS: RequestFlag[] = [
  flag('--source-project <groupId>', 'project of the cluster whose backups are tested', 'source.groupId'),
  flag('--source-cluster <name>', 'cluster whose backups are tested', 'source.clusterName'),
  flag('--latest', 'restore its latest completed snapshot (the default)', 'pick.latest'),
  flag(
    '--random-within-days <days>',
    'restore a random completed snapshot of the last N days',
    'pick.randomWithinDays',
    wholeNumber,
  ),
  flag('--snapshot-id <id>', 'restore this snapshot', 'pick.snapshotId'),
  flag('--scratch-project <groupId>', 'project of the scratch cluster', 'scratch.groupId'),
  flag('--scratch-cluster <name>', 'scratch cluster restored into (overwritten!)', 'scratch.clusterName'),
  flag(
    '--overwrite <cluster>',
    'consent: the test overwrites this cluster (must equal --scratch-cluster)',
    'scratch.overwrite',
  ),
  flag('--count-tolerance <fraction>', 'document counts may differ by this fraction', 'verify.countTolerance', ratio),
  ...POLL_FLAGS,
  ...NOTIFY_FLAGS,
];

/** The request from flags over an optional file, checked by the workflow's own schema: no Atlas call yet. */
export function buildRestoreTestRequest(f: RestoreTestFlags): RestoreTestInput {
  const req = requestFrom(RESTORE_TEST_FLAGS, f, f.file);
  setPath(req, ['polling', 'maximumIntervalSeconds'], pollCap(f));
  const flagOf = {
    ...flagsOfFields(RESTORE_TEST_FLAGS),
    source: '--source-project/--source-cluster',
    scratch: '--scratch-project/--scratch-cluster/--overwrite',
    pick: '--latest/--random-within-days/--snapshot-id',
  };
  return parseRequest(restoreTestInputSchema(), req, flagOf, 'restore-test request');
}

/** Set at start, so `list` and `report` see the run at once (the workflow upserts them again). */
export const restoreTestSearchAttributes = (i: RestoreTestInput) => [
  { key: AtlasProject, value: i.source.groupId },
  { key: AtlasCluster, value: i.source.clusterName },
  { key: BackupPhase, value: 'starting' },
  { key: DrTarget, value: `${i.scratch.groupId}/${i.scratch.clusterName}` },
];

export function startRestoreTest(client: Client, input: RestoreTestInput, taskQueue: string, workflowId: string) {
  return client.workflow.start(restoreTest, {
    taskQueue,
    workflowId,
    args: [input],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
    typedSearchAttributes: restoreTestSearchAttributes(input),
  });
}

const P = '65f1a0c0a1b2c3d4e5f60001';
const EXAMPLE = `
Examples:
  $ atlas-backup restore-test run --source-project ${P} --source-cluster orders \\
      --scratch-project ${P} --scratch-cluster restore-scratch --overwrite restore-scratch --wait
  $ atlas-backup restore-test run -f restore-test.yaml --random-within-days 7

The scratch cluster is overwritten; a project under a Backup Compliance Policy is refused as scratch.
The data is always verified as a temporary read-only database user (needs Project Database Access Admin).`;

export function registerRestoreTest(program: Command): void {
  const cmd = program
    .command('restore-test')
    .description('restore a snapshot into a scratch cluster and verify the data (RTO, snapshot age)');
  const run = cmd
    .command('run')
    .description('run one restore test now')
    .option('-f, --file <path>', 'request as JSON or YAML (the restoreTest input); flags override its fields');
  const texts = {
    id: 'workflow id (default restore-test-<cluster>-<groupId>-<UTC time>)',
    wait: 'follow the test until it ends (exit 1 unless it verified)',
    json: 'machine-readable output',
    examples: EXAMPLE,
  };
  startCommand(addRequestFlags(run, RESTORE_TEST_FLAGS), texts, async (flags: RunFlags, g) => {
    const input = buildRestoreTestRequest(flags);
    const id = flags.id ?? restoreTestRunWorkflowId(input.source.groupId, input.source.clusterName);
    return withClient(g, async ({ client }) => {
      const handle = await startRestoreTest(client, input, taskQueueOf(g), id);
      return followStarted(client, handle, flags, (o) =>
        summarizeRestoreTest(o.status, o.result as RestoreTestReport | undefined, o.failure),
      );
    });
  });
  registerRestoreTestSchedule(cmd);
}
