// The package as a user gets it: packed (`npm pack`, whose prepack builds dist/), installed with its
// dependencies into a project of its own, then used from plain Node — no tsx, no repository sources.
// Its worker runs a real backupPipeline on the suite's dev server against a simulator over HTTP.
// Slow by nature (build + pack + install): generous timeouts, no wall-clock budgets.
import { execFile } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { LiveStatus, PipelineResult } from '../src/index.js';
import { DEMO_IDS } from '../src/simulator/index.js';
import { startTestSimulator, uniqueId } from './helpers/temporal.js';

const exec = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIXTURE = fileURLToPath(new URL('./fixtures/package-consumer/run-pipeline.mjs', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  dependencies: Record<string, string>;
};
const MINUTE = 60_000;

/** The environment minus what `npm test` sets for its own scripts (it would point npm at the repo). */
function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^npm_(lifecycle|package|config_(local_)?prefix)/i.test(k)),
  );
  delete env.INIT_CWD;
  return { ...env, NO_COLOR: '1', ...extra };
}

async function npm(args: string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await exec('npm', args, {
      cwd,
      env: childEnv(),
      timeout: 8 * MINUTE,
      maxBuffer: 32 * 1024 * 1024,
    });
    return stdout;
  } catch (err) {
    const e = err as Error & { stdout?: string; stderr?: string };
    throw new Error(`npm ${args.join(' ')} failed in ${cwd}: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

describe('the packed package, installed into a project of its own', () => {
  let dir: string;
  let consumer: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'atlas-backup-pkg-'));
    await npm(['pack', '--pack-destination', dir], ROOT);
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    expect(tarball, `npm pack left no .tgz in ${dir}`).toBeDefined();
    consumer = join(dir, 'consumer');
    mkdirSync(consumer);
    writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    // A consumer declares its own Temporal client and worker, at the versions the package pins.
    const temporal = ['client', 'worker'].map((p) => `@temporalio/${p}@${pkg.dependencies[`@temporalio/${p}`]}`);
    await npm(['install', '--prefer-offline', '--no-audit', '--no-fund', join(dir, tarball!), ...temporal], consumer);
    copyFileSync(FIXTURE, join(consumer, 'run-pipeline.mjs'));
  }, 15 * MINUTE);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('ships dist/ with declarations and runs without tsx', () => {
    const installed = join(consumer, 'node_modules', pkg.name);
    for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/workflows/index.js', 'bin/atlas-backup.js']) {
      expect(existsSync(join(installed, f)), f).toBe(true);
    }
    // What the repository's bin uses to pick the TypeScript sources is never packed.
    expect(existsSync(join(installed, 'tsconfig.json'))).toBe(false);
    expect(existsSync(join(consumer, 'node_modules', 'tsx'))).toBe(false);
  });

  it("type-checks docs/library.md's examples against the installed declarations", async () => {
    const guide = readFileSync(join(ROOT, 'docs', 'library.md'), 'utf8');
    const examples = [...guide.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(examples.length).toBeGreaterThanOrEqual(3);
    examples.forEach((code, i) => writeFileSync(join(consumer, `example${i}.ts`), `${code}\nexport {};\n`));
    const compilerOptions = {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      // The consumer's own @types/node: borrowed from the repository rather than installed again.
      typeRoots: [join(ROOT, 'node_modules', '@types')],
      types: ['node'],
    };
    writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify({ compilerOptions, include: ['example*.ts'] }));
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    await exec(process.execPath, [tsc, '-p', consumer], { cwd: consumer, timeout: 5 * MINUTE }).catch(
      (err: Error & { stdout?: string }) => {
        throw new Error(
          `docs/library.md's examples do not type-check against the package:\n${err.stdout ?? err.message}`,
        );
      },
    );
  });

  it('installs an atlas-backup bin that prints the package version', async () => {
    const { stdout } = await exec(join(consumer, 'node_modules', '.bin', 'atlas-backup'), ['--version'], {
      cwd: consumer,
      env: childEnv(),
      timeout: 2 * MINUTE,
    });
    expect(stdout.trim()).toBe(pkg.version);
  });

  it('runs a custom worker and a backupPipeline started with client.workflow.start from plain Node', async () => {
    const { sim, creds } = await startTestSimulator({ timeScale: 0.05 });
    try {
      const workflowId = uniqueId('package');
      const { stdout } = await exec(process.execPath, ['run-pipeline.mjs'], {
        cwd: consumer,
        timeout: 8 * MINUTE,
        maxBuffer: 16 * 1024 * 1024,
        env: childEnv({
          TEMPORAL_ADDRESS: inject('temporalAddress'),
          TASK_QUEUE: uniqueId('tq-package'),
          WORKFLOW_ID: workflowId,
          ATLAS_BASE_URL: sim.url,
          ATLAS_CLIENT_ID: creds.clientId,
          ATLAS_CLIENT_SECRET: creds.clientSecret,
          GROUP_ID: DEMO_IDS.projectId,
          CLUSTER_NAME: DEMO_IDS.replicaSet,
          BUCKET_ID: DEMO_IDS.bucketId,
          TARGET_GROUP_ID: DEMO_IDS.targetProjectId,
          TARGET_CLUSTER: DEMO_IDS.restoreTarget,
        }),
      });
      const out = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
        workflowsPath: string;
        resolvedWorkflows: string;
        result: PipelineResult;
        status: LiveStatus;
      };
      // The worker bundled the installed package's compiled workflows, reachable via ./workflows.
      expect(out.workflowsPath).toBe(join(consumer, 'node_modules', pkg.name, 'dist', 'workflows', 'index.js'));
      expect(out.resolvedWorkflows).toBe(out.workflowsPath);
      expect(out.result).toMatchObject({ outcome: 'completed', workflowId });
      expect(out.result.snapshot?.id).toMatch(/^[a-f0-9]{24}$/);
      expect(out.result.export?.state).toBe('Successful');
      expect(out.result.restore?.state).toBe('finished');
      expect(out.status).toMatchObject({ workflowId, executionStatus: 'COMPLETED', phase: 'completed' });
      // The snapshot is real: the simulator holds it, tagged with the run.
      const { snapshots } = await sim.admin.resources();
      expect(snapshots.find((s) => s.id === out.result.snapshot!.id)?.description).toContain(workflowId);
    } finally {
      await sim.stop();
    }
  });
});
