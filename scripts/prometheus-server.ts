// Installs a Prometheus server binary for the metrics test (test/telemetry/prometheus.test.ts).
// Debian's `prometheus` package is fetched with `apt-get download` and unpacked with `dpkg -x` into
// .tools/: only the binary, no system service started, nothing installed system-wide. Idempotent:
// a finished install (marker file) is reused at once. Test-only, so it lives in scripts/.
// `node --import tsx` this file installs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toolsDir } from '../src/devserver/temporal-cli.js';

const home = join(toolsDir, 'prometheus-debian');
const executable = join(home, 'root', 'usr', 'bin', 'prometheus');
/** Written last: a half-finished install is redone. */
const marker = join(home, '.installed');

/** PROMETHEUS_PATH, else the binary installed in .tools/, else undefined. */
export function findPrometheus(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.PROMETHEUS_PATH) return env.PROMETHEUS_PATH;
  return existsSync(marker) ? executable : undefined;
}

function run(cmd: string, args: string[]): { ok: boolean; why: string } {
  const r = spawnSync(cmd, args, { cwd: home, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ok = !r.error && r.status === 0;
  return { ok, why: r.error?.message ?? `exit ${r.status ?? r.signal}: ${(r.stderr ?? '').trim().slice(-300)}` };
}

export function installPrometheus(): string {
  const found = findPrometheus();
  if (found) return found;
  rmSync(home, { recursive: true, force: true });
  mkdirSync(home, { recursive: true });
  // A fresh machine may have no package lists yet: download, and on failure refresh them once.
  let got = run('apt-get', ['download', 'prometheus']);
  if (!got.ok) {
    const update = run('apt-get', ['update']);
    if (!update.ok) throw new Error(`apt-get update failed (${update.why}); is this a Debian machine with apt?`);
    got = run('apt-get', ['download', 'prometheus']);
  }
  if (!got.ok) throw new Error(`apt-get download prometheus failed (${got.why})`);
  const deb = readdirSync(home).find((f) => f.startsWith('prometheus_') && f.endsWith('.deb'));
  if (!deb) throw new Error(`apt-get download prometheus left no prometheus_*.deb in ${home}`);
  const unpacked = run('dpkg', ['-x', deb, 'root']);
  if (!unpacked.ok) throw new Error(`dpkg -x ${deb} failed (${unpacked.why})`);
  if (!existsSync(executable)) throw new Error(`${deb} has no usr/bin/prometheus`);
  rmSync(join(home, deb));
  writeFileSync(marker, `${deb}\n`);
  return executable;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const path = installPrometheus();
    console.error(`bootstrap: prometheus at ${path}`);
  } catch (err) {
    console.error(`bootstrap: could not install prometheus for the metrics test: ${(err as Error).message}`);
    process.exit(1);
  }
}
