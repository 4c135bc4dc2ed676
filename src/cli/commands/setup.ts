// `setup`: prepares a namespace for atlas-backup (its search attributes). Safe to run again.
import type { Command } from 'commander';
import { setupNamespace } from '../../client/namespace-setup.js';
import { withClient, type GlobalFlags } from '../connect.js';
import { act, EXIT_OK } from '../errors.js';

export function registerSetup(program: Command): void {
  program
    .command('setup')
    .description('register what atlas-backup needs in the namespace (its search attributes); safe to repeat')
    .option('--json', 'what was added and what was already there, as JSON')
    .addHelpText(
      'after',
      '\nExample:\n  $ atlas-backup setup --namespace backups\n' +
        '\nThe search attributes are the only thing a namespace needs today; the dev server of' +
        ' `npm run demo` has them already.',
    )
    .action(
      act(async (flags: { json?: boolean }, cmd: Command) =>
        withClient(cmd.optsWithGlobals<GlobalFlags>(), async ({ client, namespace }) => {
          const report = await setupNamespace(client.connection, namespace);
          if (flags.json) {
            process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
            return EXIT_OK;
          }
          const added = report.added.length ? `added ${report.added.join(', ')}` : 'nothing to add';
          const present = report.present.length ? `; already registered: ${report.present.join(', ')}` : '';
          process.stdout.write(`namespace ${namespace}: search attributes ${added}${present}\n`);
          process.stdout.write('(search attributes are all a namespace needs for atlas-backup today)\n');
          return EXIT_OK;
        }),
      ),
    );
}
