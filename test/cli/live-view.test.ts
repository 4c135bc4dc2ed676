// The live view of `watch` and `--wait`: the export bar between Atlas's reads, and a terminal that
// reports no width. The estimate is a pure function (unit); the drawing follows a real run on the
// dev server against the simulator, into a terminal stream that says it has 0 columns.
import type { WorkflowHandle } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { followRun } from '../../src/cli/live.js';
import { estimatedCollections, exportBarLine } from '../../src/cli/progress.js';
import { DEMO_IDS } from '../../src/simulator/index.js';
import { backupPipeline } from '../../src/workflows/index.js';
import { FAST, uniqueId, useWorkflowTestEnv } from '../helpers/temporal.js';

describe('export progress between reads (unit: pure estimate)', () => {
  // Atlas said 2 of 15, 20 s into the export; 100 s later it is surely further along.
  const times = { startedAtMs: 0, readAtMs: 20_000, nowMs: 120_000 };

  it('estimates from the rate so far and labels the count Atlas said with its age', () => {
    expect(estimatedCollections({ exportedCollections: 2, totalCollections: 15 }, times)).toBe(12);
    const line = exportBarLine({ exportedCollections: 2, totalCollections: 15 }, 120, times);
    expect(line).toContain('80% ~12/15 collections (estimated; Atlas: 2/15, 2 min ago)');
  });

  it('never claims the export finished, and says only the age when there is no rate yet', () => {
    const later = { ...times, nowMs: 10_000_000 };
    expect(estimatedCollections({ exportedCollections: 2, totalCollections: 15 }, later)).toBe(14);
    const none = exportBarLine({ exportedCollections: 0, totalCollections: 15 }, 120, { ...times, nowMs: 50_000 });
    expect(none).toContain('0% 0/15 collections (read 30 s ago)');
  });
});

describe('watch in a terminal that reports 0 columns', () => {
  const ctx = useWorkflowTestEnv({ timeScale: 0.05 });

  it('draws whole lines (clipped to a default width), not 20-character stubs', async () => {
    const handle = (await ctx.client.workflow.start(backupPipeline, {
      taskQueue: ctx.worker.taskQueue,
      workflowId: uniqueId('zero-cols'),
      args: [{ ...FAST, groupId: DEMO_IDS.projectId, clusterName: DEMO_IDS.replicaSet }],
    })) as WorkflowHandle;
    let drawn = '';
    const out = {
      isTTY: true,
      columns: 0,
      write: (s: string) => {
        drawn += s;
        return true;
      },
    } as unknown as NodeJS.WriteStream;
    const outcome = await followRun(ctx.client, handle, { out, interactive: true, intervalMs: 100 });
    expect(outcome.status.executionStatus).toBe('COMPLETED');
    // eslint-disable-next-line no-control-regex
    const lines = drawn.replace(/\x1b\[\d*[A-Za-z]/g, '').split('\n');
    expect(lines.some((l) => l.includes(handle.workflowId))).toBe(true);
    expect(Math.max(...lines.map((l) => l.length))).toBeGreaterThan(20);
  });
});
