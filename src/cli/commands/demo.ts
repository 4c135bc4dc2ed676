// `demo`: the whole product on embedded defaults (demo-run.ts does the work).
import { Option, type Command } from 'commander';
import { act } from '../errors.js';
import { list, oneOf, positiveNumber } from '../parse.js';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('the whole product on embedded defaults: dev server, Atlas simulator, worker, one backup pipeline')
    .addOption(
      new Option('--time-scale <x>', 'multiply the simulator durations by x (0.5 = twice as fast)')
        .argParser(positiveNumber)
        .default(1),
    )
    .addOption(
      new Option('--restore <kind>', 'restore after the export (automated: into the restore-target cluster)')
        .argParser(oneOf(['download', 'automated', 'none'] as const))
        .default('automated'),
    )
    .option('--no-export', 'skip the export to the demo bucket')
    .option('--no-data', 'clusters without data (by default they hold data when FerretDB is installed)')
    .option(
      '--collections <db.coll,...>',
      'then drop these collections on the source and recover them from the snapshot (dr --collections)',
      list,
    )
    .option('--ui', 'start the Temporal Web UI and keep everything up until Ctrl-C')
    .option('--json', 'print the result as JSON on stdout (live view on stderr)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ npm run demo\n' +
        '  $ atlas-backup demo --ui --restore download\n' +
        '  $ npm run demo -- --collections shop.orders\n' +
        '  $ atlas-backup demo --time-scale 0.3 --json',
    )
    .action(
      act(
        async (flags: {
          timeScale: number;
          restore: 'download' | 'automated' | 'none';
          export: boolean;
          data: boolean;
          collections?: string[];
          ui?: boolean;
          json?: boolean;
        }) => {
          // The worker SDK, dev server and simulator load only when the demo runs.
          const { runDemo } = await import('./demo-run.js');
          return runDemo({
            timeScale: flags.timeScale,
            restore: flags.restore,
            export: flags.export,
            data: flags.data,
            ...(flags.collections ? { collections: flags.collections } : {}),
            ui: flags.ui ?? false,
            json: flags.json ?? false,
          });
        },
      ),
    );
}
