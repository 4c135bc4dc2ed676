// Installs FerretDB (a MongoDB wire-protocol server with an embedded SQLite backend) for the
// simulator's data plane: downloads the pinned module from the Go module proxy and builds it into
// .tools/ferretdb-<version>/bin/ferretdb. `go install` is not enough: the released module lacks the
// generated build/version/version.txt the binary embeds, and such a binary panics at start, so
// this copies the module source out of the module cache, writes the version file and builds there.
// Without Go this warns and exits 0: the simulator then runs without data (and says so).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  FERRETDB_VERSION,
  ferretDbHome,
  ferretDbInstalledBinary,
  findFerretDb,
} from '../src/simulator/data/ferretdb-binary.js';

const MODULE = 'github.com/FerretDB/FerretDB';

function go(args: string[], cwd: string, what: string): string {
  const r = spawnSync('go', args, {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    // The module cache is read-only and the copy has no VCS metadata to stamp.
    env: { ...process.env, GOFLAGS: '-mod=mod -buildvcs=false', GOTOOLCHAIN: 'local', CGO_ENABLED: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (r.error || r.status !== 0) {
    throw new Error(`${what} failed (\`go ${args.join(' ')}\`: ${r.error?.message ?? `exit ${r.status}`})`);
  }
  return r.stdout;
}

function install(): void {
  const work = join(ferretDbHome, 'src');
  rmSync(ferretDbHome, { recursive: true, force: true });
  mkdirSync(join(ferretDbHome, 'bin'), { recursive: true });
  const info = JSON.parse(
    go(['mod', 'download', '-json', `${MODULE}@${FERRETDB_VERSION}`], ferretDbHome, 'Download'),
  ) as {
    Dir?: string;
  };
  if (!info.Dir) throw new Error(`go mod download gave no source folder for ${MODULE}@${FERRETDB_VERSION}`);
  cpSync(info.Dir, work, { recursive: true });
  chmodWritable(work);
  writeFileSync(join(work, 'build', 'version', 'version.txt'), `${FERRETDB_VERSION}\n`);
  const tmp = join(ferretDbHome, 'bin', 'ferretdb.tmp');
  go(['build', '-trimpath', '-o', tmp, './cmd/ferretdb'], work, 'Building FerretDB');
  rmSync(work, { recursive: true, force: true });
  renameSync(tmp, ferretDbInstalledBinary);
}

/** Files copied out of the read-only module cache stay read-only; the build writes next to them. */
function chmodWritable(dir: string): void {
  const r = spawnSync('chmod', ['-R', 'u+w', dir]);
  if (r.status !== 0) throw new Error(`chmod -R u+w ${dir} failed`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (!findFerretDb()) {
    const started = Date.now();
    if (spawnSync('go', ['version']).status !== 0) {
      console.error('ferretdb: Go was not found; the simulator will run without data (--data needs FerretDB).');
    } else {
      try {
        console.error(`ferretdb: building ${MODULE}@${FERRETDB_VERSION} from the Go module proxy...`);
        install();
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        console.log(`Installed FerretDB ${FERRETDB_VERSION} at ${ferretDbInstalledBinary} in ${seconds} s`);
      } catch (err) {
        console.error(`ferretdb: ${(err as Error).message}; the simulator will run without data.`);
      }
    }
  }
}
