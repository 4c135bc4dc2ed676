// `schedule ...`: Temporal Schedules that start backupPipeline for one cluster — cron or interval,
// time zone, jitter, overlap SKIP by default, catch-up window, pause-on-failure, notes.
import type { Command } from 'commander';
import { registerScheduleBackfill } from './backfill.js';
import { registerScheduleCreate } from './create.js';
import { registerScheduleDelete } from './delete.js';
import { registerScheduleDescribe } from './describe.js';
import { registerScheduleList } from './list.js';
import { registerSchedulePause } from './pause.js';
import { registerScheduleTrigger } from './trigger.js';
import { registerScheduleUpdate } from './update.js';

export function registerSchedule(program: Command): void {
  const schedule = program
    .command('schedule')
    .description("Temporal Schedules that take a cluster's backups (cron or interval)")
    .addHelpText(
      'after',
      '\nExample:\n  $ atlas-backup schedule create -p 65f1a0c0a1b2c3d4e5f60001 -c demo-cluster ' +
        '--cron "0 3 * * *" --timezone Europe/Paris --export-bucket 65f1a0c0a1b2c3d4e5f6b001',
    );

  for (const register of [
    registerScheduleCreate,
    registerScheduleList,
    registerScheduleDescribe,
    registerScheduleUpdate,
    registerSchedulePause,
    registerScheduleTrigger,
    registerScheduleBackfill,
    registerScheduleDelete,
  ]) {
    register(schedule);
  }
}
