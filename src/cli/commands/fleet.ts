// `fleet start|status|watch|cancel|schedule`: a fleetBackup run (one backupPipeline child per
// cluster), its live counts and failures, its final report per cluster, and its Temporal Schedule.
import { WorkflowIdConflictPolicy, type Client, type WorkflowHandle } from '@temporalio/client';
import type { Command } from 'commander';
import {
  fleetStatusQuery,
  type FleetBackupInput,
  type FleetResult,
  type FoldedReports,
  type FleetStatus,
} from '../../contract/index.js';
import { fleetBackup } from '../../workflows/index.js';
import { taskQueueOf, withClient, type GlobalFlags } from '../connect.js';
import { closedRunOutcome } from '../../runs/outcome.js';
import { act, CliError, EXIT_OK, EXIT_RUN_FAILED, UsageError } from '../errors.js';
import { startCommand, type StartFlags } from '../start-command.js';
import { fleetChildPhases, fleetWorkflowId, runsQuery } from '../../runs/index.js';
import { cancelRunning, existingRun } from '../runs.js';
import { addFleetRequestOptions, buildFleetRequest, type FleetFlags } from './fleet-request.js';
import { registerFleetRestoreTest } from './fleet-restore-test.js';
import { registerFleetSchedule } from './fleet-schedule.js';

const P = '65f1a0c0a1b2c3d4e5f60001';
const EXAMPLE = `
Examples:
  $ atlas-backup fleet start --project ${P} --match 'prod-*' --tag env=prod --max-concurrent 20 --wait
  $ atlas-backup fleet start --cluster ${P}/demo-cluster --cluster ${P}/demo-sharded
  $ atlas-backup fleet start --all-projects --type REPLICASET --export-bucket ${P}=65f1a0c0a1b2c3d4e5f6b001

Each cluster runs as a backupPipeline child (id backup-<cluster>-<groupId>-<UTC time>, search attribute
FleetId: the fleet's id). A cluster with a backup already running is reported already-running, not
started. Discovery lists dedicated clusters only: serverless and flex have no on-demand snapshots.`;

const example = (verb: string) => `\nExample:\n  $ atlas-backup fleet ${verb} fleet-20261122T020000000Z\n`;

export function registerFleet(program: Command): void {
  const fleet = program.command('fleet').description('back up many clusters: explicit list or discovered projects');
  const texts = {
    idName: 'fleetId',
    id: 'fleet workflow id (default fleet-<UTC time>)',
    wait: 'follow the fleet until it ends (exit 1 if any cluster failed)',
    json: 'machine-readable output on stdout',
    examples: EXAMPLE,
  };
  const start = addFleetRequestOptions(fleet.command('start').description('start a fleet backup'));
  startCommand(start, texts, async (flags: FleetFlags & StartFlags, globals) => {
    const input = buildFleetRequest(flags);
    return withClient(globals, async ({ client }) => {
      const handle = await startFleet(client, input, taskQueueOf(globals), flags.id ?? fleetWorkflowId());
      if (!flags.wait) {
        process.stdout.write(
          flags.json
            ? `${JSON.stringify({ workflowId: handle.workflowId, fleetId: handle.workflowId })}\n`
            : `${handle.workflowId}\n`,
        );
        return EXIT_OK;
      }
      return watchFleet(handle, !!flags.json);
    });
  });
  const status = {
    verb: 'status',
    description: "a fleet's counts, running children by pipeline phase, and failures so far",
    json: 'the status as JSON',
  };
  onFleet(fleet, status, async ({ client, namespace }, id, json) => {
    const now = await (await existingRun(client, id, namespace)).query(fleetStatusQuery);
    const phases = await fleetChildPhases(client, id);
    const out = json ? JSON.stringify({ workflowId: id, ...now, childPhases: phases }, null, 2) : render(now, phases);
    process.stdout.write(`${out}\n`);
    return EXIT_OK;
  });
  const watchText = 'follow a fleet until it ends, then print its report (exit 1 if any cluster failed)';
  onFleet(
    fleet,
    { verb: 'watch', description: watchText, json: 'print the final report as JSON' },
    async (c, id, json) => watchFleet(await existingRun(c.client, id, c.namespace), json),
  );
  const cancelText = 'cancel a fleet: no new backups start, running ones are cancelled, the report says what ran';
  onFleet(fleet, { verb: 'cancel', description: cancelText }, async ({ client, namespace }, id) => {
    await cancelRunning(client, id, namespace, '<fleetId>', 'fleet watch');
    return EXIT_OK;
  });
  registerFleetSchedule(fleet);
  registerFleetRestoreTest(fleet);
}

type FleetAction = (ctx: { client: Client; namespace: string }, id: string, json: boolean) => Promise<number>;

/** `fleet <verb> <fleetId>`, with --json when the spec says what it prints. */
function onFleet(fleet: Command, spec: { verb: string; description: string; json?: string }, run: FleetAction): void {
  const cmd = fleet.command(spec.verb).description(spec.description).argument('<fleetId>', 'fleet workflow id');
  if (spec.json) cmd.option('--json', spec.json);
  cmd
    .addHelpText('after', example(spec.verb))
    .action(
      act(async (id: string, flags: { json?: boolean }, c: Command) =>
        withClient(c.optsWithGlobals<GlobalFlags>(), (ctx) => run(ctx, id, !!flags.json)),
      ),
    );
}

async function startFleet(client: Client, input: FleetBackupInput, taskQueue: string, workflowId: string) {
  try {
    return await client.workflow.start(fleetBackup, {
      taskQueue,
      workflowId,
      args: [input],
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
    });
  } catch (err) {
    if ((err as Error).name === 'WorkflowExecutionAlreadyStartedError')
      throw new UsageError(
        `--id: a fleet '${workflowId}' is already running; watch it: atlas-backup fleet watch ${workflowId}`,
      );
    throw err;
  }
}

function render(s: FleetStatus, phases: Record<string, number>): string {
  const counts = Object.entries(s.counts)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  const byPhase = Object.entries(phases).map(([k, n]) => `${k} ${n}`);
  const lines = [`${s.fleetId}: ${s.phase} (run ${s.run}), ${s.total} clusters: ${counts || 'none yet'}`];
  if (byPhase.length) lines.push(`  running by phase: ${byPhase.join(', ')}`);
  for (const f of s.failures) lines.push(`  failed ${f.clusterName} (${f.groupId}): ${f.error ?? 'no detail'}`);
  if (s.folded) lines.push(foldedLine(s.fleetId, s.folded));
  return lines.join('\n');
}

/** Reports a large fleet only counts (workflows/fleet-reports.ts), and where each cluster's details are. */
export function foldedLine(fleetId: string, folded: FoldedReports): string {
  const by = Object.entries(folded.byOutcome)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  return (
    `  ${folded.count} more clusters counted, not listed (${by}): each one's own run has its details, ` +
    `temporal workflow list --query "${runsQuery({ fleetId })}"`
  );
}

/** Polls the status query until the fleet ends; prints a line whenever the counts change. */
async function watchFleet(handle: WorkflowHandle, json: boolean): Promise<number> {
  const out = json ? process.stderr : process.stdout;
  let last = '';
  const done = handle.result() as Promise<FleetResult>;
  let finished = false;
  void done.finally(() => (finished = true)).catch(() => undefined);
  while (!finished) {
    const s = await handle.query(fleetStatusQuery).catch(() => undefined);
    const line = s ? render({ ...s, failures: [] }, {}) : '';
    if (line && line !== last) out.write(`${line}\n`);
    last = line || last;
    await Promise.race([done.catch(() => undefined), new Promise((r) => setTimeout(r, 2000))]);
  }
  const result = await done.catch(async (err: unknown) => {
    // The fleet's own failure (its discovery's, say), not the SDK's "Workflow execution failed".
    const { failure } = await closedRunOutcome(handle);
    throw new CliError(`${handle.workflowId}: failed: ${failure ?? String(err)}`);
  });
  if (json) process.stdout.write(`${JSON.stringify({ workflowId: handle.workflowId, ...result })}\n`);
  else {
    process.stdout.write(`${result.fleetId}: ${result.outcome} after ${result.runs} run(s)\n`);
    for (const c of result.clusters) {
      const ids = [c.snapshotId && `snapshot ${c.snapshotId}`, c.exportJobId && `export ${c.exportJobId}`];
      const detail = [...ids, c.durationSeconds !== undefined && `${c.durationSeconds}s`, c.error].filter(Boolean);
      process.stdout.write(`  ${c.outcome.padEnd(15)} ${c.clusterName} (${c.groupId}) ${detail.join(', ')}\n`);
    }
    if (result.folded) process.stdout.write(`${foldedLine(result.fleetId, result.folded)}\n`);
  }
  return result.outcome === 'completed' ? EXIT_OK : EXIT_RUN_FAILED;
}
