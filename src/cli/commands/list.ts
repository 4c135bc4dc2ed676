// `list`: recent runs through Temporal visibility, filtered by our search attributes.
import { Option, type Command } from 'commander';
import {
  AtlasCluster,
  AtlasProject,
  BackupPhase,
  DR_PHASES,
  PIPELINE_PHASES,
  RESTORE_TEST_PHASES,
} from '../../contract/index.js';
import {
  EXECUTION_STATUSES,
  listRuns,
  type ExecutionStatusName,
  type RunFilter,
  type RunType,
} from '../../runs/index.js';
import { withClient, type GlobalFlags } from '../connect.js';
import { act, EXIT_OK, UsageError } from '../errors.js';
import { oneOf, wholeNumber } from '../parse.js';

const PHASES = [...new Set<string>([...PIPELINE_PHASES, ...DR_PHASES, ...RESTORE_TEST_PHASES])];

/** Temporal spells it Canceled; runs and summaries say cancelled: both are accepted. */
const executionStatus = (v: string) => oneOf(EXECUTION_STATUSES)(/^cancelled$/i.test(v.trim()) ? 'Canceled' : v);

export interface ListFilters {
  project?: string;
  cluster?: string;
  phase?: string;
  status?: string;
  type?: 'backup' | 'dr' | 'restore-test' | 'all';
}

/** A wait's job phase: pipelines upsert the job's phase for its whole life, not the wait (backup-pipeline.ts). */
const JOB_PHASE_OF_WAIT: Record<string, string> = {
  'waiting-for-snapshot': 'taking-snapshot',
  'waiting-for-export': 'exporting',
  'waiting-for-restore': 'restoring',
};

const phasesOf = (phase: string) => (JOB_PHASE_OF_WAIT[phase] ? [JOB_PHASE_OF_WAIT[phase], phase] : [phase]);
const TYPES: Record<NonNullable<ListFilters['type']>, RunType[]> = {
  backup: ['backupPipeline'],
  dr: ['disasterRecovery'],
  'restore-test': ['restoreTest'],
  all: ['backupPipeline', 'disasterRecovery', 'restoreTest'],
};

/** What `list` asks visibility for: our workflow types, narrowed by search attributes and status. */
export function listFilter(f: ListFilters): RunFilter {
  return {
    types: TYPES[f.type ?? 'all'],
    projects: f.project ? [f.project] : undefined,
    cluster: f.cluster || undefined,
    phases: f.phase ? phasesOf(f.phase) : undefined,
    status: f.status as ExecutionStatusName | undefined,
  };
}

export function registerList(program: Command): void {
  program
    .command('list')
    .description('recent runs, filtered by project, cluster, phase or status (Temporal visibility)')
    .option('-p, --project <groupId>', 'AtlasProject')
    .option('-c, --cluster <name>', 'AtlasCluster')
    .addOption(new Option('--phase <phase>', 'BackupPhase').argParser(oneOf(PHASES)))
    .addOption(new Option('--status <status>', 'execution status').argParser(executionStatus))
    .addOption(
      new Option('--type <type>', 'workflow type')
        .argParser(oneOf(['backup', 'dr', 'restore-test', 'all'] as const))
        .default('all'),
    )
    .option('-n, --limit <n>', 'at most this many runs', wholeNumber, 20)
    .option('--json', 'JSON lines, one run per line')
    .addHelpText(
      'after',
      '\nExamples:\n  $ atlas-backup list --cluster demo-cluster --status running\n' +
        '  $ atlas-backup list --project 65f1a0c0a1b2c3d4e5f60001 --phase waiting-for-export --json',
    )
    .action(
      act(async (flags: ListFilters & { limit: number; json?: boolean }, cmd: Command) =>
        withClient(cmd.optsWithGlobals<GlobalFlags>(), async ({ client }) => {
          if (flags.limit < 1) throw new UsageError('--limit must be >= 1');
          const runs = await listRuns(client, listFilter(flags), flags.limit);
          const rows = runs.map((wf): Record<string, string | undefined> => {
            const sa = wf.typedSearchAttributes;
            return {
              workflowId: wf.workflowId,
              runId: wf.runId,
              type: wf.type,
              status: wf.status.name,
              phase: sa.get(BackupPhase),
              project: sa.get(AtlasProject),
              cluster: sa.get(AtlasCluster),
              startTime: wf.startTime.toISOString(),
              closeTime: wf.closeTime?.toISOString(),
            };
          });
          if (flags.json) {
            for (const r of rows) process.stdout.write(`${JSON.stringify(r)}\n`);
          } else if (!rows.length) {
            process.stdout.write('no runs match\n');
          } else {
            const cols = ['workflowId', 'type', 'status', 'phase', 'cluster', 'startTime'] as const;
            const width = (c: (typeof cols)[number]) => Math.max(c.length, ...rows.map((r) => (r[c] ?? '').length));
            const line = (r: Record<string, string | undefined>) =>
              cols
                .map((c) => (r[c] ?? '-').padEnd(width(c)))
                .join('  ')
                .trimEnd();
            process.stdout.write(
              `${line(Object.fromEntries(cols.map((c) => [c, c.toUpperCase()])))}\n${rows.map(line).join('\n')}\n`,
            );
          }
          return EXIT_OK;
        }),
      ),
    );
}
