// `atlas-backup worker --deployment-name` and `atlas-backup deployment` through the real binary and
// the suite's dev server: the deployment's first build makes itself current, describe shows it, a
// backup runs on it, and bad input is refused naming the argument before any call.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../src/simulator/index.js';
import { startTestSimulator } from '../helpers/temporal.js';
import { FAST_FLAGS, killSpawned, runCli, spawnUntil, workerProcessEnv } from './helpers.js';

describe('atlas-backup worker in a Worker Deployment', () => {
  const deploymentName = `cli-deployment-${randomUUID().slice(0, 8)}`;
  const taskQueue = `cli-versioned-${randomUUID().slice(0, 8)}`;
  // A project of its own: the suite's other files back up the demo cluster on the same dev server,
  // and one backup per cluster would (rightly) refuse this test's backup while one of theirs runs.
  const project = randomBytes(12).toString('hex');
  let sim: RunningSimulator;
  let workerEnv: NodeJS.ProcessEnv;

  beforeAll(async () => {
    const started = await startTestSimulator({
      seed: {
        projects: [{ id: project, name: 'versioned', clusters: [{ name: 'versioned-cluster', kind: 'replicaSet' }] }],
      },
    });
    sim = started.sim;
    workerEnv = workerProcessEnv(sim, started.creds, taskQueue);
  });
  afterAll(async () => {
    killSpawned();
    await sim?.stop();
  });

  it('the first build becomes current by itself; describe shows it; a backup runs on it', async () => {
    const worker = spawnUntil(
      ['worker', '--deployment-name', deploymentName, '--build-id', 'cli-build-1'],
      workerEnv,
      /build cli-build-1 is current in/,
    );
    await worker.started;
    expect(worker.output()).toContain(`Worker Deployment '${deploymentName}', build cli-build-1`);
    const described = await runCli(['deployment', 'describe', '--deployment-name', deploymentName]);
    expect(described.stderr).toBe('');
    expect(described.stdout).toContain(`Worker Deployment ${deploymentName}`);
    expect(described.stdout).toMatch(/current: cli-build-1/);
    const backup = await runCli(['backup', '-p', project, '-c', 'versioned-cluster', '--wait', ...FAST_FLAGS], {
      taskQueue,
    });
    expect(backup.code).toBe(0);
    expect(backup.stdout).toContain('Backup completed');
    worker.child.kill('SIGINT');
    await worker.exited;
  }, 120_000);

  it('refuses a ramp percentage outside 0-100 and a missing deployment name, naming them', async () => {
    const ramp = await runCli(['deployment', 'ramp', 'b', '150', '--deployment-name', deploymentName]);
    expect(ramp.code).toBe(2);
    expect(ramp.stderr).toContain('<percentage> must be a number from 0 to 100');
    const bare = await runCli(['deployment', 'describe'], { env: { ATLAS_BACKUP_DEPLOYMENT_NAME: '' } });
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('--deployment-name is required');
  });

  it('refuses a build id without a deployment name, naming both variables', async () => {
    const r = await runCli(['worker', '--build-id', 'x'], { env: workerEnv });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('ATLAS_BACKUP_BUILD_ID: needs ATLAS_BACKUP_DEPLOYMENT_NAME');
  });
});
