// `schedule backfill`: take the actions the schedule would have taken between two times.
import { optionalDateToTs } from '@temporalio/common/lib/time.js';
import { Option, type Command } from 'commander';
import { withClient, type GlobalFlags } from '../../connect.js';
import { act, EXIT_OK, UsageError } from '../../errors.js';
import { isoTime, oneOf } from '../../parse.js';
import { EXAMPLE_SCHEDULE_ID, existingSchedule, ID_ARG } from './existing.js';
import { describeOutcome, outcomeOf } from './outcome.js';
import { OVERLAPS, overlapPolicy, type Overlap } from './spec.js';

export function registerScheduleBackfill(schedule: Command): void {
  schedule
    .command('backfill')
    .description('take the actions the schedule would have taken between two times')
    .argument(...ID_ARG)
    .requiredOption('--start <time>', 'ISO-8601 start', isoTime)
    .requiredOption('--end <time>', 'ISO-8601 end', isoTime)
    .addOption(
      new Option('--overlap <policy>', 'overlap policy for the backfilled actions')
        .argParser(oneOf(OVERLAPS))
        .default('skip'),
    )
    .addHelpText(
      'after',
      `\nExample:\n  $ atlas-backup schedule backfill ${EXAMPLE_SCHEDULE_ID} ` +
        '--start 2026-11-20T00:00:00Z --end 2026-11-21T00:00:00Z',
    )
    .action(
      act(async (id: string, flags: { start: Date; end: Date; overlap: Overlap }, cmd: Command) => {
        if (flags.end <= flags.start) throw new UsageError('--end must be after --start');
        const globals = cmd.optsWithGlobals<GlobalFlags>();
        return withClient(globals, async ({ client }) => {
          const { handle, description: before } = await existingSchedule(client, id);
          // How many actions the range holds, as the server computes it, to know when all were decided.
          const { startTime } = await client.workflowService.listScheduleMatchingTimes({
            namespace: client.options.namespace,
            scheduleId: id,
            startTime: optionalDateToTs(flags.start),
            endTime: optionalDateToTs(flags.end),
          });
          await handle.backfill({ start: flags.start, end: flags.end, overlap: overlapPolicy(flags.overlap) });
          const range = `${flags.start.toISOString()} to ${flags.end.toISOString()}`;
          const n = startTime?.length ?? 0;
          const what = n ? describeOutcome(await outcomeOf(handle, before, n)) : 'no fire times in the range';
          process.stdout.write(`backfilled ${id} from ${range}: ${n} fire time(s): ${what}\n`);
          return EXIT_OK;
        });
      }),
    );
}
