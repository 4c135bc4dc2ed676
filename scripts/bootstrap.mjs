// Runs before `npm test` and `npm run demo` so a fresh clone needs no other set-up command.
// Node built-ins only: dependencies may not be installed yet when this runs.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installLocked } from './install-locked.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`bootstrap: \`${cmd} ${args.join(' ')}\` failed (exit ${r.status ?? r.signal}).`);
    process.exit(r.status ?? 1);
  }
}

installLocked(root, run);
// Finds or installs the Temporal CLI (dev server); see src/devserver/temporal-cli.ts.
run(process.execPath, ['--import', 'tsx', join(root, 'src', 'devserver', 'temporal-cli.ts')]);
// moto's S3 server (PyPI, into .tools/): the simulator's exports land in it when it runs with data.
run(process.execPath, ['--import', 'tsx', join(root, 'src', 'simulator', 'data', 's3-server.ts')]);
// FerretDB for the simulator's data plane (tests and the demo): built from the Go module proxy.
run(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'ferretdb.ts')]);
// Test runs also need Temporal's time-skipping test server (Java, from Maven Central) and schemathesis
// for the simulator's fuzz test (src/simulator/fuzz-tool.ts); the demo needs neither.
if (process.env.npm_lifecycle_event !== 'predemo') {
  run(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'time-skipping-server.ts')]);
  run(process.execPath, ['--import', 'tsx', join(root, 'src', 'simulator', 'fuzz-tool.ts')]);
  // A Prometheus server (Debian's package, binary only) scrapes a worker in the metrics test.
  run(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'prometheus-server.ts')]);
  // A Docker Compose implementation (Debian's docker-compose) validates docker-compose.yml in the compose test.
  run(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'compose-tool.ts')]);
}
