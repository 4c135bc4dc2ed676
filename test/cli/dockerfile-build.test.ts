// The Dockerfile builds, checked without a Docker engine: its build stage is replayed from its own
// COPY lines (so a file the build needs but no COPY brings in fails here, as it would in `docker
// build`), `npm run build` runs for real, and the runtime stage is assembled from the result and
// started. Only the dependency install is not replayed: the repository's node_modules is hard-linked
// in its place (test/cli/dockerfile-stage.ts).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BuildContext, parseStages, replayStage, type RunRecord, type Stage } from './dockerfile-stage.js';
import { ROOT } from './helpers.js';

const stages = parseStages(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
const build = stages.find((s) => s.name === 'build');
const runtime = stages.at(-1)!;
const tmp = join(ROOT, 'test', '.tmp', `dockerfile-${process.pid}`);
const context = new BuildContext(ROOT);
const nodeModules = join(ROOT, 'node_modules');

const failed = (runs: RunRecord[]) => runs.find((r) => r.status !== 0);
const describeRuns = (runs: RunRecord[]) =>
  runs.map((r) => `RUN ${r.command} → exit ${r.status}\n${r.output.slice(-3000)}`).join('\n');

/** The runtime stage's `COPY --from=build` sources, as paths in the build stage's filesystem. */
const copiedFromBuild = (s: Stage) =>
  s.steps.flatMap((st) => (st.kind === 'copy' && st.from === 'build' ? st.sources : []));

let buildRuns: RunRecord[] = [];
let runtimeReplay: ReturnType<typeof replayStage> | undefined;
let workerCount = 0;

/**
 * Runs the image's default command (`worker`) in the replayed runtime stage with the Dockerfile's
 * ENV (NODE_OPTIONS heap cap included), against the suite's dev server on a task queue of its own;
 * once it reports RUNNING, sends SIGTERM as `docker stop` does and resolves with its exit code.
 */
function runImageWorker(extra: Record<string, string>): Promise<{ output: string; code: number | null }> {
  const replay = runtimeReplay;
  if (!replay) throw new Error('the runtime stage was not replayed (its build stage failed)');
  const env = {
    ...replay.env,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_TASK_QUEUE: `dockerfile-${process.pid}-${++workerCount}`,
    MONGODB_ATLAS_AUTH: 'none',
    MONGODB_ATLAS_BASE_URL: 'http://127.0.0.1:9',
    ...extra,
  };
  return new Promise((resolve) => {
    const [command, ...args] = [...(runtime.entrypoint ?? []), ...(runtime.cmd ?? [])];
    const child = spawn(command!, args, {
      cwd: replay.workdir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let signalled = false;
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (!signalled && output.includes('"state":"RUNNING"')) {
        signalled = true;
        child.kill('SIGTERM');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => resolve({ output, code }));
  });
}

describe('Dockerfile, replayed without Docker', () => {
  // `npm run build` (tsc, then the workflow bundle) took 30-90 s here on a busy 2-core machine.
  beforeAll(() => {
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    if (!build) return;
    buildRuns = replayStage(build, { context, rootDir: join(tmp, 'build'), nodeModules }).runs;
    if (failed(buildRuns)) return;
    const stages = { build: join(tmp, 'build') };
    runtimeReplay = replayStage(runtime, { context, rootDir: join(tmp, 'runtime'), stages, nodeModules });
  }, 300_000);
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('has a build stage and a runtime stage on a pinned Node image of the major the tests run on', () => {
    expect(build, 'a stage named build').toBeDefined();
    expect(runtime).not.toBe(build);
    // A full version tag: a rebuild months later gets the same Node as the one tested.
    for (const s of [build!, runtime]) expect(s.image).toMatch(/^node:\d+\.\d+\.\d+-bookworm-slim$/);
    expect(runtime.image.split(':')[1]!.split('.')[0]).toBe(process.versions.node.split('.')[0]);
  });

  it('build stage from its COPY lines (node_modules hard-linked for npm install): `npm run build` succeeds', () => {
    expect(buildRuns.map((r) => r.command)).toContain('npm run build');
    expect(failed(buildRuns), describeRuns(buildRuns)).toBeUndefined();
  });

  it('build stage yields what the runtime stage copies: dist/ with the workflow bundle and failure converter', () => {
    const root = join(tmp, 'build');
    const sources = copiedFromBuild(runtime);
    expect(sources).toEqual(['/app/dist']);
    for (const src of sources) expect(existsSync(join(root, src)), src).toBe(true);
    for (const f of ['cli/main.js', 'worker.js', 'workflow-bundle.js', 'codec/failure-converter.cjs'])
      expect(existsSync(join(root, 'app/dist', f)), f).toBe(true);
    // Nothing from the test tree or the repository's tooling came in through the context.
    for (const absent of ['test', 'bench', '.tools', '.env', 'docs'])
      expect(existsSync(join(root, 'app', absent))).toBe(false);
  });

  it('runtime stage (production node_modules hard-linked for npm install --omit=dev) runs the CLI from dist/', () => {
    const replay = runtimeReplay!;
    expect(failed(replay.runs), describeRuns(replay.runs)).toBeUndefined();
    const app = replay.workdir;
    // No tsconfig.json and no src/: bin/atlas-backup.js must take dist/.
    expect(existsSync(join(app, 'tsconfig.json'))).toBe(false);
    expect(existsSync(join(app, 'src'))).toBe(false);
    // Production dependencies only, as `npm install --omit=dev` leaves them.
    expect(existsSync(join(app, 'node_modules/@temporalio/worker'))).toBe(true);
    for (const dev of ['typescript', 'tsx', 'vitest'])
      expect(existsSync(join(app, 'node_modules', dev)), dev).toBe(false);
    const env = { PATH: process.env.PATH ?? '', HOME: tmp, NODE_ENV: 'production' };
    const version = spawnSync('node', ['bin/atlas-backup.js', '--version'], { cwd: app, env, encoding: 'utf8' });
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(version.stdout.trim(), version.stderr).toBe(pkg.version);
    // The image's default command: dist/worker.js loads (native Temporal core included) and checks its
    // environment first, naming the missing variable, with exit code 2.
    const worker = spawnSync('node', ['bin/atlas-backup.js', 'worker'], { cwd: app, env, encoding: 'utf8' });
    expect(worker.status, worker.stderr).toBe(2);
    expect(worker.stderr).toContain('MONGODB_ATLAS_CLIENT_ID');
  });

  it('starts `node bin/atlas-backup.js worker` by default (ENTRYPOINT + CMD)', () => {
    expect([...runtime.entrypoint!, ...runtime.cmd!]).toEqual(['node', 'bin/atlas-backup.js', 'worker']);
  });

  it("runtime stage's worker (image heap cap) loads the prebuilt bundle, polls, stops on SIGTERM", async () => {
    const { output, code } = await runImageWorker({});
    expect(output).toContain(`workflows ${join(runtimeReplay!.workdir, 'dist', 'workflow-bundle.js')}`);
    expect(code, output).toBe(0);
  });

  it("runtime stage's worker with codec keys bundles at start within the heap cap, polls, stops", async () => {
    const { output, code } = await runImageWorker({
      ATLAS_BACKUP_CODEC_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`,
    });
    expect(output).toContain('payloads encrypted');
    expect(output).toContain('workflows bundled at start');
    expect(code, output).toBe(0);
  });

  it('a COPY of a path .dockerignore excludes fails as docker build does', () => {
    expect(() => context.check('test')).toThrow(/excluded by \.dockerignore/);
    expect(() => context.check('no-such-file')).toThrow(/not found in the build context/);
    expect(() => context.check('scripts/bundle-workflows.mjs')).not.toThrow();
  });
});
