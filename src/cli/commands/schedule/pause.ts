// `schedule pause / unpause`: stop or resume firing, with a note.
import type { Command } from 'commander';
import { EXAMPLE_SCHEDULE_ID, ID_ARG, onSchedule } from './existing.js';

export function registerSchedulePause(schedule: Command): void {
  for (const verb of ['pause', 'unpause'] as const) {
    const exampleNote = verb === 'pause' ? 'maintenance window' : 'maintenance over';
    schedule
      .command(verb)
      .description(verb === 'pause' ? 'stop firing (running backups go on)' : 'fire again')
      .argument(...ID_ARG)
      .option('--note <text>', 'why (shown with the schedule; default: keep the current note)')
      .addHelpText(
        'after',
        `\nExample:\n  $ atlas-backup schedule ${verb} ${EXAMPLE_SCHEDULE_ID} --note "${exampleNote}"`,
      )
      .action(
        onSchedule<{ note?: string }>(async (handle, id, flags, description) => {
          // The SDK writes a note of its own when given none: pass the current one so it stays.
          await handle[verb](flags.note ?? description.state.note ?? `${verb}d with atlas-backup`);
          return `${verb}d ${id}`;
        }),
      );
  }
}
