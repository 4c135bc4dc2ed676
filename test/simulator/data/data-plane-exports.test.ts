// With `data` on, one directory serves both sides: the data plane captures a snapshot of a
// FerretDB-backed cluster into it and the export job writes that capture to the S3 API (moto).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3Client } from '../../../src/simulator/data/s3-server.js';
import { DEMO_IDS, DEMO_SEED, startSimulator, type RunningSimulator } from '../../../src/simulator/index.js';
import { Atlas, startFast, until } from '../helpers.js';

const RS = { groupId: DEMO_IDS.projectId, clusterName: DEMO_IDS.replicaSet };
const BUCKET = 'demo-export-bucket';

let sim: RunningSimulator;
let atlas: Atlas;
let s3: S3Client;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sim-data-exports-'));
  sim = await startFast({
    seed: { ...DEMO_SEED, data: { [DEMO_IDS.replicaSet]: { shop: { orders: 30 }, audit: { events: 4 } } } },
    data: { dir },
  });
  atlas = await Atlas.connect(sim);
  s3 = s3Client(sim.s3!);
});
afterAll(async () => {
  s3?.destroy();
  await sim?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('data plane and exports share the data directory', () => {
  it('reports data.dir as dataDir and runs the S3 API', () => {
    expect(sim.dataDir).toBe(dir);
    expect(sim.s3?.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
  });

  it('exports what the data plane captured: one file per seeded collection with its documents', async () => {
    const taken = await atlas.call('takeSnapshots', RS, { body: {} });
    await until(
      () => atlas.call('getClusterBackupSnapshot', { ...RS, snapshotId: taken.body.id }),
      (s) => s.body.status === 'completed',
      60_000,
    );
    const created = await atlas.call('createBackupExport', RS, {
      body: { snapshotId: taken.body.id, exportBucketId: DEMO_IDS.bucketId },
    });
    const done = await until(
      () => atlas.call('getBackupExport', { ...RS, exportId: created.body.id }),
      (g) => g.body.state === 'Successful' || g.body.state === 'Failed',
      60_000,
    );
    expect(done.body.state).toBe('Successful');
    expect(done.body.exportStatus).toEqual({ exportedCollections: 2, totalCollections: 2 });
    const prefix = (done.body.prefix as string).slice(1);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
    const keys = (listed.Contents ?? []).map((o) => o.Key!);
    const file = `${prefix}/shop/orders/${DEMO_IDS.replicaSet}-shard-0.0.json.gz`;
    expect(keys).toContain(`${prefix}/.complete`);
    expect(keys).toContain(file);
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: file }));
    const docs = gunzipSync(Buffer.from(await got.Body!.transformToByteArray()))
      .toString('utf8')
      .split('\n')
      .filter((l) => l !== '');
    expect(docs).toHaveLength(30);
  });
});

describe('data options', () => {
  it('refuses data.dir and dataDir naming different directories', async () => {
    await expect(startSimulator({ data: { dir: join(dir, 'a') }, dataDir: join(dir, 'b') })).rejects.toThrow(
      /data\.dir: must equal dataDir/,
    );
  });

  it('names the data fault and the rule when faults.data is malformed', async () => {
    await expect(
      startSimulator({ faults: { data: { restoreLosesCollection: { namespace: 'nodot', mode: 'empty' } } } }),
    ).rejects.toThrow(/faults\.data\.restoreLosesCollection\.namespace: must be "<db>\.<collection>"/);
    await expect(
      startSimulator({ faults: { data: { restoreLosesIndex: { namespace: 'app.orders', index: '_id_' } } } }),
    ).rejects.toThrow(/faults\.data\.restoreLosesIndex\.index: must be the name of an index other than _id_/);
    await expect(startSimulator({ faults: { data: { slowDataPlaneMs: -1 } } })).rejects.toThrow(
      /faults\.data\.slowDataPlaneMs: must be a number >= 0/,
    );
  });
});
