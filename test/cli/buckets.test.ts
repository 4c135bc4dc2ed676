// `atlas-backup buckets list|describe|create|delete` through the real binary against the simulator
// over HTTP, with service-account credentials in the worker's variables (no Temporal involved).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../src/simulator/index.js';
import { startTestSimulator } from '../helpers/temporal.js';
import { hexId, runCli } from './helpers.js';

let sim: RunningSimulator;
let creds: { clientId: string; clientSecret: string };
const project = hexId();
const roleId = hexId();

beforeAll(async () => {
  ({ sim, creds } = await startTestSimulator({
    seed: { projects: [{ id: project, name: 'buckets-project', clusters: [{ name: 'c1', kind: 'replicaSet' }] }] },
  }));
});
afterAll(async () => {
  await sim?.stop();
});

const atlasEnv = (secret = creds.clientSecret) => ({
  MONGODB_ATLAS_BASE_URL: sim.url,
  MONGODB_ATLAS_CLIENT_ID: creds.clientId,
  MONGODB_ATLAS_CLIENT_SECRET: secret,
});
const buckets = (args: string[], secret?: string) => runCli(['buckets', ...args], { env: atlasEnv(secret) });

describe('atlas-backup buckets', () => {
  it('creates an AWS bucket and lists it (text and --json)', async () => {
    const created = await buckets([
      'create',
      '-p',
      project,
      '--provider',
      'aws',
      '--bucket-name',
      'my-exports',
      '--iam-role-id',
      roleId,
      '--json',
    ]);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const bucket = JSON.parse(created.stdout) as { _id: string; cloudProvider: string; iamRoleId: string };
    expect(bucket).toMatchObject({ cloudProvider: 'AWS', bucketName: 'my-exports', iamRoleId: roleId });

    const listed = await buckets(['list', '--project', project]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^${bucket._id}\\s+AWS\\s+my-exports\\s+iamRoleId ${roleId}`, 'm'));
    const lines = (await buckets(['list', '--project', project, '--json'])).stdout.trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { _id: string })._id)).toContain(bucket._id);
  });

  it('describes and deletes a bucket; a deleted one is not found (exit 2, with what to do)', async () => {
    const { id } = await sim.admin.seedBucket({ groupId: project, bucketName: 'seeded-exports', cloudProvider: 'AWS' });
    const described = await buckets(['describe', id, '-p', project]);
    expect(described.stdout).toContain(`${id}  AWS    seeded-exports`);
    const deleted = await buckets(['delete', id, '-p', project, '--json']);
    expect(deleted.code).toBe(0);
    expect(JSON.parse(deleted.stdout)).toEqual({ deleted: id, groupId: project });
    const gone = await buckets(['describe', id, '-p', project]);
    expect(gone.code).toBe(2);
    expect(gone.stderr).toContain('Atlas getExportBucket: HTTP 404 EXPORT_BUCKET_NOT_FOUND');
    expect(gone.stderr).toContain('Create the export bucket in this project first');
  });

  it('creates Azure and GCP buckets with the flags each provider takes', async () => {
    const azure = await buckets([
      'create',
      '-p',
      project,
      '--provider',
      'AZURE',
      '--bucket-name',
      'exports',
      '--role-id',
      roleId,
      '--service-url',
      'https://myaccount.blob.core.windows.net/exports',
      '--json',
    ]);
    expect(azure.stderr).toBe('');
    expect(JSON.parse(azure.stdout)).toMatchObject({
      cloudProvider: 'AZURE',
      roleId,
      serviceUrl: 'https://myaccount.blob.core.windows.net/exports',
    });
    const gcp = await buckets([
      'create',
      '-p',
      project,
      '--provider',
      'GCP',
      '--bucket-name',
      'gcs-x',
      '--role-id',
      roleId,
    ]);
    expect(gcp.code).toBe(0);
    expect(gcp.stdout).toMatch(/^created [a-f0-9]{24}\s+GCP\s+gcs-x\s+roleId/);
  });

  it('create refuses bad flags before calling Atlas, naming each flag (exit 2)', async () => {
    const before = (await sim.admin.requestLog()).filter((e) => e.operationId === 'createExportBucket').length;
    const aws = await buckets(['create', '-p', project, '--provider', 'AWS']);
    expect(aws.code).toBe(2);
    expect(aws.stderr).toContain('--bucket-name is required for AWS buckets');
    expect(aws.stderr).toContain('--iam-role-id is required for AWS buckets');
    const gcp = await buckets([
      'create',
      '-p',
      project,
      '--provider',
      'GCP',
      '--bucket-name',
      'b-1',
      '--iam-role-id',
      roleId,
    ]);
    expect(gcp.code).toBe(2);
    expect(gcp.stderr).toContain('--role-id is required for GCP buckets');
    expect(gcp.stderr).toContain('--iam-role-id does not apply to GCP buckets');
    const after = (await sim.admin.requestLog()).filter((e) => e.operationId === 'createExportBucket').length;
    expect(after).toBe(before);
  });

  it('create refuses a bad id, an Azure URL that is not a blob endpoint and an unknown provider (exit 2)', async () => {
    const before = (await sim.admin.requestLog()).filter((e) => e.operationId === 'createExportBucket').length;
    const azure = await buckets([
      'create',
      '-p',
      project,
      '--provider',
      'AZURE',
      '--bucket-name',
      'b-1',
      '--role-id',
      'nothex',
      '--service-url',
      'http://example.com/x',
    ]);
    expect(azure.code).toBe(2);
    expect(azure.stderr).toContain('--role-id must be a 24-character hex id');
    expect(azure.stderr).toContain('--service-url must be a standard Azure blob endpoint');
    const provider = await buckets(['create', '-p', project, '--provider', 'oracle']);
    expect(provider.code).toBe(2);
    expect(provider.stderr).toMatch(/--provider.*must be one of AWS, AZURE, GCP/);
    const badProject = await buckets(['list', '-p', 'nope']);
    expect(badProject.code).toBe(2);
    expect(badProject.stderr).toContain('--project must be a 24-character hex id');
    const after = (await sim.admin.requestLog()).filter((e) => e.operationId === 'createExportBucket').length;
    expect(after).toBe(before);
  });

  it('wrong credentials: exit 1 with what to check, never echoing the secret', async () => {
    const secret = `mdb_sa_sk_${hexId()}`;
    const r = await buckets(['list', '-p', project], secret);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^atlas-backup: Atlas \S+: HTTP 401/);
    expect(r.stderr).toContain('Check the Atlas credentials');
    expect(r.stderr + r.stdout).not.toContain(secret);
  });

  it('missing credentials are a configuration error naming the variables (exit 2)', async () => {
    const r = await runCli(['buckets', 'list', '-p', project], {
      env: { MONGODB_ATLAS_BASE_URL: sim.url, MONGODB_ATLAS_CLIENT_ID: '', MONGODB_ATLAS_CLIENT_SECRET: '' },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('MONGODB_ATLAS_CLIENT_ID');
  });
});
