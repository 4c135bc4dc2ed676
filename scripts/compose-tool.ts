// Finds or installs a Docker Compose implementation for the compose test (test/cli/compose.test.ts),
// which validates docker-compose.yml with `config` (no Docker engine is needed for that). The
// Compose plugin (`docker compose`) is used when present; else `docker-compose`, installed from
// Debian's package when missing. Idempotent: a present tool is reused at once. Test-only, so it
// lives in scripts/. `node --import tsx` this file installs.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ComposeTool {
  /** The executable and the arguments before compose's own (`docker compose ...` or `docker-compose ...`). */
  command: string;
  prefix: string[];
  version: string;
}

function probe(command: string, prefix: string[]): ComposeTool | undefined {
  const r = spawnSync(command, [...prefix, 'version', '--short'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return undefined;
  return { command, prefix, version: r.stdout.trim() };
}

/** COMPOSE_PATH (a docker-compose executable), else `docker compose`, else `docker-compose` on PATH. */
export function findCompose(env: NodeJS.ProcessEnv = process.env): ComposeTool | undefined {
  if (env.COMPOSE_PATH) return probe(env.COMPOSE_PATH, []);
  return probe('docker', ['compose']) ?? probe('docker-compose', []);
}

function apt(args: string[]): { ok: boolean; why: string } {
  const r = spawnSync('apt-get', args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  const ok = !r.error && r.status === 0;
  return { ok, why: r.error?.message ?? `exit ${r.status ?? r.signal}: ${(r.stderr ?? '').trim().slice(-300)}` };
}

export function installCompose(): ComposeTool {
  const found = findCompose();
  if (found) return found;
  const install = ['install', '-y', '--no-install-recommends', 'docker-compose'];
  // A fresh machine may have no package lists yet: install, and on failure refresh them once.
  let got = apt(install);
  if (!got.ok) {
    const update = apt(['update']);
    if (!update.ok) throw new Error(`apt-get update failed (${update.why}); is this a Debian machine with apt?`);
    got = apt(install);
  }
  if (!got.ok) throw new Error(`apt-get install docker-compose failed (${got.why})`);
  const tool = findCompose();
  if (!tool) throw new Error('docker-compose was installed but `docker-compose version` does not run');
  return tool;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const tool = installCompose();
    console.error(`bootstrap: compose ${tool.version} (${[tool.command, ...tool.prefix].join(' ')})`);
  } catch (err) {
    console.error(`bootstrap: could not install docker-compose for the compose test: ${(err as Error).message}`);
    process.exit(1);
  }
}
