// When a Schedule will start backups, as the real dev server computes it from the spec the CLI
// builds (specOf). Temporal's time-skipping test server does not implement Schedules, so instead of
// skipping time this reads the server's own next action times: no run starts and nothing waits.
import { randomUUID } from 'node:crypto';
import type { ScheduleSpec } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionOf, specOf } from '../../src/cli/commands/schedule/spec.js';
import { backupPipelineInputSchema } from '../../src/contract/index.js';
import { DEMO_IDS } from '../../src/simulator/index.js';
import { temporalClient, uniqueId } from '../helpers/temporal.js';

let temporal: Awaited<ReturnType<typeof temporalClient>>;
beforeAll(async () => {
  temporal = await temporalClient();
});
afterAll(() => temporal?.close());

/** The next fire times the server computes for a schedule with this spec (created, read, deleted). */
async function nextActionTimes(spec: ScheduleSpec): Promise<Date[]> {
  const input = backupPipelineInputSchema().parse({ groupId: DEMO_IDS.projectId, clusterName: uniqueId('c') });
  const handle = await temporal.client.schedule.create({
    scheduleId: uniqueId('timing'),
    spec,
    action: actionOf(input, `no-worker-${randomUUID()}`),
  });
  try {
    return (await handle.describe()).info.nextActionTimes;
  } finally {
    await handle.delete();
  }
}

/** Wall-clock hour and minute of a date in a time zone, e.g. "03:00". */
const localTime = (d: Date, timeZone: string) =>
  new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);

describe('Schedule timing (real dev server)', () => {
  it('fires a "0 3 * * *" Europe/Paris cron at 03:00 Paris time every day, whatever the UTC offset', async () => {
    const times = await nextActionTimes(specOf({ cron: ['0 3 * * *'], timezone: 'Europe/Paris' }, true)!);
    expect(times.length).toBeGreaterThanOrEqual(3);
    for (const t of times) expect(localTime(t, 'Europe/Paris')).toBe('03:00');
    for (let i = 1; i < times.length; i++) {
      const hours = (times[i]!.getTime() - times[i - 1]!.getTime()) / 3_600_000;
      expect([23, 24, 25]).toContain(hours); // a DST change makes one day 23 or 25 hours long
    }
    expect(times[0]!.getTime()).toBeGreaterThan(Date.now());
    expect(times[0]!.getTime() - Date.now()).toBeLessThanOrEqual(25 * 3_600_000);
  });

  it('fires an interval of 6h with a 15m offset at 00:15, 06:15, 12:15 and 18:15 UTC', async () => {
    const times = await nextActionTimes(specOf({ every: 6 * 3_600_000, offset: 15 * 60_000 }, true)!);
    expect(times.length).toBeGreaterThanOrEqual(3);
    for (const t of times) expect(['00:15', '06:15', '12:15', '18:15']).toContain(localTime(t, 'UTC'));
    for (let i = 1; i < times.length; i++) expect(times[i]!.getTime() - times[i - 1]!.getTime()).toBe(6 * 3_600_000);
  });
});
