// The verification activity's snapshot browsing on the simulator's data plane (real HTTP, real
// FerretDB with SCRAM on, the official driver): with a whole manifest it lists only the snapshot's
// databases and the collections of a database the manifest does not know; with a cut manifest it
// lists every database's collections, as without one.
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verificationActivities } from '../../src/activities/verification.js';
import { AtlasClient } from '../../src/atlas/index.js';
import type { Manifest, VerifiedData } from '../../src/contract/index.js';
import { dataPlaneUnavailable, type RunningSimulator } from '../../src/simulator/index.js';
import { startFast } from '../simulator/helpers.js';
import { call, G, seed, snapshot } from '../simulator/data-helpers.js';

const RUN = { workflowId: 'verification-browse-test', runId: '22222222-3333-4444-5555-666666666666' };

describe.skipIf(dataPlaneUnavailable())('verification browsing a snapshot', () => {
  let sim: RunningSimulator;
  let snapshotId: string;
  let connectionString: string;
  beforeAll(async () => {
    sim = await startFast({ auth: { enabled: false }, data: { auth: true }, seed });
    snapshotId = await snapshot(sim, 'src');
    connectionString = (await call(sim, 'getCluster', { groupId: G, clusterName: 'src' })).connectionStrings.standard;
  }, 120_000);
  afterAll(async () => sim?.stop());

  /** The source as it was: app's two collections only (logs is a database made after it). */
  const manifestOfApp = (omittedNamespaces = 0): Manifest => ({
    capturedAt: new Date().toISOString(),
    namespaces: [
      { db: 'app', collection: 'users', count: 1_500, indexes: [] },
      { db: 'app', collection: 'orders', count: 800, indexes: [] },
    ],
    omittedNamespaces,
  });

  /** verifyRestoredData of src (read as restored) against its snapshot; the browsing requests it made. */
  async function verifyWith(manifest: Manifest): Promise<{ data: VerifiedData; browsing: Record<string, number> }> {
    const client = new AtlasClient({ baseUrl: sim.url, auth: { kind: 'none' } });
    const cluster = { groupId: G, clusterName: 'src' };
    await sim.admin.resetObservations();
    const env = new MockActivityEnvironment(
      { workflowExecution: RUN, attempt: 1 },
      { logger: new DefaultLogger('ERROR') },
    );
    const data = (await env.run(verificationActivities(client).verifyRestoredData, {
      target: cluster,
      connectionString,
      snapshot: { ...cluster, snapshotId },
      restoreJobId: 'browse-test',
      verify: {},
      manifest,
    })) as VerifiedData;
    const browsing: Record<string, number> = {};
    for (const e of await sim.admin.requestLog())
      if (e.operationId?.startsWith('listSnapshot') || e.operationId?.startsWith('listBackupSnapshotDatabases'))
        browsing[e.operationId] = (browsing[e.operationId] ?? 0) + 1;
    return { data, browsing };
  }

  const namespaces = (d: VerifiedData) => (d.verdicts ?? []).map((v) => v.namespace).sort();

  it('with a whole manifest lists the databases, and the collections only of the one it does not know', async () => {
    const { data, browsing } = await verifyWith(manifestOfApp());
    expect(browsing).toEqual({ listBackupSnapshotDatabases: 1, listSnapshotDatabaseCollections: 1 });
    expect(namespaces(data)).toEqual(['app.orders', 'app.users', 'logs.lines']);
    expect(data).toMatchObject({ ok: true, requests: 4 });
  });

  it('with a cut manifest (collections omitted) lists every database, as without one', async () => {
    const { data, browsing } = await verifyWith(manifestOfApp(1));
    expect(browsing).toEqual({ listBackupSnapshotDatabases: 1, listSnapshotDatabaseCollections: 2 });
    expect(namespaces(data)).toEqual(['app.orders', 'app.users', 'logs.lines']);
    expect(data).toMatchObject({ ok: true, requests: 5 });
  });
});
