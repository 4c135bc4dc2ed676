// A schedule by id: looking up one the operator named, and creating one whose id must be new.
import {
  ScheduleNotFoundError,
  type Client,
  type ScheduleDescription,
  type ScheduleHandle,
  type ScheduleOptions,
} from '@temporalio/client';
import type { Command } from 'commander';
import { withClient, type GlobalFlags } from '../../connect.js';
import { act, EXIT_OK, UsageError } from '../../errors.js';

export async function existingSchedule(
  client: Client,
  id: string,
): Promise<{ handle: ScheduleHandle; description: ScheduleDescription }> {
  const handle = client.schedule.getHandle(id);
  try {
    return { handle, description: await handle.describe() };
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) throw new UsageError(`<scheduleId>: no schedule '${id}'`);
    throw err;
  }
}

/**
 * Creates a schedule and prints its id (as JSON with `json`). An id already taken is the operator's
 * to resolve: the error says so, and `remedy` says how.
 */
export async function createNewSchedule(
  client: Client,
  options: ScheduleOptions,
  json: boolean | undefined,
  remedy = 'delete it first',
): Promise<number> {
  const { scheduleId } = options;
  await client.schedule.create(options).catch((err: unknown) => {
    if ((err as Error).name === 'ScheduleAlreadyRunning')
      throw new UsageError(`a schedule '${scheduleId}' already exists: ${remedy}`);
    throw err;
  });
  process.stdout.write(json ? `${JSON.stringify({ scheduleId })}\n` : `${scheduleId}\n`);
  return EXIT_OK;
}

export const ID_ARG = ['<scheduleId>', 'schedule id (sched-backup-<cluster>-<groupId>)'] as const;

/** The action of a subcommand that acts on one named schedule and prints one line. */
export function onSchedule<F extends object>(
  fn: (handle: ScheduleHandle, id: string, flags: F, description: ScheduleDescription) => Promise<string>,
) {
  return act(async (id: string, flags: F, cmd: Command) =>
    withClient(cmd.optsWithGlobals<GlobalFlags>(), async ({ client }) => {
      const { handle, description } = await existingSchedule(client, id);
      process.stdout.write(`${await fn(handle, id, flags, description)}\n`);
      return EXIT_OK;
    }),
  );
}

/** The schedule id of the simulator's demo cluster, for help examples. */
export const EXAMPLE_SCHEDULE_ID = 'sched-backup-demo-cluster-65f1a0c0a1b2c3d4e5f60001';

/** `schedule <name> <scheduleId>` with its description and one example. */
export function scheduleCommand(schedule: Command, name: string, description: string, example: string): Command {
  return schedule
    .command(name)
    .description(description)
    .argument(...ID_ARG)
    .addHelpText('after', `\nExample:\n  $ atlas-backup schedule ${name} ${EXAMPLE_SCHEDULE_ID}${example}`);
}
