// The `atlas-backup` program without its commands: global options, help, exit codes, error lines.
// src/cli/main.ts adds every command; src/cli/worker-main.ts only `worker`, for the worker thread
// bin/atlas-backup.js starts (so the worker's heap never holds the other commands' modules).
// Exit codes: 0 ok, 1 a run failed (or was refused), 2 bad input (a flag, a request field, a
// configuration variable). Errors are one line naming the flag or field; --verbose adds the stack trace.
import { createRequire } from 'node:module';
import { Command, CommanderError, Option } from 'commander';
import { temporalConfig, type GlobalFlags } from './connect.js';
import { describeError, EXIT_BAD_INPUT } from './errors.js';

/** Adds one command (src/cli/commands) to the program. */
export type RegisterCommand = (program: Command) => void;

// package.json sits two levels up from both src/cli/program.ts and dist/cli/program.js.
const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/** Commands that keep serving after their action returns; the others exit at once. */
const LONG_RUNNING = new Set(['simulator']);
let ranCommand: string | undefined;

export function buildProgram(commands: RegisterCommand[]): Command {
  const program = new Command('atlas-backup')
    .description(
      'Durable MongoDB Atlas Cloud Backup operations on Temporal: snapshot, export, restore, disaster recovery',
    )
    .version(version, '-V, --version', 'print the atlas-backup version')
    .option('--address <host:port>', 'Temporal frontend (env TEMPORAL_ADDRESS, default localhost:7233)')
    .option('--namespace <ns>', 'Temporal namespace (env TEMPORAL_NAMESPACE, default "default")')
    .option('--task-queue <name>', 'task queue of the workers (env TEMPORAL_TASK_QUEUE, default atlas-backup)')
    .addOption(new Option('--api-key <key>', 'Temporal Cloud API key (prefer env TEMPORAL_API_KEY)').hideHelp())
    .option('--tls-cert <path>', 'mTLS client certificate (env TEMPORAL_TLS_CLIENT_CERT_PATH)')
    .option('--tls-key <path>', 'mTLS client key (env TEMPORAL_TLS_CLIENT_KEY_PATH)')
    .option('--tls-ca <path>', 'server CA certificate (env TEMPORAL_TLS_SERVER_CA_CERT_PATH)')
    .option('--tls-server-name <name>', 'TLS server name override (env TEMPORAL_TLS_SERVER_NAME)')
    .option('-v, --verbose', 'print stack traces with errors')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .addHelpText(
      'after',
      `
Examples:
  $ npm run demo                                   # everything local, no setup
  $ atlas-backup backup -p 65f1a0c0a1b2c3d4e5f60001 -c demo-cluster --wait
  $ atlas-backup schedule create -p 65f1a0c0a1b2c3d4e5f60001 -c demo-cluster --cron "0 3 * * *" --timezone Europe/Paris

Connection: Temporal's standard TEMPORAL_* variables, or a profile of the TOML config file
(TEMPORAL_PROFILE, TEMPORAL_CONFIG_FILE, default ~/.config/temporalio/temporal.toml); flags win.
Exit codes: 0 ok, 1 a run failed or was refused, 2 bad input.`,
    );
  program.hook('preAction', (_program, action) => {
    ranCommand = action.name();
  });
  for (const register of commands) register(program);
  return program;
}

export async function main(commands: RegisterCommand[], argv: string[] = process.argv): Promise<number> {
  const program = buildProgram(commands);
  const verbose = argv.includes('--verbose') || argv.includes('-v');
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander already printed its message (it names the flag); help and version are not errors.
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help'
        ? 0
        : EXIT_BAD_INPUT;
    }
    const { exitCode, line } = describeError(err, namespaceInUse(program));
    process.stderr.write(`atlas-backup: ${line}\n`);
    if (verbose && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    return exitCode;
  }
  return typeof process.exitCode === 'number' ? process.exitCode : 0;
}

/** The namespace the command used, for error lines that name it (undefined when the configuration is bad). */
function namespaceInUse(program: Command): string | undefined {
  try {
    return temporalConfig(program.opts<GlobalFlags>()).namespace;
  } catch {
    return undefined;
  }
}

/** Runs the program on process.argv and exits with its code (long-running commands keep serving). */
export function run(commands: RegisterCommand[]): void {
  main(commands).then(
    (code) => {
      if (ranCommand && LONG_RUNNING.has(ranCommand) && code === 0) return;
      process.exit(code);
    },
    (err: unknown) => {
      process.stderr.write(`atlas-backup: ${String(err)}\n`);
      process.exit(1);
    },
  );
}
