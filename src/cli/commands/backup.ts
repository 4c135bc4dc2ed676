// `atlas-backup backup`: a backupPipeline from flags and/or a JSON/YAML request file, validated
// with the workflow's own schema before anything starts.
import { followStarted } from '../follow-started.js';
import type { RunOutcome } from '../live.js';
import type { Command } from 'commander';
import type { PipelineResult } from '../../contract/index.js';
import { taskQueueOf, withClient } from '../connect.js';
import { startCommand, type StartFlags } from '../start-command.js';
import { startBackup } from '../../runs/index.js';
import { addRequestOptions, buildBackupRequest, type RequestFlags } from './request.js';
import { summarize } from './summary.js';

const DEMO_BUCKET = '65f1a0c0a1b2c3d4e5f6b001'; // the simulator's demo export bucket
const EXAMPLE = `
Examples:
  $ atlas-backup backup --project 65f1a0c0a1b2c3d4e5f60001 --cluster demo-cluster --wait
  $ atlas-backup backup -p 65f1a0c0a1b2c3d4e5f60001 -c demo-cluster --export-bucket ${DEMO_BUCKET} --restore download
  $ atlas-backup backup --file request.yaml --json

One backup per cluster: if a backupPipeline of the same project and cluster is already running (a
manual one, or one started by the cluster's schedule), no second pipeline starts: the command exits 1
and names the running workflow to watch instead. Workflow ids are backup-<cluster>-<groupId>-<UTC time>.`;

export function registerBackup(program: Command): void {
  const backup = program
    .command('backup')
    .description('start a backup pipeline: snapshot → wait → export (optional) → restore (optional)');
  const texts = {
    id: 'workflow id (default backup-<cluster>-<groupId>-<UTC time>)',
    wait: 'follow the run with the live view until it ends (exit 1 if it fails)',
    json: 'machine-readable output on stdout',
    examples: EXAMPLE,
  };
  startCommand(addRequestOptions(backup), texts, async (flags: RequestFlags & StartFlags, globals) => {
    const input = buildBackupRequest(flags);
    return withClient(globals, async ({ client }) => {
      const handle = await startBackup(client, input, { taskQueue: taskQueueOf(globals), workflowId: flags.id });
      const summary = (o: RunOutcome) => summarize(o.status, o.result as PipelineResult | undefined, o.failure);
      return followStarted(client, handle, { ...flags, announce: true }, summary);
    });
  });
}
