// Locates or installs schemathesis (the API fuzzer the simulator's contract test runs) in a
// project-local virtualenv under .tools/, from PyPI, pinned.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureVenvTool, provisionFromCli, venvBin, type VenvTool } from './venv-tool.js';

export const SCHEMATHESIS_VERSION = '4.32.5';

const SCHEMATHESIS: VenvTool = {
  requirement: `schemathesis==${SCHEMATHESIS_VERSION}`,
  dir: `schemathesis-${SCHEMATHESIS_VERSION}`,
  command: 'schemathesis',
};
/** The schemathesis command inside the project's virtualenv. */
export const schemathesisBin = venvBin(SCHEMATHESIS);

/** Installs schemathesis==SCHEMATHESIS_VERSION into .tools/ unless it is there already. */
export function ensureSchemathesis(): string {
  return ensureVenvTool(SCHEMATHESIS);
}

// `node --import tsx src/simulator/fuzz-tool.ts` provisions it (run by scripts/bootstrap.mjs).
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) provisionFromCli(SCHEMATHESIS);
