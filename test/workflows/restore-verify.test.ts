// Data verification after a pipeline or DR restore, end to end: real Temporal dev server, real worker,
// the simulator's data plane with SCRAM on (FerretDB), read through the official driver as the
// temporary user the activity makes through the Admin API.
import { ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import type { BackupPipelineRequest, DrReport, PipelineResult } from '../../src/contract/index.js';
import { backupPipelineInputSchema, disasterRecoveryInputSchema } from '../../src/contract/index.js';
import { dataPlaneUnavailable } from '../../src/simulator/index.js';
import { backupPipeline, disasterRecovery } from '../../src/workflows/index.js';
import { restoreIntoRequest } from '../helpers/restore-requests.js';
import { FAST, uniqueId, useWorkflowTestEnv } from '../helpers/temporal.js';

const G = '65f1a0c0a1b2c3d4e5f6d0a5';
const seed = {
  projects: [{ id: G, clusters: ['src', 'good', 'bad'].map((name) => ({ name, kind: 'replicaSet' as const })) }],
  data: { src: { app: { users: 300, orders: 120 }, logs: { lines: 50 } } },
};
const faults = {
  data: { restoreLosesCollection: { clusterName: 'bad', namespace: 'app.orders', mode: 'missing' as const } },
};

describe.skipIf(dataPlaneUnavailable())('pipeline restore with data verification', () => {
  const ctx = useWorkflowTestEnv({ timeScale: 0.05, seed, faults, data: { auth: true } });
  const passwords: string[] = [];

  /** The simulator runs in this process: its user store sees each password the activity sent. */
  function capturePasswords(): void {
    const users = ctx.sim.model.databaseUsers;
    if ((users as { captured?: true }).captured) return;
    const create = users.create.bind(users);
    Object.assign(users, {
      captured: true,
      create: (...args: Parameters<typeof create>) => {
        if (args[2]) passwords.push(args[2]);
        return create(...args);
      },
    });
  }

  const request = (target: string): BackupPipelineRequest =>
    restoreIntoRequest(G, 'src', target, { verify: { countTolerance: 0 } });

  async function run(target: string) {
    capturePasswords();
    const handle = await ctx.client.workflow.start(backupPipeline, {
      taskQueue: ctx.worker.taskQueue,
      workflowId: uniqueId(`verify-${target}`),
      args: [request(target)],
    });
    const outcome = await handle.result().then(
      (r: PipelineResult) => r,
      (e: unknown) => e,
    );
    return { outcome, history: JSON.stringify(await handle.fetchHistory()) };
  }

  /** Users the Admin API still has (the store the data plane mirrors onto the clusters). */
  const usersLeft = () => Object.keys(ctx.sim.model.state.databaseUsers ?? {});

  function expectNoPasswordIn(history: string): void {
    expect(passwords.length).toBeGreaterThan(0);
    for (const p of passwords) expect(history).not.toContain(p);
    expect(history).not.toMatch(/"password"/);
  }

  it('a good restore verifies every namespace of the snapshot, and leaves no user behind', async () => {
    const { outcome, history } = await run('good');
    const result = outcome as PipelineResult;
    expect(result.outcome, JSON.stringify(outcome)).toBe('completed');
    expect(result.restore?.verification).toMatchObject({ ok: true, okNamespaces: 3, failedNamespaces: 0 });
    expect(result.status.verification).toMatchObject({ ok: true, checked: 3 });
    expect(result.status.steps.map((s) => s.name)).toContain('verify-data');
    expect(usersLeft()).toEqual([]);
    expectNoPasswordIn(history);
  });

  it('a restore that lost a collection fails VerificationFailed naming it, and leaves no user behind', async () => {
    const { outcome, history } = await run('bad');
    expect(outcome).toBeInstanceOf(WorkflowFailedError);
    const failure = (outcome as WorkflowFailedError).cause as ApplicationFailure;
    expect(failure.type).toBe('VerificationFailed');
    expect(failure.message).toMatch(/missing\s+app\.orders/);
    expect(failure.message).not.toMatch(/missing\s+app\.users/);
    expect(usersLeft()).toEqual([]);
    expectNoPasswordIn(history);
  });
});

describe.skipIf(dataPlaneUnavailable())('disaster recovery with data verification', () => {
  const ctx = useWorkflowTestEnv({ timeScale: 0.05, seed, data: { auth: true } });

  async function completedSnapshot(): Promise<string> {
    const path = { groupId: G, clusterName: 'src' };
    const taken = await ctx.worker.built.atlas.request('takeSnapshots', { path, body: { description: 'dr verify' } });
    for (let i = 0; i < 600; i++) {
      const s = await ctx.worker.built.atlas.request('getClusterBackupSnapshot', {
        path: { ...path, snapshotId: taken.id },
      });
      if (s.status === 'completed') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    return taken.id;
  }

  const drVerify = (snapshotId: string) =>
    ctx.client.workflow.execute(disasterRecovery, {
      taskQueue: ctx.worker.taskQueue,
      workflowId: uniqueId('dr-verify'),
      args: [
        {
          ...FAST,
          source: { kind: 'dedicated', groupId: G, clusterName: 'src' },
          what: { snapshotId },
          target: { groupId: G, clusterName: 'good' },
          verify: { queries: [{ collection: 'app.users', filter: {}, expect: { count: 300 } }] },
        },
      ],
    });

  it('restores a snapshot into a target, verifies its namespaces and a validation query, no user left', async () => {
    const report: DrReport = await drVerify(await completedSnapshot());
    expect(report.outcome).toBe('completed');
    // Three namespaces of the snapshot and the query.
    expect(report.verification).toMatchObject({ ok: true, okNamespaces: 4, failedNamespaces: 0, checked: 4 });
    expect(Object.keys(ctx.sim.model.state.databaseUsers ?? {})).toEqual([]);
  });

  it('names the missing Project Database Access Admin role when Atlas refuses the user', async () => {
    const snapshotId = await completedSnapshot();
    const refused = { status403: 1 };
    await ctx.sim.admin.setFaults({ operations: { createDatabaseUser: refused, deleteDatabaseUser: refused } });
    try {
      const err = await drVerify(snapshotId).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(WorkflowFailedError);
      expect((err as WorkflowFailedError).cause?.message).toMatch(/Project Database Access Admin role/);
    } finally {
      await ctx.sim.admin.setFaults({});
    }
  });
});

describe('restore.verify input', () => {
  it('is refused with a download DR restore, naming the field', () => {
    const r = disasterRecoveryInputSchema().safeParse({
      source: { kind: 'dedicated', groupId: G, clusterName: 'src' },
      what: { latest: true },
      deliveryType: 'download',
      verify: {},
    });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toMatch(/"path":\["verify"\].*verify needs a target cluster/);
  });

  it('is refused with a download restore, naming the field', () => {
    const r = backupPipelineInputSchema().safeParse({
      groupId: G,
      clusterName: 'src',
      restore: { deliveryType: 'download', verify: {} },
    });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toMatch(/restore\.verify needs a target cluster/);
  });
});
