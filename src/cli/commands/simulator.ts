// `simulator`: the local Atlas API until Ctrl-C. Its modules load only when the command runs.
import { CommanderError, type Command } from 'commander';
import { act, UsageError } from '../errors.js';

export function registerSimulator(program: Command): void {
  program
    .command('simulator')
    .description('run the local Atlas API simulator (demo resources seeded) until Ctrl-C')
    .allowUnknownOption()
    .allowExcessArguments()
    .helpOption(false)
    .addHelpText(
      'after',
      `
Options: --port <port> --host <host> --config <file.json> --state <file> --no-auth --time-scale <x> --log-requests

Example:
  $ atlas-backup simulator --port 8080 --time-scale 0.5`,
    )
    .action(
      act(async (_flags: object, cmd: Command) => {
        if (cmd.args.includes('--help') || cmd.args.includes('-h')) {
          cmd.outputHelp();
          return 0;
        }
        const { runSimulatorCli } = await import('../../simulator/cli.js');
        try {
          await runSimulatorCli(cmd.args);
        } catch (err) {
          if (err instanceof CommanderError) throw new UsageError(err.message.replace(/^error: /, ''));
          if (err instanceof Error && /^--[\w-]+:/.test(err.message)) throw new UsageError(err.message);
          throw err;
        }
        // The server keeps the process alive; the simulator's own signal handler stops it.
        return undefined;
      }),
    );
}
