// `schedule delete`: delete the schedule (running backups go on).
import type { Command } from 'commander';
import { onSchedule, scheduleCommand } from './existing.js';

export function registerScheduleDelete(schedule: Command): void {
  scheduleCommand(schedule, 'delete', 'delete the schedule (running backups go on)', '').action(
    onSchedule(async (handle, id) => {
      await handle.delete();
      return `deleted ${id}`;
    }),
  );
}
