// Long-running commands: `worker`, `simulator`, and `demo` (which starts everything itself).
// Their heavy modules (worker SDK, simulator, dev server) load only when the command runs.
import { CommanderError, Option, type Command } from 'commander';
import { envWithFlags, type GlobalFlags } from '../connect.js';
import { act, UsageError } from '../errors.js';
import { oneOf, positiveNumber } from '../parse.js';


export function registerServers(program: Command): void {
  program
    .command('worker')
    .description('run a worker: Temporal connection from TEMPORAL_* (or the global flags), Atlas from MONGODB_ATLAS_*')
    .addHelpText(
      'after',
      `
Example:
  $ TEMPORAL_ADDRESS=localhost:7233 MONGODB_ATLAS_CLIENT_ID=... MONGODB_ATLAS_CLIENT_SECRET=... atlas-backup worker

SIGINT/SIGTERM stop polling and let in-flight activities finish (or hand them back to Temporal).
Exit code 2 when a variable is missing or invalid (each one is named).`,
    )
    .action(
      act(async (_flags: object, cmd: Command) => {
        const { runWorkerFromEnv } = await import('../../worker.js');
        await runWorkerFromEnv(envWithFlags(cmd.optsWithGlobals<GlobalFlags>()));
      }),
    );

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

  program
    .command('demo')
    .description('the whole product on embedded defaults: dev server, Atlas simulator, worker, one backup pipeline')
    .addOption(new Option('--time-scale <x>', 'multiply the simulator durations by x (0.5 = twice as fast)').argParser(positiveNumber).default(1))
    .addOption(new Option('--restore <kind>', 'restore after the export').argParser(oneOf(['download', 'automated', 'none'] as const)).default('download'))
    .option('--no-export', 'skip the export to the demo bucket')
    .option('--ui', 'start the Temporal Web UI and keep everything up until Ctrl-C')
    .option('--json', 'print the result as JSON on stdout (live view on stderr)')
    .addHelpText('after', '\nExamples:\n  $ npm run demo\n  $ atlas-backup demo --ui --restore automated\n  $ atlas-backup demo --time-scale 0.3 --json')
    .action(
      act(async (flags: { timeScale: number; restore: 'download' | 'automated' | 'none'; export: boolean; ui?: boolean; json?: boolean }) => {
        const { runDemo } = await import('./demo.js');
        return runDemo({ timeScale: flags.timeScale, restore: flags.restore, export: flags.export, ui: flags.ui ?? false, json: flags.json ?? false });
      }),
    );
}
