// The long waits, on Temporal's time-skipping test server: a one-hour approval timeout and a 24-hour
// restore deadline run the real workflow and activities (against the simulator over HTTP) in
// seconds, because the server skips timers and poll backoffs while the test awaits the result.
import { WorkflowFailedError } from '@temporalio/client';
import { decodeRetryState, type ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import type { DisasterRecoveryRequest, DrReport } from '../../src/contract/index.js';
import { DEMO_IDS } from '../../src/simulator/index.js';
import { disasterRecovery } from '../../src/workflows/index.js';
import { uniqueId } from '../helpers/temporal.js';
import { endedAs } from '../helpers/outcome.js';
import { useTimeSkippingEnv } from '../helpers/time-skipping.js';

const SRC = DEMO_IDS.projectId;
const TGT = DEMO_IDS.targetProjectId;
const HOUR_MS = 3_600_000;
const DAY_S = 86_400;
// Real time: each test must end within this, far less than the workflow time it covers (an hour, a
// day), so reaching the assertions at all shows the server skipped that time.
const REAL_TIME_LIMIT_MS = 120_000;

describe('long waits on the time-skipping test server', () => {
  // An automated restore that would take ten days: the 24 h step deadline ends it first.
  const ctx = useTimeSkippingEnv({ durations: { restoreAutomated: 10 * DAY_S * 1000 } });

  async function scenario(extra: Partial<DisasterRecoveryRequest>) {
    const source = uniqueId('src');
    const target = uniqueId('tgt');
    await ctx.sim.admin.seedCluster({ groupId: SRC, name: source, kind: 'replicaSet' });
    await ctx.sim.admin.seedCluster({ groupId: TGT, name: target, kind: 'replicaSet' });
    await ctx.sim.admin.addScheduledSnapshot({ groupId: SRC, clusterName: source, ageMs: HOUR_MS });
    const request: DisasterRecoveryRequest = {
      source: { kind: 'dedicated', groupId: SRC, clusterName: source },
      what: { latest: true },
      target: { groupId: TGT, clusterName: target },
      ...extra,
    };
    const handle = await ctx.env.client.workflow.start(disasterRecovery, {
      taskQueue: ctx.taskQueue,
      workflowId: uniqueId('dr'),
      args: [request],
    });
    const jobsInto = async () =>
      (await ctx.sim.admin.resources()).restoreJobs.filter((j) => j.targetClusterName === target);
    return { handle, jobsInto };
  }

  it(
    'fails a run nobody approves after the default hour as ApprovalTimedOut, restoring nothing',
    async () => {
      const { handle, jobsInto } = await scenario({ approval: { required: true } });
      const report = await endedAs<DrReport>(handle, 'FAILED', 'ApprovalTimedOut');

      expect(report.outcome).toBe('approval-timed-out');
      expect(report.approval).toMatchObject({ required: true, decision: 'timed-out' });
      expect(report.status.notes.join(' ')).toContain('No approval within 3600s');
      // A full hour passed in workflow time, within REAL_TIME_LIMIT_MS of real time.
      expect(report.recovery.phases.awaitingApproval).toBeGreaterThanOrEqual(3600);
      expect(Date.parse(report.endedAt) - Date.parse(report.startedAt)).toBeGreaterThanOrEqual(HOUR_MS);
      expect(report.recovery.phases.restoring).toBe(0);
      expect(await jobsInto()).toHaveLength(0);
    },
    REAL_TIME_LIMIT_MS,
  );

  it(
    'ends a restore that outlasts its 24 h step deadline when the deadline passes, polling hourly',
    async () => {
      const { handle, jobsInto } = await scenario({
        timeouts: { restoreSeconds: DAY_S },
        // Hourly polls: ~30 status reads over the simulated day instead of thousands.
        polling: { initialIntervalSeconds: 60, maximumIntervalSeconds: 3600, backoffCoefficient: 2 },
      });
      const err = await handle.result().then(
        () => expect.fail('the run should have failed at its restore deadline'),
        (e: unknown) => e,
      );

      expect(err).toBeInstanceOf(WorkflowFailedError);
      const failure = (err as WorkflowFailedError).cause as ApplicationFailure;
      expect(failure.message).toContain('failed at step wait-for-restore');
      const report = failure.details?.[0] as DrReport;
      // It says which deadline ended it, how long the step ran, and which Atlas job keeps running.
      expect(failure.type).toBe('StepDeadlineExceeded');
      // "ran past" only when it did: Temporal also ends a wait whose next poll would come after the deadline.
      const ran = Number(/ran (\d+) s\)/.exec(failure.message)?.[1]);
      const how = ran >= DAY_S ? 'ran past its deadline' : `stopped ${DAY_S - ran} s short of its deadline`;
      expect(failure.message).toContain(`${how} (timeouts.restoreSeconds = 86400 s, ran ${ran} s)`);
      expect(failure.message).toContain(`Restore job ${report.restoreJobId} keeps running in Atlas`);
      expect(report.outcome).toBe('failed');
      expect(report.status.lastError?.step).toBe('wait-for-restore');
      // Temporal stopped the poll because its deadline (scheduleToClose) left no room for another
      // attempt: the only failed activity is the wait, ended with retry state TIMEOUT.
      const history = await handle.fetchHistory();
      const failed = (history.events ?? []).flatMap((e) =>
        e.activityTaskFailedEventAttributes ? [e.activityTaskFailedEventAttributes] : [],
      );
      expect(failed.map((a) => decodeRetryState(a.retryState))).toEqual(['TIMEOUT']);
      // The step waited within one poll interval (1 h) of its day in workflow time, within
      // REAL_TIME_LIMIT_MS of real time.
      const wait = report.status.steps.find((s) => s.name === 'wait-for-restore');
      expect(wait?.outcome).toBe('failed');
      const waitedMs = Date.parse(wait!.endedAt!) - Date.parse(wait!.startedAt);
      expect(waitedMs).toBeGreaterThan((DAY_S - 3600) * 1000);
      expect(waitedMs).toBeLessThanOrEqual(DAY_S * 1000);
      // One restore job was started and never finished; nothing else was created.
      const jobs = await jobsInto();
      expect(jobs.map((j) => j.id)).toEqual([report.restoreJobId]);
    },
    REAL_TIME_LIMIT_MS,
  );
});
