// `snapshots prune`: delete our on-demand snapshots of clusters by age and count, a dry run unless
// --apply. It reads what the pruneSnapshots workflow reads (src/snapshots) with the CLI's own Atlas
// and Temporal clients; `--schedule <cron>` instead makes a Temporal Schedule that runs that workflow.
import type { Client } from '@temporalio/client';
import type { Command } from 'commander';
import {
  parseOrThrow,
  pruneScheduleIdFor,
  pruneWorkflowId,
  pruneSnapshotsInputSchema,
  type PruneSnapshotsInput,
  type PruneSnapshotsResult,
} from '../../contract/index.js';
import { deleteSnapshotOnce, planClusterPrune } from '../../snapshots/index.js';
import { taskQueueOf, withClient, type GlobalFlags } from '../connect.js';
import { act, EXIT_OK, EXIT_RUN_FAILED, UsageError } from '../errors.js';
import { duration, wholeNumber } from '../parse.js';
import { pruneSnapshots } from '../../workflows/index.js';
import { withAtlas } from './buckets.js';
import { checkCluster } from './snapshots-flags.js';
import { checkTimezone } from './schedule/spec.js';
import { checkCron } from './schedule/cron.js';

interface PruneFlags {
  project: string;
  cluster: string[];
  olderThan?: number;
  keepLast?: number;
  apply?: boolean;
  json?: boolean;
  schedule?: string;
  timezone?: string;
  scheduleId?: string;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];
const DAY_MS = 86_400_000;

function inputOf(f: PruneFlags): PruneSnapshotsInput {
  checkCluster({ project: f.project });
  for (const c of f.cluster) checkCluster({ project: f.project, cluster: c });
  if (f.olderThan === undefined && f.keepLast === undefined)
    throw new UsageError('--older-than or --keep-last is required (which of our snapshots to prune)');
  const rules = {
    ...(f.olderThan !== undefined ? { olderThanDays: f.olderThan / DAY_MS } : {}),
    ...(f.keepLast !== undefined ? { keepLast: f.keepLast } : {}),
  };
  const input = { groupId: f.project, clusterNames: [...new Set(f.cluster)], rules, apply: f.apply ?? false };
  parseOrThrow(pruneSnapshotsInputSchema(), input, 'prune request');
  return input;
}

/** The same steps as the pruneSnapshots workflow, in this process. */
async function pruneNow(temporal: Client, input: PruneSnapshotsInput): Promise<PruneSnapshotsResult> {
  return withAtlas(async (atlas) => {
    const result: PruneSnapshotsResult = { apply: input.apply ?? false, clusters: [] };
    for (const clusterName of input.clusterNames) {
      const plan = await planClusterPrune(
        { atlas, temporal },
        { groupId: input.groupId, clusterName, rules: input.rules },
      );
      const deleted: string[] = [];
      for (const d of plan.refused || !input.apply ? [] : plan.decisions.filter((x) => x.action === 'delete')) {
        const outcome = await deleteSnapshotOnce(atlas, { ...plan, snapshotId: d.snapshotId });
        deleted.push(d.snapshotId);
        if (outcome === 'already gone') d.why += ' (it was already gone)';
      }
      result.clusters.push({ ...plan, deleted });
    }
    return result;
  });
}

export function renderPrune(r: PruneSnapshotsResult): string {
  const lines: string[] = [];
  for (const c of r.clusters) {
    const where = `cluster '${c.clusterName}' (project ${c.groupId})`;
    if (c.refused) {
      lines.push(`${where}: refused: ${c.refused}`);
      continue;
    }
    const doomed = c.decisions.filter((d) => d.action === 'delete').length;
    const kept = c.decisions.length - doomed;
    const head = r.apply ? `deleted ${c.deleted.length}` : `dry run: would delete ${doomed}`;
    lines.push(`${where}: ${head}, keeps ${kept} of our snapshots`);
    for (const d of c.decisions) {
      const verb = d.action === 'keep' ? 'keep  ' : r.apply ? 'delete' : 'would delete';
      lines.push(`  ${verb} ${d.snapshotId}  ${d.createdAt ?? '-'}  ${d.why}`);
    }
  }
  if (!r.apply && r.clusters.some((c) => !c.refused)) lines.push('dry run: nothing was deleted; add --apply to delete');
  return lines.join('\n');
}

async function schedulePrune(client: Client, f: PruneFlags, input: PruneSnapshotsInput, queue: string) {
  checkCron(f.schedule!);
  checkTimezone(f.timezone);
  const scheduleId = f.scheduleId ?? pruneScheduleIdFor(input.groupId);
  await client.schedule
    .create({
      scheduleId,
      spec: { cronExpressions: [f.schedule!], ...(f.timezone ? { timezone: f.timezone } : {}) },
      action: {
        type: 'startWorkflow',
        workflowType: pruneSnapshots,
        args: [input],
        taskQueue: queue,
        workflowId: pruneWorkflowId(input.groupId),
      },
    })
    .catch((err: unknown) => {
      if ((err as Error).name === 'ScheduleAlreadyRunning')
        throw new UsageError(
          `a schedule '${scheduleId}' already exists: delete it first (schedule delete ${scheduleId})`,
        );
      throw err;
    });
  return scheduleId;
}

export function registerPrune(group: Command): void {
  group
    .command('prune')
    .description('delete our on-demand snapshots by age and count per cluster (a dry run unless --apply)')
    .requiredOption('-p, --project <groupId>', 'Atlas project (groupId)')
    .requiredOption('-c, --cluster <name>', 'cluster to prune (repeatable)', collect)
    .option('--older-than <duration>', 'prune ours older than this, e.g. 30d', duration)
    .option('--keep-last <n>', 'always keep the newest N of ours per cluster', wholeNumber)
    .option('--apply', 'delete (without it, only print what would be deleted and why)')
    .option('--json', 'the plan and what was deleted, as JSON')
    .option('--schedule <cron>', 'instead of pruning now, create a Temporal Schedule that prunes, e.g. "0 4 * * *"')
    .option('--timezone <iana>', 'time zone of --schedule (default UTC)')
    .option('--schedule-id <id>', 'schedule id (default sched-prune-<groupId>)')
    .addHelpText(
      'after',
      `
Examples:
  $ atlas-backup snapshots prune -p 65f1a0c0a1b2c3d4e5f60001 -c demo-cluster --older-than 30d --keep-last 3
  $ atlas-backup snapshots prune -p 65f1a0c0a1b2c3d4e5f60001 -c demo-cluster --older-than 30d --apply
  $ atlas-backup snapshots prune -p 65f1a0c0a1b2c3d4e5f60001 -c demo-cluster --older-than 30d --apply \\
      --schedule "0 4 * * *" --timezone Europe/Paris

Only snapshots our runs took (their description carries [atlas-backup:<workflowId>:<runId>]) are candidates.
Never pruned: one an export or restore job in progress reads, one a running run uses, and nothing at all
in a project under a Backup Compliance Policy (or whose policy these credentials cannot read).`,
    )
    .action(
      act(async (f: PruneFlags, cmd: Command) => {
        const input = inputOf(f);
        const globals = cmd.optsWithGlobals<GlobalFlags>();
        return withClient(globals, async ({ client }) => {
          if (f.schedule !== undefined) {
            const id = await schedulePrune(client, f, input, taskQueueOf(globals));
            process.stdout.write(f.json ? `${JSON.stringify({ scheduleId: id })}\n` : `${id}\n`);
            return EXIT_OK;
          }
          const result = await pruneNow(client, input);
          process.stdout.write(`${f.json ? JSON.stringify(result) : renderPrune(result)}\n`);
          return result.clusters.some((c) => c.refused) ? EXIT_RUN_FAILED : EXIT_OK;
        });
      }),
    );
}
