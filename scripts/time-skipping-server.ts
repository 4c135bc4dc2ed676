// Installs Temporal's time-skipping test server for @temporalio/testing's createTimeSkipping().
// The SDK would download a native build from GitHub, which our machines cannot reach; the same
// server is published on Maven Central (io.temporal:temporal-test-server), so this fetches it and
// its dependencies with Maven into .tools/ and writes an executable wrapper the SDK launches as
// `existing-path` (sdk-core runs it as `<exe> <port> [extraArgs]`, like its native build).
// Test-only, so it lives in scripts/ (not shipped in dist/). `node --import tsx` this file installs.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toolsDir } from '../src/devserver/temporal-cli.js';

/** The Java SDK release whose test server we run (Maven Central: io.temporal:temporal-test-server). */
export const TEST_SERVER_VERSION = '1.35.0';
// The server logs through SLF4J 1.7; without a binding it prints a three-line warning on every start.
const SLF4J_VERSION = '1.7.36';

const home = join(toolsDir, `temporal-test-server-${TEST_SERVER_VERSION}`);
const executable = join(home, 'bin', 'temporal-test-server');
/** Written last: a half-finished install is redone. */
const marker = join(home, '.installed');

const pom = `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.atlas-backup</groupId><artifactId>temporal-test-server-deps</artifactId><version>0</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>io.temporal</groupId><artifactId>temporal-test-server</artifactId>
      <version>${TEST_SERVER_VERSION}</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-nop</artifactId>
      <version>${SLF4J_VERSION}</version></dependency>
  </dependencies>
</project>
`;

// `exec`: sdk-core stops the server by killing the process it started, so java must be that process.
// The watchdog ends the server if the process that started it dies without stopping it (a crashed
// test file), so no JVM outlives its test run. Tiered C1-only JIT and the class-data archive made
// at install time bring start-up well under sdk-core's fixed 5 s readiness window on a busy machine.
const wrapper = `#!/bin/sh
# Temporal time-skipping test server ${TEST_SERVER_VERSION} (Maven Central), written by scripts/time-skipping-server.ts.
# Usage (as @temporalio/testing runs it): temporal-test-server <port> [--enable-time-skipping]
home=$(cd "$(dirname "$0")/.." && pwd)
java="\${JAVA_HOME:+$JAVA_HOME/bin/}java"
cds=""
[ -f "$home/app.jsa" ] && cds="-XX:SharedArchiveFile=$home/app.jsa -Xlog:cds=off -Xlog:cds+dynamic=off"
parent=$PPID
self=$$
( while kill -0 "$parent" 2>/dev/null && kill -0 "$self" 2>/dev/null; do sleep 2; done
  kill -0 "$parent" 2>/dev/null || kill -9 "$self" 2>/dev/null ) </dev/null >/dev/null 2>&1 &
# shellcheck disable=SC2086
exec "$java" -XX:TieredStopAtLevel=1 $cds -cp "$home/lib/*" io.temporal.testserver.TestServer "$@"
`;

/** The test server's wrapper: TEMPORAL_TEST_SERVER_PATH, else the one installed in .tools/, else undefined. */
export function findTimeSkippingServer(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.TEMPORAL_TEST_SERVER_PATH) return env.TEMPORAL_TEST_SERVER_PATH;
  return existsSync(marker) ? executable : undefined;
}

function run(cmd: string, args: string[], what: string, output: 'inherit' | 'ignore' = 'inherit'): void {
  const r = spawnSync(cmd, args, { cwd: home, stdio: ['ignore', output, 'inherit'] });
  if (r.error || r.status !== 0) {
    throw new Error(
      `${what} failed (\`${cmd} ${args.join(' ')}\`: ${r.error?.message ?? `exit ${r.status ?? r.signal}`})`,
    );
  }
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const srv = createServer().on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => done(port));
    });
  });
}

function listening(port: number): Promise<boolean> {
  return new Promise((done) => {
    const s = connect(port, '127.0.0.1', () => {
      s.destroy();
      done(true);
    });
    s.on('error', () => done(false));
  });
}

/**
 * Starts the server once with -XX:ArchiveClassesAtExit so later starts map its classes from a
 * class-data-sharing archive instead of loading ~40 jars. Best effort: without it starts are slower.
 */
async function archiveClasses(): Promise<void> {
  const port = await freePort();
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  const jsa = join(home, 'app.jsa');
  const args = [
    `-XX:ArchiveClassesAtExit=${jsa}`,
    '-Xlog:cds=off',
    '-XX:TieredStopAtLevel=1',
    '-cp',
    join(home, 'lib', '*'),
  ];
  const child = spawn(java, [...args, 'io.temporal.testserver.TestServer', String(port)], { stdio: 'ignore' });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && child.exitCode === null && !(await listening(port)))
    await new Promise((r) => setTimeout(r, 200));
  child.kill('SIGTERM'); // a normal JVM shutdown writes the archive
  await exited;
  if (!existsSync(jsa))
    console.error('time-skipping server: no class-data archive was written; starts will be slower.');
}

async function install(): Promise<string> {
  rmSync(home, { recursive: true, force: true });
  mkdirSync(join(home, 'bin'), { recursive: true });
  writeFileSync(join(home, 'pom.xml'), pom);
  run('java', ['-version'], 'Checking for Java (the test server needs Java 11+)', 'ignore');
  const mvnArgs = [
    '-q',
    '-B',
    '-Dstyle.color=never',
    'dependency:copy-dependencies',
    '-DoutputDirectory=lib',
    '-DincludeScope=runtime',
  ];
  run('mvn', mvnArgs, 'Fetching the test server from Maven Central');
  writeFileSync(executable, wrapper);
  chmodSync(executable, 0o755);
  await archiveClasses();
  writeFileSync(marker, `io.temporal:temporal-test-server:${TEST_SERVER_VERSION}\n`);
  return executable;
}

/** The test server's wrapper, installing it into .tools/ when missing (pinned version, idempotent). */
export async function ensureTimeSkippingServer(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const found = findTimeSkippingServer(env);
  if (found) return found;
  try {
    return await install();
  } catch (err) {
    throw new Error(
      [
        `Could not install Temporal's time-skipping test server ${TEST_SERVER_VERSION}: ${(err as Error).message}.`,
        'Install Java 17 and Maven (apt-get install openjdk-17-jre-headless maven) and run',
        '`node --import tsx scripts/time-skipping-server.ts`, ' +
          'or set TEMPORAL_TEST_SERVER_PATH to a test server binary.',
      ].join('\n'),
    );
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const before = findTimeSkippingServer();
  ensureTimeSkippingServer().then(
    (path) => {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      if (!before) console.log(`Installed Temporal's time-skipping test server at ${path} in ${seconds} s`);
    },
    (err: Error) => {
      console.error(err.message);
      process.exit(1);
    },
  );
}
