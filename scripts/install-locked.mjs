// Installs the locked dependencies when node_modules is older than package-lock.json, and never
// leaves a tracked file changed: `npm install` may rewrite the lock (resolved URLs, optional
// packages of other platforms), so it runs with --no-save and the committed lock is put back if npm
// wrote it anyway. Not `npm ci`: the registries our machines reach lack some other platforms'
// optional packages (e.g. @swc/core's darwin builds), which npm ci's strict lock check reports as
// "missing from lock file". Node built-ins only: dependencies may not be installed yet.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** `run(cmd, args)` runs a command in `root` and exits on failure; returns whether it installed. */
export function installLocked(root, run) {
  const lock = join(root, 'package-lock.json');
  const installed = join(root, 'node_modules', '.package-lock.json');
  const stale = !existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs;
  if (!stale) return false;
  const committed = readFileSync(lock);
  console.error('bootstrap: installing dependencies (npm install --no-save from package-lock.json)...');
  run('npm', ['install', '--no-save', '--no-audit', '--no-fund']);
  if (!readFileSync(lock).equals(committed)) {
    writeFileSync(lock, committed);
    console.error('bootstrap: npm rewrote package-lock.json; the committed one is restored.');
  }
  return true;
}
