// Locates or installs schemathesis (the API fuzzer the simulator's contract test runs) in a
// project-local virtualenv under .tools/, from PyPI, pinned: CI machines start empty.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SCHEMATHESIS_VERSION = '4.32.5';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const venv = join(projectRoot, '.tools', `schemathesis-${SCHEMATHESIS_VERSION}`);
/** The schemathesis command inside the project's virtualenv. */
export const schemathesisBin = join(venv, 'bin', 'schemathesis');

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

/** Installs schemathesis==SCHEMATHESIS_VERSION into .tools/ unless it is there already. */
export function ensureSchemathesis(): string {
  if (existsSync(schemathesisBin)) return schemathesisBin;
  mkdirSync(dirname(venv), { recursive: true });
  run('python3', ['-m', 'venv', venv]);
  run(join(venv, 'bin', 'python'), [
    '-m',
    'pip',
    'install',
    '--disable-pip-version-check',
    '--quiet',
    `schemathesis==${SCHEMATHESIS_VERSION}`,
  ]);
  if (!existsSync(schemathesisBin))
    throw new Error(`schemathesis ${SCHEMATHESIS_VERSION} did not install at ${schemathesisBin}`);
  return schemathesisBin;
}

// `node --import tsx src/simulator/fuzz-tool.ts` provisions it (run by scripts/bootstrap.mjs).
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const had = existsSync(schemathesisBin);
    const bin = ensureSchemathesis();
    if (!had) console.log(`Installed schemathesis ${SCHEMATHESIS_VERSION} at ${bin}`);
  } catch (err) {
    console.error(
      `${(err as Error).message}\nInstall it by hand: ` +
        `python3 -m venv ${venv} && ${venv}/bin/pip install schemathesis==${SCHEMATHESIS_VERSION}`,
    );
    process.exit(1);
  }
}
