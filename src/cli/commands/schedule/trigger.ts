// `schedule trigger`: run the schedule now, skipped while its previous run goes on.
import { ScheduleOverlapPolicy } from '@temporalio/client';
import type { Command } from 'commander';
import { onSchedule, scheduleCommand } from './existing.js';
import { describeOutcome, outcomeOf } from './outcome.js';

export function registerScheduleTrigger(schedule: Command): void {
  scheduleCommand(
    schedule,
    'trigger',
    'run the schedule now; skipped when its previous run is still going (overlap SKIP, always)',
    '',
  ).action(
    onSchedule(async (handle, id, _flags, before) => {
      // The SDK's default for trigger is ALLOW_ALL, which would start a racing pipeline.
      await handle.trigger(ScheduleOverlapPolicy.SKIP);
      return `triggered ${id}: ${describeOutcome(await outcomeOf(handle, before, 1))}`;
    }),
  );
}
