// Where the simulator's data plane finds its MongoDB wire-protocol server: FerretDB, built by
// scripts/ferretdb.ts from the Go module proxy into .tools/ (pinned), or FERRETDB_PATH.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isExecutable } from '../../devserver/temporal-cli.js';

/** The FerretDB release the data plane runs (module github.com/FerretDB/FerretDB). */
export const FERRETDB_VERSION = 'v1.24.2';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** The install folder under .tools/; its `bin/ferretdb` is written last, so its presence means done. */
export const ferretDbHome = join(projectRoot, '.tools', `ferretdb-${FERRETDB_VERSION}`);
export const ferretDbInstalledBinary = join(ferretDbHome, 'bin', 'ferretdb');

/** The FerretDB binary: an explicit path if executable, else the installed one, else undefined. */
export function findFerretDb(explicit?: string): string | undefined {
  if (explicit) return isExecutable(explicit) ? explicit : undefined;
  return isExecutable(ferretDbInstalledBinary) ? ferretDbInstalledBinary : undefined;
}

/** Why the data plane cannot run with these options (FerretDB not installed), or undefined when it can. */
export function dataPlaneUnavailable(explicit?: string): string | undefined {
  if (findFerretDb(explicit)) return undefined;
  return explicit
    ? `FerretDB is not executable at data.ferretdbPath ${explicit}`
    : `FerretDB ${FERRETDB_VERSION} is not installed (run \`node --import tsx scripts/ferretdb.ts\`, which needs Go)`;
}
