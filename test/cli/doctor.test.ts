// `atlas-backup doctor` through the real binary against a real simulator (auth on, one credential
// with every role, one without Project Backup Manager) and the run's Temporal dev server with a real
// worker. A correct setup exits 0; each broken piece is named by its own line.
import { randomBytes, randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codecKeys, createEncryptionCodec, encryptedDataConverter } from '../../src/codec/index.js';
import { listRuns } from '../../src/runs/index.js';
import type { RunningSimulator } from '../../src/simulator/index.js';
import { pruneSnapshots } from '../../src/workflows/index.js';
import {
  startTestSimulator,
  startTestWorker,
  temporalAddress,
  testCredentials,
  type TestWorker,
} from '../helpers/temporal.js';
import { eventually, hexId, runCli, type CliResult } from './helpers.js';

const project = hexId();
const full = testCredentials();
const limited = { ...testCredentials(), roles: ['ORG_READ_ONLY', 'GROUP_READ_ONLY', 'GROUP_DATABASE_ACCESS_ADMIN'] };
// Any project role reads database users; only Project Database Access Admin creates or deletes them.
const noUserAdmin = { ...testCredentials(), roles: ['ORG_READ_ONLY', 'GROUP_BACKUP_MANAGER'] };
let sim: RunningSimulator;
let worker: TestWorker;

beforeAll(async () => {
  ({ sim } = await startTestSimulator({
    auth: { serviceAccounts: [full, limited, noUserAdmin] },
    seed: { projects: [{ id: project, name: 'doctor-project', clusters: [{ name: 'doc-c1', kind: 'replicaSet' }] }] },
  }));
  worker = await startTestWorker(sim, { kind: 'serviceAccount', ...full });
});
afterAll(async () => {
  await worker?.stop();
  await sim?.stop();
});

const atlasEnv = (c: { clientId: string; clientSecret: string } = full) => ({
  MONGODB_ATLAS_BASE_URL: sim.url,
  MONGODB_ATLAS_CLIENT_ID: c.clientId,
  MONGODB_ATLAS_CLIENT_SECRET: c.clientSecret,
});
const doctor = (args: string[], env: NodeJS.ProcessEnv = {}, taskQueue = worker.taskQueue) =>
  runCli(['doctor', '--project', project, ...args], { env: { ...atlasEnv(), ...env }, taskQueue });

interface Report {
  ok: boolean;
  checks: { check: string; status: string; line: string }[];
}
const report = (r: CliResult) => JSON.parse(r.stdout) as Report;
const failed = (r: CliResult) => report(r).checks.filter((c) => c.status === 'fail');

describe('atlas-backup doctor', () => {
  it('passes on a correct setup: exit 0, every check ok or skipped with its reason', async () => {
    const r = await doctor(['--json']);
    expect(r.stderr).toBe('');
    expect(failed(r)).toEqual([]);
    expect(r.code).toBe(0);
    const lines = report(r).checks.map((c) => c.line);
    expect(lines).toContain('Atlas credentials valid (listGroups answered)');
    expect(lines).toContain('backup (snapshots): allowed (Project Backup Manager)');
    expect(lines.join('\n')).toMatch(/Cloud Backups bucket of project \w+: \d+ of 1200 requests left/);
    expect(lines.join('\n')).toMatch(/has all 6 search attributes/);
    expect(lines.join('\n')).toMatch(new RegExp(`worker\\(s\\) poll task queue ${worker.taskQueue}`));

    const text = await doctor([]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^ok +Atlas credentials valid/m);
  });

  it('names a bad secret in one line saying which variables to check', async () => {
    const r = await doctor(['--json'], atlasEnv({ clientId: full.clientId, clientSecret: 'mdb_sa_sk_wrong' }));
    expect(r.code).toBe(1);
    const [bad] = failed(r);
    expect(bad).toMatchObject({ check: 'atlas.credentials' });
    expect(bad!.line).toMatch(
      /Atlas refused the credentials .*check MONGODB_ATLAS_CLIENT_ID and MONGODB_ATLAS_CLIENT_SECRET/,
    );
    expect(r.stdout).not.toContain('mdb_sa_sk_wrong');
  });

  it('names each feature whose role the credentials lack', async () => {
    const r = await doctor(['--json'], atlasEnv(limited));
    expect(r.code).toBe(1);
    const lines = failed(r).map((c) => c.line);
    for (const feature of ['backup (snapshots)', 'export (export buckets and jobs)', 'restore (restore jobs)'])
      expect(lines).toContain(
        `${feature}: these credentials lack Project Backup Manager on project ${project} (403 USER_UNAUTHORIZED): ` +
          'grant Project Backup Manager to the service account or API key in Atlas (Project → Access Manager)',
      );
    const all = report(r).checks.map((c) => c.line);
    expect(all).toContain('verification (temporary database users): allowed (Project Database Access Admin)');
    expect(all).toContain('estate report (listGroups): allowed (Organization Read Only)');
  });

  it('names a missing Project Database Access Admin for credentials that may read database users', async () => {
    const r = await doctor(['--json'], atlasEnv(noUserAdmin));
    expect(r.code).toBe(1);
    expect(failed(r).map((c) => c.line)).toEqual([
      `verification (temporary database users): these credentials lack Project Database Access Admin on project ` +
        `${project} (403 USER_UNAUTHORIZED): grant Project Database Access Admin to the service account or API ` +
        'key in Atlas (Project → Access Manager)',
    ]);
    expect(report(r).checks.map((c) => c.line)).toContain('backup (snapshots): allowed (Project Backup Manager)');
  });

  it('names an IP address Atlas refuses', async () => {
    await sim.admin.setFaults({ operations: { listProjects: { status403: 1 } } });
    try {
      const r = await doctor(['--json']);
      expect(r.code).toBe(1);
      expect(failed(r)[0]!.line).toMatch(/Atlas refuses this machine's IP address .*IP_ADDRESS_NOT_ON_ACCESS_LIST/);
    } finally {
      await sim.admin.clearFaults();
    }
  });

  it('names a task queue no worker polls', async () => {
    const queue = `tq-idle-${randomUUID()}`;
    const r = await doctor(['--json'], {}, queue);
    expect(r.code).toBe(1);
    expect(failed(r).map((c) => c.line)).toEqual([
      `no worker polls task queue ${queue} (0 workflow, 0 activity pollers): runs will wait; ` +
        `start one with \`atlas-backup worker --task-queue ${queue}\``,
    ]);
  });

  it('names a namespace without our search attributes and says to run setup', async () => {
    const namespace = `doctor-${randomUUID().slice(0, 8)}`;
    const connection = await Connection.connect({ address: temporalAddress() });
    try {
      await connection.workflowService.registerNamespace({
        namespace,
        workflowExecutionRetentionPeriod: msToTs('1 day'),
      });
    } finally {
      await connection.close();
    }
    // A new namespace reaches the frontend's cache within seconds; until then Temporal says "not found".
    const r = await eventually(
      async () => {
        const run = await runCli(['--namespace', namespace, 'doctor', '--project', project, '--json'], {
          env: atlasEnv(),
          taskQueue: worker.taskQueue,
        });
        return /not found/i.test(run.stdout) ? undefined : run;
      },
      `namespace ${namespace} to be usable`,
      90_000,
    );
    expect(r.code).toBe(1);
    const line = failed(r).find((c) => c.check === 'temporal.search-attributes')!.line;
    expect(line).toBe(
      `namespace ${namespace} lacks the search attributes AtlasProject, AtlasCluster, BackupPhase, DrSource, ` +
        'DrTarget, FleetId: run `atlas-backup setup` (same --address/--namespace)',
    );
  });

  it('names a codec key that cannot read the deployment’s runs', async () => {
    const queue = `tq-encrypted-${randomUUID()}`;
    const material = randomBytes(32);
    const workers = createEncryptionCodec(codecKeys([{ id: '2026-01', key: material }]));
    const connection = await Connection.connect({ address: temporalAddress() });
    const client = new Client({ connection, dataConverter: encryptedDataConverter(workers) });
    try {
      const input = { groupId: project, clusterNames: ['doc-c1'], rules: { keepLast: 1 } };
      const handle = await client.workflow.start(pruneSnapshots, {
        taskQueue: queue,
        workflowId: `doctor-codec-${randomUUID()}`,
        args: [input],
      });
      await eventually(
        async () => ((await listRuns(client, { taskQueue: queue }, 1)).length ? true : undefined),
        'run',
      );
      const wrong = `2026-01:${randomBytes(32).toString('base64')}`;
      const r = await doctor(['--json'], { ATLAS_BACKUP_CODEC_KEYS: wrong }, queue);
      expect(r.code).toBe(1);
      const codec = failed(r).find((c) => c.check === 'codec.keys')!;
      expect(codec.line).toMatch(
        new RegExp(
          `^wrong codec key: run ${handle.workflowId} is encrypted with key '2026-01' .*ATLAS_BACKUP_CODEC_KEYS`,
        ),
      );
      const right = `2026-01:${material.toString('base64')}`;
      const fixed = await doctor(['--json'], { ATLAS_BACKUP_CODEC_KEYS: right }, queue);
      expect(report(fixed).checks.find((c) => c.check === 'codec.keys')).toMatchObject({ status: 'ok' });
      await handle.terminate('test over');
    } finally {
      await connection.close();
    }
  });
});
