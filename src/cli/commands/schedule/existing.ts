// Looking up a schedule the operator named by id.
import { ScheduleNotFoundError, type Client, type ScheduleDescription, type ScheduleHandle } from '@temporalio/client';
import { UsageError } from '../../errors.js';

export async function existingSchedule(client: Client, id: string): Promise<{ handle: ScheduleHandle; description: ScheduleDescription }> {
  const handle = client.schedule.getHandle(id);
  try {
    return { handle, description: await handle.describe() };
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) throw new UsageError(`<scheduleId>: no schedule '${id}'`);
    throw err;
  }
}

export const ID_ARG = ['<scheduleId>', 'schedule id (sched-backup-<cluster>-<groupId>)'] as const;
