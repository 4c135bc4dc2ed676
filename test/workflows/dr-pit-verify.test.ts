// A point-in-time restore with data verification, end to end: real Temporal dev server, real worker,
// the simulator's data plane with SCRAM on. Atlas replays the oplog onto the newest snapshot taken at
// or before the point in time, so the check browses that snapshot's namespaces and reads the target.
import { ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import type { DrReport } from '../../src/contract/index.js';
import { dataPlaneUnavailable } from '../../src/simulator/index.js';
import { disasterRecovery } from '../../src/workflows/index.js';
import { FAST, uniqueId, useWorkflowTestEnv } from '../helpers/temporal.js';

const G = '65f1a0c0a1b2c3d4e5f6d0f7';
const [SRC, GOOD, BAD] = ['pit-src', 'pit-good', 'pit-bad'];
const seed = {
  projects: [{ id: G, clusters: [SRC, GOOD, BAD].map((name) => ({ name, kind: 'replicaSet' as const })) }],
  data: { [SRC]: { app: { users: 300, orders: 120 }, logs: { lines: 50 } } },
};
const faults = {
  data: { restoreLosesCollection: { clusterName: BAD, namespace: 'app.orders', mode: 'missing' as const } },
};

describe.skipIf(dataPlaneUnavailable())('point-in-time disaster recovery with data verification', () => {
  const ctx = useWorkflowTestEnv({ timeScale: 0.05, seed, faults, data: { auth: true } });
  let pointInTime: number | undefined;

  /** A completed snapshot of the source, then a point in time a second after it (once, for both cases). */
  async function restorablePointInTime(): Promise<number> {
    if (pointInTime !== undefined) return pointInTime;
    const path = { groupId: G, clusterName: SRC };
    const atlas = ctx.worker.built.atlas;
    const taken = await atlas.request('takeSnapshots', { path, body: { description: 'pit verify' } });
    for (;;) {
      const s = await atlas.request('getClusterBackupSnapshot', { path: { ...path, snapshotId: taken.id } });
      if (s.status === 'completed') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const after = Math.ceil(Date.now() / 1000) + 1;
    while (Date.now() < after * 1000) await new Promise((r) => setTimeout(r, 100));
    return (pointInTime = after);
  }

  const recover = async (target: string) =>
    ctx.client.workflow.execute(disasterRecovery, {
      taskQueue: ctx.worker.taskQueue,
      workflowId: uniqueId(`dr-pit-verify-${target}`),
      args: [
        {
          ...FAST,
          source: { kind: 'dedicated', groupId: G, clusterName: SRC },
          what: { pointInTimeUTCSeconds: await restorablePointInTime() },
          target: { groupId: G, clusterName: target },
          verify: { queries: [{ collection: 'app.users', filter: {}, expect: { count: 300 } }] },
        },
      ],
    });

  it('restores a point in time, verifies every namespace of the snapshot it replays onto, no user left', async () => {
    const report: DrReport = await recover(GOOD);
    expect(report.outcome).toBe('completed');
    expect(report.deliveryType).toBe('pointInTime');
    // Three namespaces of the snapshot and the query, each ok.
    expect(report.verification).toMatchObject({ ok: true, okNamespaces: 4, failedNamespaces: 0, checked: 4 });
    const verdicts = report.verification?.verdicts ?? [];
    expect(verdicts.map((v) => `${v.verdict} ${v.namespace}`).sort()).toEqual([
      'ok app.orders',
      'ok app.users',
      'ok app.users',
      'ok logs.lines',
    ]);
    expect(report.verification?.notes.join('\n')).toMatch(/Point in time .*: checked the namespaces of snapshot \w+/);
    expect(report.status.verification).toMatchObject({ ok: true, checked: 4 });
    expect(Object.keys(ctx.sim.model.state.databaseUsers ?? {})).toEqual([]);
  });

  it('fails VerificationFailed naming the collection a point-in-time restore lost, no user left', async () => {
    const err = await recover(BAD).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const failure = (err as WorkflowFailedError).cause as ApplicationFailure;
    expect(failure.type).toBe('VerificationFailed');
    expect(failure.message).toMatch(/missing\s+app\.orders/);
    expect(failure.message).not.toMatch(/missing\s+app\.users/);
    expect(failure.message).toMatch(/NOT verified \(1 of 4 failed\)/);
    expect(Object.keys(ctx.sim.model.state.databaseUsers ?? {})).toEqual([]);
  });
});
