// Exit codes and the one-line error every command prints. Stack traces only with --verbose.
import type { AtlasApiError } from '../atlas/index.js';
import { adviceForAtlasError, ALL_SEARCH_ATTRIBUTES, InvalidInputError } from '../contract/index.js';
import { ConfigError } from '../config.js';
import { ENCODING_ENCRYPTED } from '../codec/encryption-codec.js';
import { KEY_FILE_VAR, KEYS_VAR } from '../codec/keys.js';

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

// How Temporal says a namespace lacks a search attribute: on start (SQL and Elasticsearch visibility) and on a
// list query that filters on one.
const MISSING_SEARCH_ATTRIBUTE = [
  /Namespace (\S+) has no mapping defined for search attribute (\w+)/,
  /search attribute (\w+) is not defined/i,
  /invalid search attribute: (\w+)/,
];

/** The namespace is not set up: one line naming the attribute, all of ours, and `atlas-backup setup`. */
function missingSearchAttribute(err: unknown, namespaceInUse?: string): string | undefined {
  // The SDK wraps the gRPC error ("Failed to start Workflow"); the server's words are in its cause.
  for (let e = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const text = `${e.message} ${String((e as { details?: unknown }).details ?? '')}`;
    for (const re of MISSING_SEARCH_ATTRIBUTE) {
      const m = re.exec(text);
      if (!m) continue;
      const [namespace, name] = m.length === 3 ? [m[1], m[2]] : [undefined, m[1]];
      const ours = ALL_SEARCH_ATTRIBUTES.map((k) => k.name).join(', ');
      const where = namespace ?? namespaceInUse ?? '(the one in use)';
      return (
        `namespace ${where} lacks the search attribute ${name}; atlas-backup needs ${ours}: ` +
        'register them with `atlas-backup setup` (same --address/--namespace), then run this again'
      );
    }
  }
  return undefined;
}

/**
 * Maps any error to (exit code, one line). Input and configuration problems are exit 2; so is a namespace
 * without our search attributes: nothing ran, and the same command fails until the operator runs setup.
 */
export function describeError(err: unknown, namespace?: string): { exitCode: number; line: string } {
  if (err instanceof CliError) return { exitCode: err.exitCode, line: err.message };
  const notSetUp = missingSearchAttribute(err, namespace);
  if (notSetUp) return { exitCode: EXIT_BAD_INPUT, line: notSetUp };
  if (err instanceof InvalidInputError)
    return { exitCode: EXIT_BAD_INPUT, line: `${err.what}: ${err.problems.join('; ')}` };
  if (encryptedWithoutKeys(err)) return { exitCode: EXIT_BAD_INPUT, line: ENCRYPTED_WITHOUT_KEYS };
  if (err instanceof ConfigError)
    return { exitCode: EXIT_BAD_INPUT, line: `configuration: ${err.problems.join('; ')}` };
  // By name: importing the Atlas client here would load it (undici) for every command.
  if (err instanceof Error && err.name === 'AtlasApiError') return atlasErrorLine(err as AtlasApiError);
  const message = err instanceof Error ? err.message : String(err);
  // gRPC errors carry multi-line details; the first line says what went wrong.
  return { exitCode: EXIT_RUN_FAILED, line: message.split('\n')[0] ?? message };
}

/**
 * An Atlas call the CLI made itself (`buckets`): Atlas's code and detail plus what to do. A request Atlas
 * refused as invalid (400) or about something that does not exist (404) is bad input.
 */
function atlasErrorLine(err: AtlasApiError): { exitCode: number; line: string } {
  const status = err.httpStatus ? `HTTP ${err.httpStatus} ` : '';
  const detail = err.detail?.trim().replace(/\.+$/, '');
  const advice = adviceForAtlasError(err.httpStatus, err.errorCode);
  const line = `Atlas ${err.operation}: ${status}${err.errorCode}${detail ? ` — ${detail}` : ''}. ${advice}`;
  return { exitCode: err.httpStatus === 400 || err.httpStatus === 404 ? EXIT_BAD_INPUT : EXIT_RUN_FAILED, line };
}

/** Said when a read meets ciphertext: which variable gives the keys. */
export const ENCRYPTED_WITHOUT_KEYS =
  `this run's payloads are encrypted (${ENCODING_ENCRYPTED}) and this CLI has no codec keys: ` +
  `set ${KEYS_VAR} (or ${KEY_FILE_VAR}) to the worker's keys, then run this again`;

/** The SDK's default converter met a payload our codec wrote: this CLI lacks the keys. */
function encryptedWithoutKeys(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 6; e = e.cause, depth++)
    if (e.message.includes(`Unknown encoding: ${ENCODING_ENCRYPTED}`)) return true;
  return false;
}

/** Wraps a command action so its returned exit code becomes the process's exit code. */
export const act =
  <A extends unknown[]>(fn: (...args: A) => Promise<number | void>) =>
  async (...args: A): Promise<void> => {
    const code = await fn(...args);
    if (typeof code === 'number') process.exitCode = code;
  };
