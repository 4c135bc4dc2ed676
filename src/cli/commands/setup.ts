// `setup`: prepares a namespace for atlas-backup (its search attributes) and the task queue's
// per-project Atlas request budget (src/client/project-pace.ts). Safe to run again.
import type { Command } from 'commander';
import { setupNamespace } from '../../client/namespace-setup.js';
import {
  isOperatorPace,
  parseRequestsPerMinute,
  PROJECT_RPM_ENV,
  readPaceConfig,
  setProjectPace,
  type PaceConfig,
  type PaceReport,
} from '../../client/project-pace.js';
import { taskQueueOf, withClient, type GlobalFlags } from '../connect.js';
import { act, EXIT_OK, UsageError } from '../errors.js';
import { processEnv } from '../../config.js';

/** The per-project budget from the flag, else the env; undefined leaves the task queue's pace as it is. */
function budgetOf(flag: string | undefined): number | undefined {
  const raw = flag ?? processEnv()[PROJECT_RPM_ENV];
  if (raw === undefined) return undefined;
  try {
    return parseRequestsPerMinute(raw, flag !== undefined ? '--project-requests-per-minute' : PROJECT_RPM_ENV);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export function registerSetup(program: Command): void {
  program
    .command('setup')
    .description(
      'register what atlas-backup needs in the namespace (its search attributes) and, if given, the ' +
        'per-project Atlas request budget on the task queue; safe to repeat',
    )
    .option('--json', 'what was added and what was already there, as JSON')
    .option(
      '--project-requests-per-minute <n>',
      `override: Atlas requests per minute per project and endpoint set, across all workers, instead of ` +
        `the pace the workers learn from Atlas (env ${PROJECT_RPM_ENV}; 0 hands pacing back to the workers)`,
    )
    .addHelpText(
      'after',
      '\nExample:\n  $ atlas-backup setup --namespace backups --project-requests-per-minute 100\n' +
        '\nWithout it, workers pace each project by the token buckets Atlas reports (listRateLimits), keeping ' +
        "ATLAS_PACE_HEADROOM (default 20%) for the project's other clients. Either way the Temporal server " +
        'enforces the pace per project × endpoint set (the fairness key of every Atlas activity), for the ' +
        'task queue of --task-queue / TEMPORAL_TASK_QUEUE (docs/operations/pacing.md).',
    )
    .action(
      act(async (flags: { json?: boolean; projectRequestsPerMinute?: string }, cmd: Command) => {
        const globals = cmd.optsWithGlobals<GlobalFlags>();
        const budget = budgetOf(flags.projectRequestsPerMinute);
        return withClient(globals, async ({ client, namespace }) => {
          const report = await setupNamespace(client.connection, namespace);
          const taskQueue = taskQueueOf(globals);
          const pace =
            budget === undefined ? undefined : await setProjectPace(client.connection, namespace, taskQueue, budget);
          const held = await readPaceConfig(client.connection, namespace, taskQueue);
          if (flags.json) {
            process.stdout.write(`${JSON.stringify({ ...report, ...(pace ? { pace } : {}), held }, null, 2)}\n`);
            return EXIT_OK;
          }
          const added = report.added.length ? `added ${report.added.join(', ')}` : 'nothing to add';
          const present = report.present.length ? `; already registered: ${report.present.join(', ')}` : '';
          process.stdout.write(`namespace ${namespace}: search attributes ${added}${present}\n`);
          process.stdout.write(`${paceLine(pace)}\n${heldLine(taskQueue, held)}\n`);
          return EXIT_OK;
        });
      }),
    );
}

function paceLine(pace: PaceReport | undefined): string {
  if (!pace) {
    return (
      'per-project request budget: unchanged (override the learned pace with --project-requests-per-minute ' +
      `or ${PROJECT_RPM_ENV})`
    );
  }
  if (!pace.tasksPerSecond)
    return `task queue ${pace.taskQueue}: per-project request budget removed; workers pace by what Atlas says`;
  return (
    `task queue ${pace.taskQueue}: at most ${pace.requestsPerMinute} Atlas requests per minute per project ` +
    `(${pace.tasksPerSecond.toFixed(3)} activity tasks/s per project, enforced by the Temporal server)\n` +
    `  the server divides it among the activity queue's partitions (Temporal's default: 4): with one ` +
    `partition a project gets its whole pace to the end of a burst (docs/operations/pacing.md)`
  );
}

/** What the server holds now: the operator's figure, the workers' learned pace, or nothing yet. */
function heldLine(taskQueue: string, held: PaceConfig): string {
  const overrides = Object.keys(held.weights).length;
  if (held.defaultRate === undefined)
    return (
      `task queue ${taskQueue}: no pace held yet ` +
      '(workers with ATLAS_PACE=atlas, the default, set it when they start)'
    );
  const rate = `${held.defaultRate.toFixed(3)} activity tasks/s per project × endpoint set`;
  if (isOperatorPace(held)) return `task queue ${taskQueue}: the operator's pace, ${rate}`;
  return (
    `task queue ${taskQueue}: paced by what Atlas says (learned by the workers), ${rate} at Atlas's default ` +
    `Cloud Backups bucket; ${overrides} project bucket(s) paced slower by a weight override`
  );
}
