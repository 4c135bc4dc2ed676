// Issue 11: runs that do not complete end in Temporal as what they are (Cancelled, or Failed as
// ApprovalRejected / ApprovalTimedOut), and the CLI still shows their whole story: `status` of a
// closed DR run has the approval (who, when, decision), recovery time per phase and attempts, in
// human text with rounded numbers. Also DR flex download restores and the serverless note.
// Real binary, real dev server, real worker, simulator over HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getRunStatus } from '../../src/client/status.js';
import { temporalClient } from '../helpers/temporal.js';
import { eventually, FAST_FLAGS, startCliEnv, whileTicking, type CliEnv } from './helpers.js';

const HOUR = 3_600_000;
let env: CliEnv;
let temporal: Awaited<ReturnType<typeof temporalClient>>;
const flexSource = 'cli-flex';
const serverlessSource = 'cli-serverless';

beforeAll(async () => {
  env = await startCliEnv({
    durations: {
      snapshotQueued: 100,
      snapshotInProgress: 60_000,
      restoreAutomated: 300,
      restorePointInTime: 300,
      serverlessRestore: 300,
      flexPending: 100,
      flexQueued: 100,
      flexRunning: 200,
    },
  });
  temporal = await temporalClient();
  const { projectId: groupId } = env.ids;
  await env.sim.admin.addScheduledSnapshot({ groupId, clusterName: env.ids.other, ageMs: HOUR });
  await env.sim.admin.seedCluster({ groupId, name: flexSource, kind: 'flex' });
  await env.sim.admin.addScheduledSnapshot({ groupId, clusterName: flexSource, ageMs: HOUR });
  await env.sim.admin.seedCluster({ groupId, name: serverlessSource, kind: 'serverless' });
  await env.sim.admin.addScheduledSnapshot({ groupId, clusterName: serverlessSource, ageMs: HOUR });
});
afterAll(async () => {
  await temporal?.close();
  await env?.stop();
});

const drArgs = (id: string, what: string[] = ['--latest']) => [
  'dr',
  '--source-project',
  env.ids.projectId,
  '--source-cluster',
  env.ids.other,
  ...what,
  '--target-project',
  env.ids.targetProjectId,
  '--target-cluster',
  env.ids.target,
  '--id',
  id,
  ...FAST_FLAGS,
];

const awaitingApproval = (id: string) =>
  eventually(async () => {
    const s = await getRunStatus(temporal.client.workflow.getHandle(id)).catch(() => undefined);
    return s?.phase === 'awaiting-approval' ? s : undefined;
  }, `${id} awaiting approval`);

/** The run ids `list --status <status>` shows for our project (visibility lags a close: waits for it). */
const listedAs = (status: string, id: string) =>
  eventually(async () => {
    const r = await env.cli(['list', '--project', env.ids.projectId, '--status', status, '--json']);
    return r.stdout.includes(`"workflowId":"${id}"`) ? r : undefined;
  }, `${id} listed as ${status}`);

/** Float noise like 41.669000000000004 anywhere in human output. */
const LONG_FRACTION = /\d\.\d{4,}/;

describe('truthful outcomes (issue 11 point 5)', () => {
  it('a rejected DR run ends Failed (ApprovalRejected), naming who rejected and why; exit 1', async () => {
    const id = `dr-rejected-${env.ids.projectId}`;
    expect((await env.cli([...drArgs(id), '--require-approval'])).code).toBe(0);
    await awaitingApproval(id);
    expect((await env.cli(['reject', id, '--by', 'bob', '--reason', 'wrong target'])).code).toBe(0);

    const watched = await env.cli(['watch', id, '--interval', '100']);
    expect(watched.code).toBe(1);
    expect(watched.stdout).toContain(`Disaster recovery rejected: ${id}`);
    expect(watched.stdout).toMatch(/ended\s+disasterRecovery of .* not approved: Rejected by bob: wrong target\./);
    expect((await temporal.client.workflow.getHandle(id).describe()).status.name).toBe('FAILED');
    await listedAs('Failed', id);

    const shown = await env.cli(['status', id]);
    expect(shown.stdout).toContain(`${id}  disasterRecovery  FAILED`);
    expect(shown.stdout).toMatch(/outcome\s+rejected/);
    expect(shown.stdout).toMatch(/approval\s+rejected by bob \(wrong target\) at \d{4}-\d\d-\d\dT/);
    // Being rejected is the outcome, not an error of a step.
    expect(shown.stdout).not.toContain('last error');
  });

  it('an approval timeout ends Failed (ApprovalTimedOut), never shown as rejected; dr --wait exits 1', async () => {
    const id = `dr-timeout-${env.ids.projectId}`;
    const r = await env.cli([...drArgs(id), '--require-approval', '--approval-timeout', '1', '--wait']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`Disaster recovery not approved in time: ${id}`);
    expect(r.stdout).toMatch(/approval\s+nobody decided in time/);
    expect(r.stdout).not.toMatch(/rejected/i);
    const d = await temporal.client.workflow.getHandle(id).describe();
    expect(d.status.name).toBe('FAILED');
    await listedAs('Failed', id);
    const shown = await env.cli(['status', id]);
    expect(shown.stdout).toMatch(/phase\s+approval-timed-out/);
    expect(shown.stdout).toMatch(/outcome\s+not approved in time/);
    expect(shown.stdout).not.toMatch(/rejected/i);
  });

  it('a cancelled pipeline ends Cancelled; status and watch still show what it left in Atlas', async () => {
    const started = await env.cli([
      'backup',
      '--project',
      env.ids.projectId,
      '--cluster',
      env.ids.spare,
      ...FAST_FLAGS,
    ]);
    const id = started.stdout.trim();
    await eventually(async () => {
      const s = await getRunStatus(temporal.client.workflow.getHandle(id)).catch(() => undefined);
      return s?.phase === 'waiting-for-snapshot' ? s : undefined;
    }, `${id} waiting for its snapshot`);
    expect((await env.cli(['cancel', id])).code).toBe(0);
    const watched = await env.cli(['watch', id, '--interval', '100']);
    expect(watched.code).toBe(1);
    expect(watched.stdout).toContain(`Backup cancelled: ${id}`);
    expect(watched.stdout).toMatch(/note\s+Cancelled during wait-for-snapshot: Atlas resources created so far/);
    expect((await temporal.client.workflow.getHandle(id).describe()).status.name).toBe('CANCELLED');
    await listedAs('cancelled', id); // the spelling runs use; Temporal's is Canceled
    const shown = await env.cli(['status', id]);
    expect(shown.stdout).toContain(`${id}  backupPipeline  CANCELLED`);
    expect(shown.stdout).toMatch(/outcome\s+cancelled/);
    expect(shown.stdout).toMatch(/ids\s+snapshotId=[a-f0-9]{24}/);
    expect(shown.stdout).not.toContain('last error');
  });
});

describe('closed DR runs show everything (issue 11 point 11)', () => {
  it('status of a closed PIT DR run: approval who/when, recovery per phase, attempts, no raw JSON', async () => {
    const id = `dr-pit-${env.ids.projectId}`;
    const pit = String(Math.floor(Date.now() / 1000) - 60);
    expect((await env.cli([...drArgs(id, ['--point-in-time', pit]), '--require-approval'])).code).toBe(0);
    await awaitingApproval(id);
    expect((await env.cli(['approve', id, '--by', 'alice', '--reason', 'INC-7'])).code).toBe(0);
    const watched = await env.cli(['watch', id, '--interval', '100']);
    expect(watched.code).toBe(0);
    // The closing summary: a human point in time, rounded recovery times.
    expect(watched.stdout).toMatch(/point\s+\d{4}-\d\d-\d\dT\S+ \(UTC seconds \d+\)/);
    expect(watched.stdout).toMatch(/recovery\s+\d+\.\ds total: selecting \d+\.\ds, awaiting approval \d+\.\ds/);
    expect(watched.stdout).not.toMatch(/[{}]/);
    expect(watched.stdout).not.toMatch(LONG_FRACTION);

    const shown = await env.cli(['status', id]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/approval\s+approved by alice \(INC-7\) at \d{4}-\d\d-\d\dT/);
    expect(shown.stdout).toMatch(
      /recovery\s+\d+\.\ds total: selecting \d+\.\ds, awaiting approval \d+\.\ds, restoring/,
    );
    expect(shown.stdout).toMatch(/attempts\s+[1-9]\d*/);
    expect(shown.stdout).toMatch(new RegExp(`target\\s+${env.ids.target} in project ${env.ids.targetProjectId}`));
    expect(shown.stdout).toMatch(/✓ verify-target/);
    expect(shown.stdout).not.toMatch(LONG_FRACTION);
    // The report itself keeps whole milliseconds too (status --json carries it).
    const json = JSON.parse((await env.cli(['status', id, '--json'])).stdout) as {
      result: { recovery: { totalSeconds: number; phases: Record<string, number> } };
    };
    for (const v of [json.result.recovery.totalSeconds, ...Object.values(json.result.recovery.phases)])
      expect(Math.round(v * 1000) / 1000).toBe(v);
  });
});

describe('flex download and serverless sources (issue 11 points 16, 17)', () => {
  it('dr --source-kind flex --delivery-type download uses downloadFlexBackup and prints the link', async () => {
    const r = await whileTicking(
      env.sim,
      env.cli([
        'dr',
        '--source-kind',
        'flex',
        '--source-project',
        env.ids.projectId,
        '--source-cluster',
        flexSource,
        '--latest',
        '--delivery-type',
        'download',
        '--wait',
        ...FAST_FLAGS,
      ]),
      1_000,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Disaster recovery completed: dr-cli-flex-.*-to-download/);
    expect(r.stdout).toMatch(/download https:\/\/\S+\.tar\.gz/);
    const log = await env.sim.admin.requestLog();
    expect(log.filter((e) => e.operationId === 'downloadFlexBackup' && e.status === 200)).toHaveLength(1);
    expect(log.some((e) => e.operationId === 'createFlexRestoreJob')).toBe(false);
  });

  it('a serverless DR run says once in its notes that serverless is retired and points to the flex path', async () => {
    const r = await env.cli([
      'dr',
      '--source-kind',
      'serverless',
      '--source-project',
      env.ids.projectId,
      '--source-cluster',
      serverlessSource,
      '--latest',
      '--target-project',
      env.ids.targetProjectId,
      '--target-cluster',
      env.ids.target,
      '--id',
      `dr-serverless-${env.ids.projectId}`,
      '--wait',
      ...FAST_FLAGS,
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Disaster recovery completed');
    const notes = r.stdout.split('\n').filter((l) => /note\s+Serverless instances were retired/.test(l));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain('--source-kind flex');
  });
});
