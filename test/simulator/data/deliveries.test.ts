// With captured data, an export writes Atlas's files to a real S3 API (moto, on 127.0.0.1) and a
// download restore's URL serves a real archive; the AWS SDK and the tar library read them back.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { extract } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSimulatorCli } from '../../../src/simulator/cli.js';
import { s3Client } from '../../../src/simulator/data/s3-server.js';
import { validateFaultConfig } from '../../../src/simulator/http/faults.js';
import { DEMO_IDS, DEMO_SEED, type RunningSimulator } from '../../../src/simulator/index.js';
import { Atlas, startFast, until } from '../helpers.js';
import { writeCapture, type FixtureCollection } from './capture-fixture.js';

const G = DEMO_IDS.projectId;
const RS = { groupId: G, clusterName: DEMO_IDS.replicaSet };
const COLLECTIONS: FixtureCollection[] = [
  { db: 'shop', collection: 'orders', count: 250 },
  { db: 'shop', collection: 'customers', count: 40 },
  { db: 'audit', collection: 'events', count: 7 },
];
const CUSTOM = [
  { key: 'ticket', value: 'CHG-1234' },
  { key: 'owner', value: 'backup-team' },
];

let sim: RunningSimulator;
let atlas: Atlas;
let s3: S3Client;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'sim-data-'));
  sim = await startFast({ seed: DEMO_SEED, dataDir });
  atlas = await Atlas.connect(sim);
  s3 = s3Client(sim.s3!);
});
afterAll(async () => {
  s3?.destroy();
  await sim?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A completed snapshot of the replica set whose capture holds `collections`. */
async function snapshotWithData(collections = COLLECTIONS): Promise<string> {
  const { id } = await sim.admin.addScheduledSnapshot({ ...RS, ageMs: 60_000 });
  writeCapture(dataDir, id, DEMO_IDS.replicaSet, collections);
  return id;
}

async function exportAndWait(snapshotId: string) {
  const created = await atlas.call('createBackupExport', RS, {
    body: { snapshotId, exportBucketId: DEMO_IDS.bucketId, customData: CUSTOM },
  });
  expect(created.status).toBe(200);
  return until(
    () => atlas.call('getBackupExport', { ...RS, exportId: created.body.id }),
    (g) => g.body.state === 'Successful' || g.body.state === 'Failed',
    30_000,
  );
}

async function objectKeys(prefix: string): Promise<string[]> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'demo-export-bucket', Prefix: prefix }));
  return (listed.Contents ?? []).map((o) => o.Key!).sort();
}

async function object(key: string): Promise<Buffer> {
  const got = await s3.send(new GetObjectCommand({ Bucket: 'demo-export-bucket', Key: key }));
  return Buffer.from(await got.Body!.transformToByteArray());
}

const lines = (b: Buffer) =>
  b
    .toString('utf8')
    .split('\n')
    .filter((l) => l !== '');

describe('exports to the S3 API', () => {
  it('writes one gzipped Extended JSON file per collection and .complete with the customData', async () => {
    const snapshotId = await snapshotWithData();
    const done = await exportAndWait(snapshotId);
    expect(done.body.state).toBe('Successful');
    expect(done.body.exportStatus).toEqual({ exportedCollections: 3, totalCollections: 3 });
    const prefix = (done.body.prefix as string).slice(1);
    const shard = `${DEMO_IDS.replicaSet}-shard-0`;
    expect(await objectKeys(prefix)).toEqual(
      [
        `${prefix}/.complete`,
        ...COLLECTIONS.flatMap((c) => [
          `${prefix}/${c.db}/${c.collection}/${shard}.0.json.gz`,
          `${prefix}/${c.db}/${c.collection}/metadata.json`,
        ]),
      ].sort(),
    );
    for (const c of COLLECTIONS) {
      const docs = lines(gunzipSync(await object(`${prefix}/${c.db}/${c.collection}/${shard}.0.json.gz`)));
      expect(docs).toHaveLength(c.count);
      expect(JSON.parse(docs[0]!)).toMatchObject({ _id: { $oid: expect.any(String) }, ns: `${c.db}.${c.collection}` });
    }
    const complete = JSON.parse((await object(`${prefix}/.complete`)).toString('utf8'));
    expect(complete).toMatchObject({
      groupId: G,
      groupName: 'demo-project',
      clusterName: DEMO_IDS.replicaSet,
      customData: CUSTOM,
      totalFiles: 6,
    });
    expect(await objectKeys('exported_snapshots/.permissioncheck')).toEqual(['exported_snapshots/.permissioncheck']);
  });

  it('fault exportMissingFile: Successful with .complete, but one collection has no data file', async () => {
    await sim.admin.setFaults({ seed: 7, data: { exportMissingFile: 1 } });
    try {
      const done = await exportAndWait(await snapshotWithData());
      expect(done.body.state).toBe('Successful');
      const prefix = (done.body.prefix as string).slice(1);
      const keys = await objectKeys(prefix);
      expect(keys).toContain(`${prefix}/.complete`);
      const missing = COLLECTIONS.filter(
        (c) => !keys.includes(`${prefix}/${c.db}/${c.collection}/${DEMO_IDS.replicaSet}-shard-0.0.json.gz`),
      );
      expect(missing).toHaveLength(1);
      expect(keys).toContain(`${prefix}/${missing[0]!.db}/${missing[0]!.collection}/metadata.json`);
    } finally {
      await sim.admin.clearFaults();
    }
  });

  it('a snapshot without data exports as a record only: no files under its prefix', async () => {
    const { id } = await sim.admin.addScheduledSnapshot({ ...RS, ageMs: 60_000 });
    const done = await exportAndWait(id);
    expect(done.body.state).toBe('Successful');
    expect(await objectKeys((done.body.prefix as string).slice(1))).toEqual([]);
  });
});

describe('download restores', () => {
  it("serve the snapshot's data as a tar.gz on the simulator's address, then 410 once expired", async () => {
    const snapshotId = await snapshotWithData();
    const r = await atlas.call('createBackupRestoreJob', RS, { body: { deliveryType: 'download', snapshotId } });
    const done = await until(
      () => atlas.call('getBackupRestoreJob', { ...RS, restoreJobId: r.body.id }),
      (g) => g.body.finishedAt !== undefined,
    );
    const [url] = done.body.deliveryUrl as string[];
    expect(url!.startsWith(`${sim.url}/`)).toBe(true);
    const res = await fetch(url!);
    expect([res.status, res.headers.get('content-type')]).toEqual([200, 'application/gzip']);
    const out = mkdtempSync(join(tmpdir(), 'sim-download-'));
    try {
      await pipeline(Readable.fromWeb(res.body as WebReadableStream), extract({ cwd: out }));
      const top = join(out, `restore-${snapshotId}`);
      expect(JSON.parse(readFileSync(join(top, 'manifest.json'), 'utf8')).snapshotId).toBe(snapshotId);
      for (const c of COLLECTIONS) {
        const file = join(c.db, `${c.collection}.jsonl`);
        const got = readFileSync(join(top, file));
        expect(got.equals(readFileSync(join(dataDir, 'snapshots', snapshotId, file)))).toBe(true);
        expect(lines(got)).toHaveLength(c.count);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
    await sim.admin.advanceClock(3_700_000);
    expect((await fetch(url!)).status).toBe(410);
  });

  it('a snapshot without data keeps the placeholder URL', async () => {
    const { id } = await sim.admin.addScheduledSnapshot({ ...RS, ageMs: 60_000 });
    const r = await atlas.call('createBackupRestoreJob', RS, { body: { deliveryType: 'download', snapshotId: id } });
    const done = await until(
      () => atlas.call('getBackupRestoreJob', { ...RS, restoreJobId: r.body.id }),
      (g) => g.body.finishedAt !== undefined,
    );
    expect(done.body.deliveryUrl[0]).toMatch(/^https:\/\/restore-sim\.invalid\//);
  });
});

describe('running with data', () => {
  it('rejects a data fault that is not a probability, naming the field', () => {
    expect(() => validateFaultConfig({ data: { exportMissingFile: 2 } })).toThrow(
      'faults.data.exportMissingFile: must be a probability between 0 and 1',
    );
    expect(() => validateFaultConfig({ data: { exportMissingFiles: 1 } })).toThrow('faults.data.exportMissingFiles');
  });

  it('a simulator restarted from its state file finishes an export it left half written', async () => {
    const stateFile = join(dataDir, 'state.json');
    const slow = { seed: DEMO_SEED, dataDir, stateFile, durations: { exportPerCollection: 400 } };
    const first = await startFast(slow);
    const { id } = await first.admin.addScheduledSnapshot({ ...RS, ageMs: 60_000 });
    writeCapture(dataDir, id, DEMO_IDS.replicaSet, COLLECTIONS);
    const a = await Atlas.connect(first);
    const job = await a.call('createBackupExport', RS, { body: { snapshotId: id, exportBucketId: DEMO_IDS.bucketId } });
    const get = (x: Atlas) => x.call('getBackupExport', { ...RS, exportId: job.body.id });
    await until(
      () => get(a),
      (g) => g.body.exportStatus.exportedCollections >= 1,
      10_000,
    );
    await first.stop();
    const second = await startFast(slow);
    try {
      const b = await Atlas.connect(second);
      const done = await until(
        () => get(b),
        (g) => g.body.state === 'Successful',
        10_000,
      );
      const again = s3Client(second.s3!);
      const key = `${(done.body.prefix as string).slice(1)}/.complete`;
      const listed = await again.send(new ListObjectsV2Command({ Bucket: 'demo-export-bucket', Prefix: key }));
      expect(listed.Contents?.map((o) => o.Key)).toEqual([key]);
      again.destroy();
    } finally {
      await second.stop();
    }
  });

  it('the simulator command prints the S3 API as the standard AWS variables', async () => {
    const config = join(dataDir, 'cli-config.json');
    writeFileSync(config, JSON.stringify({ dataDir }));
    const printed: string[] = [];
    const cli = await runSimulatorCli(['--config', config], (l) => printed.push(l));
    try {
      const line = printed.find((l) => l.includes('AWS_ENDPOINT_URL_S3='));
      expect(line).toContain(`AWS_ENDPOINT_URL_S3=${cli.s3!.endpoint} AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=`);
    } finally {
      await cli.stop();
    }
  });
});
