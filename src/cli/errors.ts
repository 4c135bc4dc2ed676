// Exit codes and the one-line error every command prints. Stack traces only with --verbose.
import { InvalidInputError } from '../contract/index.js';
import { ConfigError } from '../config.js';

export const EXIT_OK = 0;
export const EXIT_RUN_FAILED = 1;
export const EXIT_BAD_INPUT = 2;

/** An error the CLI reports as one line with a chosen exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_RUN_FAILED,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Bad input: a flag, a field of the request file, or a missing id. Exit code 2. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT_BAD_INPUT);
    this.name = 'UsageError';
  }
}

/** Maps any error to (exit code, one line). Input and configuration problems are exit 2. */
export function describeError(err: unknown): { exitCode: number; line: string } {
  if (err instanceof CliError) return { exitCode: err.exitCode, line: err.message };
  if (err instanceof InvalidInputError)
    return { exitCode: EXIT_BAD_INPUT, line: `${err.what}: ${err.problems.join('; ')}` };
  if (err instanceof ConfigError)
    return { exitCode: EXIT_BAD_INPUT, line: `configuration: ${err.problems.join('; ')}` };
  const message = err instanceof Error ? err.message : String(err);
  // gRPC errors carry multi-line details; the first line says what went wrong.
  return { exitCode: EXIT_RUN_FAILED, line: message.split('\n')[0] ?? message };
}

/** Wraps a command action so its returned exit code becomes the process's exit code. */
export const act =
  <A extends unknown[]>(fn: (...args: A) => Promise<number | void>) =>
  async (...args: A): Promise<void> => {
    const code = await fn(...args);
    if (typeof code === 'number') process.exitCode = code;
  };
