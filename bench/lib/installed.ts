// A directory laid out as `npm install` leaves the package: bin/ copied (the bin recognises a checkout
// by the tsconfig.json beside its own directory, so it must not be a link into this checkout), dist/,
// package.json and node_modules/ linked, no tsconfig.json. Its bin/atlas-backup.js runs dist/ exactly
// as an installed package's does (`npm run build` first).
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The installed layout's bin/atlas-backup.js, and how to remove the layout (links only, never their targets). */
export function installedBin(root: URL): { bin: string; remove(): void } {
  const from = fileURLToPath(root);
  if (!existsSync(join(from, 'dist/cli/main.js')))
    throw new Error('--dist: no dist/ to run; run `npm run build` first');
  const dir = mkdtempSync(join(tmpdir(), 'atlas-backup-installed-'));
  cpSync(join(from, 'bin'), join(dir, 'bin'), { recursive: true });
  for (const name of ['dist', 'node_modules', 'package.json']) symlinkSync(join(from, name), join(dir, name));
  return { bin: join(dir, 'bin/atlas-backup.js'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}
