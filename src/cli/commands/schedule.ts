// `schedule ...`: Temporal Schedules that start backupPipeline for one cluster — cron or interval,
// time zone, jitter, overlap SKIP by default, catch-up window, pause-on-failure, notes.
import { ScheduleNotFoundError, ScheduleOverlapPolicy, type Client, type ScheduleDescription, type ScheduleHandle } from '@temporalio/client';
import { Option, type Command } from 'commander';
import { AtlasCluster, AtlasProject } from '../../contract/index.js';
import { taskQueueOf, withClient, type GlobalFlags } from '../connect.js';
import { act, EXIT_OK, UsageError } from '../errors.js';
import { scheduleIdFor } from '../ids.js';
import { isoTime, oneOf } from '../parse.js';
import { addRequestOptions, buildBackupRequest, type RequestFlags } from './backup.js';
import { actionOf, addTimingOptions, checkTimezone, describeForHumans, OVERLAPS, overlapPolicy, specOf, type Overlap, type TimingFlags } from './schedule-spec.js';

async function existingSchedule(client: Client, id: string): Promise<{ handle: ScheduleHandle; description: ScheduleDescription }> {
  const handle = client.schedule.getHandle(id);
  try {
    return { handle, description: await handle.describe() };
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) throw new UsageError(`<scheduleId>: no schedule '${id}'`);
    throw err;
  }
}

const ID_ARG = ['<scheduleId>', 'schedule id (sched-backup-<cluster>-<groupId>)'] as const;

export function registerSchedule(program: Command): void {
  const schedule = program
    .command('schedule')
    .description('Temporal Schedules that take a cluster\'s backups (cron or interval)')
    .addHelpText('after', '\nExample:\n  $ atlas-backup schedule create -p 65f1a0c0a1b2c3d4e5f60001 -c demo-cluster --cron "0 3 * * *" --timezone Europe/Paris --export-bucket 65f1a0c0a1b2c3d4e5f6b001');

  addTimingOptions(addRequestOptions(schedule.command('create').description('create the schedule of a cluster (id sched-backup-<cluster>-<groupId>)')), false)
    .option('--id <scheduleId>', 'schedule id (default sched-backup-<cluster>-<groupId>)')
    .option('--paused', 'create it paused')
    .option('--json', 'print {"scheduleId": ...}')
    .addHelpText(
      'after',
      `
Examples:
  $ atlas-backup schedule create -p 65f1a0c0a1b2c3d4e5f60001 -c demo-cluster --cron "0 3 * * *" --timezone Europe/Paris --jitter 10m
  $ atlas-backup schedule create --file nightly.yaml --every 6h --overlap skip --catchup-window 1h --pause-on-failure --note "INC-42 policy"

Overlap defaults to skip: a fire while the cluster's previous scheduled run is still going is skipped.`,
    )
    .action(
      act(async (flags: RequestFlags & TimingFlags & { id?: string; paused?: boolean; json?: boolean }, cmd: Command) => {
        const globals = cmd.optsWithGlobals<GlobalFlags>();
        const input = buildBackupRequest(flags);
        const spec = specOf(flags, true)!;
        const scheduleId = flags.id ?? scheduleIdFor(input.groupId, input.clusterName);
        return withClient(globals, async ({ client }) => {
          await client.schedule.create({
            scheduleId,
            spec,
            action: { ...actionOf(input, taskQueueOf(globals)), memo: { scheduleCron: flags.cron ?? [] } },
            policies: {
              overlap: overlapPolicy(flags.overlap ?? 'skip'),
              ...(flags.catchupWindow !== undefined ? { catchupWindow: flags.catchupWindow } : {}),
              pauseOnFailure: flags.pauseOnFailure ?? false,
            },
            state: { paused: flags.paused ?? false, ...(flags.note ? { note: flags.note } : {}) },
            typedSearchAttributes: [
              { key: AtlasProject, value: input.groupId },
              { key: AtlasCluster, value: input.clusterName },
            ],
          }).catch((err: unknown) => {
            if ((err as Error).name === 'ScheduleAlreadyRunning') throw new UsageError(`a schedule '${scheduleId}' already exists: change it with 'schedule update ${scheduleId}' or delete it first`);
            throw err;
          });
          process.stdout.write(flags.json ? `${JSON.stringify({ scheduleId })}\n` : `${scheduleId}\n`);
          return EXIT_OK;
        });
      }),
    );

  schedule
    .command('list')
    .description('the schedules in the namespace')
    .option('--json', 'JSON lines')
    .addHelpText('after', '\nExample:\n  $ atlas-backup schedule list --json')
    .action(
      act(async (flags: { json?: boolean }, cmd: Command) =>
        withClient(cmd.optsWithGlobals<GlobalFlags>(), async ({ client }) => {
          let n = 0;
          for await (const s of client.schedule.list()) {
            n++;
            const action = s.action?.type === 'startWorkflow' ? s.action.workflowType : undefined;
            const row = { scheduleId: s.scheduleId, workflowType: action, paused: s.state.paused, note: s.state.note, nextActionTimes: s.info.nextActionTimes.slice(0, 1).map((t) => t.toISOString()) };
            process.stdout.write(flags.json ? `${JSON.stringify(row)}\n` : `${s.scheduleId}  ${s.state.paused ? 'PAUSED' : 'ACTIVE'}  next ${row.nextActionTimes[0] ?? '-'}${s.state.note ? `  ${s.state.note}` : ''}\n`);
          }
          if (!n && !flags.json) process.stdout.write('no schedules\n');
          return EXIT_OK;
        }),
      ),
    );

  schedule
    .command('describe')
    .description('spec, policies, state, next fire times, recent and running actions')
    .argument(...ID_ARG)
    .option('--json', 'the description as JSON')
    .addHelpText('after', '\nExample:\n  $ atlas-backup schedule describe sched-backup-demo-cluster-65f1a0c0a1b2c3d4e5f60001')
    .action(
      act(async (id: string, flags: { json?: boolean }, cmd: Command) =>
        withClient(cmd.optsWithGlobals<GlobalFlags>(), async ({ client }) => {
          const { description: d } = await existingSchedule(client, id);
          if (flags.json) {
            const { raw: _raw, ...rest } = d as ScheduleDescription & { raw?: unknown };
            process.stdout.write(`${JSON.stringify(rest, null, 2)}\n`);
          } else process.stdout.write(`${describeForHumans(d)}\n`);
          return EXIT_OK;
        }),
      ),
    );

  addTimingOptions(addRequestOptions(schedule.command('update').description('change when, how, or what a schedule runs (only the options given)')), true)
    .argument(...ID_ARG)
    .addHelpText('after', '\nExample:\n  $ atlas-backup schedule update sched-backup-demo-cluster-65f1a0c0a1b2c3d4e5f60001 --cron "30 2 * * *" --jitter 5m')
    .action(
      act(async (id: string, flags: RequestFlags & TimingFlags, cmd: Command) => {
        const globals = cmd.optsWithGlobals<GlobalFlags>();
        const spec = specOf(flags, false);
        checkTimezone(flags.timezone);
        return withClient(globals, async ({ client }) => {
          const { handle, description } = await existingSchedule(client, id);
          const current = description.action.type === 'startWorkflow' ? (description.action.args?.[0] as Record<string, unknown> | undefined) : undefined;
          const changesRequest = Object.keys(flags).some((k) => !['cron', 'every', 'offset', 'timezone', 'jitter', 'overlap', 'catchupWindow', 'pauseOnFailure', 'note'].includes(k));
          // Request flags apply on top of the schedule's current request, validated like `backup`'s.
          const input = changesRequest ? buildBackupRequest({ ...flags, project: flags.project ?? (current?.groupId as string), cluster: flags.cluster ?? (current?.clusterName as string) }) : undefined;
          if (input && current && (input.groupId !== current.groupId || input.clusterName !== current.clusterName)) {
            throw new UsageError('--project/--cluster: a schedule belongs to one cluster; create a new schedule for another one');
          }
          await handle.update((prev) => ({
            ...prev,
            spec: spec ?? (flags.timezone || flags.jitter !== undefined ? { ...prev.spec, ...(flags.timezone ? { timezone: flags.timezone } : {}), ...(flags.jitter !== undefined ? { jitter: flags.jitter } : {}) } : prev.spec),
            action: {
              ...prev.action,
              ...(input ? { args: [input] } : {}),
              ...(spec ? { memo: { ...prev.action.memo, scheduleCron: flags.cron ?? [] } } : {}),
            } as typeof prev.action,
            policies: {
              ...prev.policies,
              ...(flags.overlap ? { overlap: overlapPolicy(flags.overlap) } : {}),
              ...(flags.catchupWindow !== undefined ? { catchupWindow: flags.catchupWindow } : {}),
              ...(flags.pauseOnFailure !== undefined ? { pauseOnFailure: flags.pauseOnFailure } : {}),
            },
            state: { ...prev.state, ...(flags.note !== undefined ? { note: flags.note } : {}) },
          }));
          process.stdout.write(`updated ${id}\n`);
          return EXIT_OK;
        });
      }),
    );

  for (const verb of ['pause', 'unpause'] as const) {
    schedule
      .command(verb)
      .description(verb === 'pause' ? 'stop firing (running backups go on)' : 'fire again')
      .argument(...ID_ARG)
      .option('--note <text>', 'why (shown with the schedule)')
      .addHelpText('after', `\nExample:\n  $ atlas-backup schedule ${verb} sched-backup-demo-cluster-65f1a0c0a1b2c3d4e5f60001 --note "${verb === 'pause' ? 'maintenance window' : 'maintenance over'}"`)
      .action(
        act(async (id: string, flags: { note?: string }, cmd: Command) =>
          withClient(cmd.optsWithGlobals<GlobalFlags>(), async ({ client }) => {
            const { handle } = await existingSchedule(client, id);
            await handle[verb](flags.note ?? `${verb}d with atlas-backup`);
            process.stdout.write(`${verb}d ${id}\n`);
            return EXIT_OK;
          }),
        ),
      );
  }

  schedule
    .command('trigger')
    .description('run the schedule now; skipped when its previous run is still going (overlap SKIP, always)')
    .argument(...ID_ARG)
    .addHelpText('after', '\nExample:\n  $ atlas-backup schedule trigger sched-backup-demo-cluster-65f1a0c0a1b2c3d4e5f60001')
    .action(
      act(async (id: string, _flags: object, cmd: Command) =>
        withClient(cmd.optsWithGlobals<GlobalFlags>(), async ({ client }) => {
          const { handle } = await existingSchedule(client, id);
          // The SDK's default for trigger is ALLOW_ALL, which would start a racing pipeline.
          await handle.trigger(ScheduleOverlapPolicy.SKIP);
          process.stdout.write(`triggered ${id} (skipped if its previous run is still going)\n`);
          return EXIT_OK;
        }),
      ),
    );

  schedule
    .command('backfill')
    .description('take the actions the schedule would have taken between two times')
    .argument(...ID_ARG)
    .requiredOption('--start <time>', 'ISO-8601 start', isoTime)
    .requiredOption('--end <time>', 'ISO-8601 end', isoTime)
    .addOption(new Option('--overlap <policy>', 'overlap policy for the backfilled actions').argParser(oneOf(OVERLAPS)).default('skip'))
    .addHelpText('after', '\nExample:\n  $ atlas-backup schedule backfill sched-backup-demo-cluster-65f1a0c0a1b2c3d4e5f60001 --start 2026-11-20T00:00:00Z --end 2026-11-21T00:00:00Z')
    .action(
      act(async (id: string, flags: { start: Date; end: Date; overlap: Overlap }, cmd: Command) => {
        if (flags.end <= flags.start) throw new UsageError('--end must be after --start');
        return withClient(cmd.optsWithGlobals<GlobalFlags>(), async ({ client }) => {
          const { handle } = await existingSchedule(client, id);
          await handle.backfill({ start: flags.start, end: flags.end, overlap: overlapPolicy(flags.overlap) });
          process.stdout.write(`backfill requested for ${id} from ${flags.start.toISOString()} to ${flags.end.toISOString()}\n`);
          return EXIT_OK;
        });
      }),
    );

  schedule
    .command('delete')
    .description('delete the schedule (running backups go on)')
    .argument(...ID_ARG)
    .addHelpText('after', '\nExample:\n  $ atlas-backup schedule delete sched-backup-demo-cluster-65f1a0c0a1b2c3d4e5f60001')
    .action(
      act(async (id: string, _flags: object, cmd: Command) =>
        withClient(cmd.optsWithGlobals<GlobalFlags>(), async ({ client }) => {
          const { handle } = await existingSchedule(client, id);
          await handle.delete();
          process.stdout.write(`deleted ${id}\n`);
          return EXIT_OK;
        }),
      ),
    );
}
