// `atlas-backup codec-server`: decrypts payloads for the Temporal UI and `temporal workflow show
// --codec-endpoint`, for whoever holds the token. Its modules load only when the command runs.
import { InvalidArgumentError, Option, type Command } from 'commander';
import { act, UsageError } from '../errors.js';
import { processEnv } from '../../config.js';

export const TOKEN_VAR = 'ATLAS_BACKUP_CODEC_TOKEN';
/** The Temporal dev server's Web UI. */
export const DEFAULT_CORS_ORIGIN = 'http://localhost:8233';

const port = (v: string): number => {
  if (!/^\d+$/.test(v.trim()) || Number(v) > 65_535)
    throw new InvalidArgumentError('must be a port number from 0 to 65535.');
  return Number(v);
};

/** An origin is scheme://host[:port], exactly as the browser sends it (no path, no trailing slash). */
const origin = (v: string, previous: string[] | undefined): string[] => {
  if (!URL.canParse(v) || new URL(v).origin !== v)
    throw new InvalidArgumentError('must be an origin like http://localhost:8233 (no path, no trailing slash).');
  return [...(previous ?? []), v];
};

interface CodecServerFlags {
  port: number;
  host: string;
  corsOrigin?: string[];
  token?: string;
}

/** Resolves on the first SIGINT or SIGTERM. */
const stopSignal = () =>
  new Promise<NodeJS.Signals>((resolve) => {
    const on = (s: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(s);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });

async function runCodecServer(flags: CodecServerFlags): Promise<number> {
  const token = flags.token ?? processEnv()[TOKEN_VAR]?.trim();
  if (!token)
    throw new UsageError(
      `a bearer token is required: set ${TOKEN_VAR} (or --token); generate one with \`openssl rand -hex 32\``,
    );
  const [{ codecFromEnv, KEYS_VAR, KEY_FILE_VAR }, { startCodecServer, MIN_TOKEN_LENGTH }] = await Promise.all([
    import('../../codec/index.js'),
    import('../../codec/server.js'),
  ]);
  if (token.length < MIN_TOKEN_LENGTH)
    throw new UsageError(`${TOKEN_VAR}/--token: must be at least ${MIN_TOKEN_LENGTH} characters`);
  const codec = codecFromEnv();
  if (!codec)
    throw new UsageError(`no encryption keys: set ${KEYS_VAR} (id:base64key,…, current key first) or ${KEY_FILE_VAR}`);
  const corsOrigins = flags.corsOrigin ?? [DEFAULT_CORS_ORIGIN];
  const server = await startCodecServer({ codec, token, corsOrigins, host: flags.host, port: flags.port });
  // The token is never printed: whoever started the server already has it.
  const settings = `current key '${codec.currentKeyId}', CORS origins: ${corsOrigins.join(', ')}`;
  console.log(`atlas-backup codec server listening on ${server.url} (${settings})`);
  await stopSignal();
  await server.close();
  return 0;
}

export function registerCodecServer(program: Command): void {
  program
    .command('codec-server')
    .description(
      "serve Temporal's remote codec protocol (/encode, /decode) " +
        'so the Temporal UI and `temporal workflow show` can show decrypted payloads',
    )
    .addOption(new Option('--port <port>', 'port to listen on (0 = any free port)').argParser(port).default(8888))
    .option(
      '--host <host>',
      'interface to listen on; decrypted data leaves this machine only if you widen it',
      '127.0.0.1',
    )
    .addOption(
      new Option(
        '--cors-origin <origin>',
        `browser origin allowed to call, repeatable (default ${DEFAULT_CORS_ORIGIN}, the dev server's UI)`,
      ).argParser(origin),
    )
    .addOption(
      new Option('--token <token>', `bearer token callers must present (prefer env ${TOKEN_VAR}: flags show in ps)`),
    )
    .addHelpText(
      'after',
      `
Keys come from ATLAS_BACKUP_CODEC_KEYS or ATLAS_BACKUP_CODEC_KEY_FILE, as for the worker.

Examples:
  $ atlas-backup codec-server --port 8888 --cors-origin http://localhost:8233   # token from ${TOKEN_VAR}
  $ export ${TOKEN_VAR}=$(openssl rand -hex 32)                                   # make one
  $ temporal workflow show -w <id> --codec-endpoint http://127.0.0.1:8888 --codec-auth "Bearer $${TOKEN_VAR}"
  $ temporal server start-dev --ui-codec-endpoint http://127.0.0.1:8888/<token>   # the UI cannot send the header`,
    )
    .action(act(async (flags: CodecServerFlags) => runCodecServer(flags)));
}
