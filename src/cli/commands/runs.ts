// `status`, `watch`, `list`, `cancel`: looking at runs, by workflow id or through visibility.
import { WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import { Option, type Command } from 'commander';
import { AtlasCluster, AtlasProject, BackupPhase } from '../../contract/index.js';
import { DR_PHASES, PIPELINE_PHASES } from '../../contract/index.js';
import { withClient, type GlobalFlags } from '../connect.js';
import { act, EXIT_OK, EXIT_RUN_FAILED, UsageError } from '../errors.js';
import { q } from '../ids.js';
import { fetchStatus, followRun } from '../live.js';
import { oneOf, wholeNumber } from '../parse.js';
import { renderStatus } from '../render.js';
import { succeeded, summarizeAny } from './summary.js';

/** A handle on an existing run; an unknown id is bad input (exit 2). */
export async function existingRun(client: Client, id: string, namespace: string): Promise<WorkflowHandle> {
  const handle = client.workflow.getHandle(id);
  try {
    await handle.describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new UsageError(`<id>: no run with workflow id '${id}' in namespace ${namespace}`);
    throw err;
  }
  return handle;
}

const EXECUTION_STATUSES = ['Running', 'Completed', 'Failed', 'Canceled', 'Terminated', 'TimedOut', 'ContinuedAsNew'] as const;
const PHASES = [...new Set<string>([...PIPELINE_PHASES, ...DR_PHASES])];

export interface ListFilters {
  project?: string;
  cluster?: string;
  phase?: string;
  status?: string;
  type?: 'backup' | 'dr' | 'all';
}

/** The visibility query for `list`: our workflow types, narrowed by search attributes and status. */
export function listQuery(f: ListFilters): string {
  const types = f.type === 'backup' ? ["'backupPipeline'"] : f.type === 'dr' ? ["'disasterRecovery'"] : ["'backupPipeline'", "'disasterRecovery'"];
  const parts = [`WorkflowType IN (${types.join(', ')})`];
  if (f.project) parts.push(`${AtlasProject.name} = ${q(f.project)}`);
  if (f.cluster) parts.push(`${AtlasCluster.name} = ${q(f.cluster)}`);
  if (f.phase) parts.push(`${BackupPhase.name} = ${q(f.phase)}`);
  if (f.status) parts.push(`ExecutionStatus = ${q(f.status)}`);
  return parts.join(' AND ');
}

export function registerRuns(program: Command): void {
  program
    .command('status')
    .description("a run's phase, timeline, Atlas ids, export progress, attempts, next poll and last error")
    .argument('<id>', 'workflow id (e.g. backup-<cluster>-<groupId>-<UTC time>)')
    .option('--json', 'the live status as JSON')
    .addHelpText('after', '\nExample:\n  $ atlas-backup status backup-demo-cluster-65f1a0c0a1b2c3d4e5f60001-20261122T030000000Z --json')
    .action(
      act(async (id: string, flags: { json?: boolean }, cmd: Command) =>
        withClient(cmd.optsWithGlobals<GlobalFlags>(), async ({ client, namespace }) => {
          const handle = await existingRun(client, id, namespace);
          const { status, result, failure } = await fetchStatus(client, handle);
          process.stdout.write(flags.json ? `${JSON.stringify({ ...status, result, failure }, null, 2)}\n` : `${renderStatus(status)}\n`);
          return EXIT_OK;
        }),
      ),
    );

  program
    .command('watch')
    .description('follow a run live until it ends (Ctrl-C stops watching; the run goes on)')
    .argument('<id>', 'workflow id')
    .option('--interval <ms>', 'refresh interval in milliseconds', wholeNumber, 500)
    .addHelpText('after', '\nExample:\n  $ atlas-backup watch backup-demo-cluster-65f1a0c0a1b2c3d4e5f60001-20261122T030000000Z\n\nExit code: 0 when the run completed, 1 when it failed or was cancelled, 0 when you stop watching.')
    .action(
      act(async (id: string, flags: { interval: number }, cmd: Command) =>
        withClient(cmd.optsWithGlobals<GlobalFlags>(), async ({ client, namespace }) => {
          const handle = await existingRun(client, id, namespace);
          const stop = new AbortController();
          const onSigint = () => stop.abort();
          // Ctrl-C only ends this view: nothing here ever cancels the workflow.
          process.on('SIGINT', onSigint);
          try {
            const outcome = await followRun(client, handle, { intervalMs: Math.max(50, flags.interval), signal: stop.signal });
            if (outcome.stopped) {
              process.stdout.write(`\nStopped watching; ${id} keeps running (phase ${outcome.status.phase}).\n`);
              return EXIT_OK;
            }
            process.stdout.write(`\n${summarizeAny(outcome.status, outcome.result, outcome.failure)}\n`);
            return succeeded(outcome.status, outcome.result) ? EXIT_OK : EXIT_RUN_FAILED;
          } finally {
            process.off('SIGINT', onSigint);
          }
        }),
      ),
    );

  program
    .command('list')
    .description('recent runs, filtered by project, cluster, phase or status (Temporal visibility)')
    .option('-p, --project <groupId>', 'AtlasProject')
    .option('-c, --cluster <name>', 'AtlasCluster')
    .addOption(new Option('--phase <phase>', 'BackupPhase').argParser(oneOf(PHASES)))
    .addOption(new Option('--status <status>', 'execution status').argParser(oneOf(EXECUTION_STATUSES)))
    .addOption(new Option('--type <type>', 'workflow type').argParser(oneOf(['backup', 'dr', 'all'] as const)).default('all'))
    .option('-n, --limit <n>', 'at most this many runs', wholeNumber, 20)
    .option('--json', 'JSON lines, one run per line')
    .addHelpText('after', '\nExamples:\n  $ atlas-backup list --cluster demo-cluster --status running\n  $ atlas-backup list --project 65f1a0c0a1b2c3d4e5f60001 --phase waiting-for-export --json')
    .action(
      act(async (flags: ListFilters & { limit: number; json?: boolean }, cmd: Command) =>
        withClient(cmd.optsWithGlobals<GlobalFlags>(), async ({ client }) => {
          if (flags.limit < 1) throw new UsageError('--limit must be >= 1');
          const rows: Record<string, string | undefined>[] = [];
          for await (const wf of client.workflow.list({ query: listQuery(flags), pageSize: Math.min(flags.limit, 100) })) {
            const sa = wf.typedSearchAttributes;
            rows.push({
              workflowId: wf.workflowId,
              runId: wf.runId,
              type: wf.type,
              status: wf.status.name,
              phase: sa.get(BackupPhase),
              project: sa.get(AtlasProject),
              cluster: sa.get(AtlasCluster),
              startTime: wf.startTime.toISOString(),
              closeTime: wf.closeTime?.toISOString(),
            });
            if (rows.length >= flags.limit) break;
          }
          if (flags.json) {
            for (const r of rows) process.stdout.write(`${JSON.stringify(r)}\n`);
          } else if (!rows.length) {
            process.stdout.write('no runs match\n');
          } else {
            const cols = ['workflowId', 'type', 'status', 'phase', 'cluster', 'startTime'] as const;
            const width = (c: (typeof cols)[number]) => Math.max(c.length, ...rows.map((r) => (r[c] ?? '').length));
            const line = (r: Record<string, string | undefined>) => cols.map((c) => (r[c] ?? '-').padEnd(width(c))).join('  ').trimEnd();
            process.stdout.write(`${line(Object.fromEntries(cols.map((c) => [c, c.toUpperCase()])))}\n${rows.map(line).join('\n')}\n`);
          }
          return EXIT_OK;
        }),
      ),
    );

  program
    .command('cancel')
    .description('request cancellation of a run (the pipeline cancels an Atlas restore it started and records what it left)')
    .argument('<id>', 'workflow id')
    .addHelpText('after', '\nExample:\n  $ atlas-backup cancel backup-demo-cluster-65f1a0c0a1b2c3d4e5f60001-20261122T030000000Z')
    .action(
      act(async (id: string, _flags: object, cmd: Command) =>
        withClient(cmd.optsWithGlobals<GlobalFlags>(), async ({ client, namespace }) => {
          const handle = await existingRun(client, id, namespace);
          const d = await handle.describe();
          if (d.status.name !== 'RUNNING') throw new UsageError(`<id>: ${id} is not running (status ${d.status.name}); nothing to cancel`);
          await handle.cancel();
          process.stdout.write(`cancellation requested for ${id}; follow it with: atlas-backup watch ${id}\n`);
          return EXIT_OK;
        }),
      ),
    );
}
