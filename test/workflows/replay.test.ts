// Replays recorded histories of the main paths through the current workflow code: a change that
// would break running workflows (non-determinism) fails here instead of in production.
// Re-record with `node --import tsx scripts/record-histories.ts` after an intentional, versioned change.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { describe, expect, it, inject } from 'vitest';

const dir = join(import.meta.dirname, '..', 'fixtures', 'histories');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

describe('workflow replay against recorded histories', () => {
  it('has fixtures for the main paths', () => {
    expect(files.length).toBeGreaterThanOrEqual(6);
  });

  it('replays every recorded history without non-determinism', async () => {
    const histories = files.map((f) => ({
      workflowId: f.replace(/\.json$/, ''),
      history: JSON.parse(readFileSync(join(dir, f), 'utf8')) as unknown,
    }));
    const results: { workflowId: string; error?: unknown }[] = [];
    for await (const r of Worker.runReplayHistories(
      { workflowBundle: { codePath: inject('workflowBundlePath') } },
      histories,
    )) {
      results.push({ workflowId: r.workflowId, error: r.error });
    }
    expect(results.map((r) => r.workflowId).sort()).toEqual(histories.map((h) => h.workflowId).sort());
    for (const r of results) expect(r.error, `${r.workflowId}: ${String(r.error)}`).toBeUndefined();
  });

  // Each tightened input rule: a recorded run's input changed so the later rule refuses it. Code
  // without the patch gate would fail the run on entry where the history shows its first activity.
  it.each([
    {
      rule: 'int32 retention',
      fixture: 'pipeline-replica-set-export-automated-restore.json',
      change: (i: Record<string, unknown>) => ({ ...i, snapshot: { retentionInDays: 2 ** 31 } }),
    },
    {
      rule: 'download restore without a target',
      fixture: 'pipeline-download-restore.json',
      change: (i: Record<string, unknown>) => ({
        ...i,
        restore: { deliveryType: 'download', targetGroupId: '65f1a0c0a1b2c3d4e5f60002', targetClusterName: 'x' },
      }),
    },
    {
      // Recorded without consent: the pre-flight, consent rule and gate stay off for it (issue 11).
      rule: 'overwrite consent',
      fixture: 'pipeline-replica-set-export-automated-restore.json',
      change: (i: Record<string, unknown>) => ({
        ...i,
        restore: { deliveryType: 'automated', targetGroupId: i.groupId, targetClusterName: i.clusterName },
      }),
    },
  ])('replays a run started before the $rule rule along the path it took then (patch-gated)', async (c) => {
    const history = JSON.parse(readFileSync(join(dir, c.fixture), 'utf8')) as {
      events: { workflowExecutionStartedEventAttributes?: { input: { payloads: { data: string }[] } } }[];
    };
    const payload = history.events[0]!.workflowExecutionStartedEventAttributes!.input.payloads[0]!;
    const input = JSON.parse(Buffer.from(payload.data, 'base64').toString('utf8')) as Record<string, unknown>;
    payload.data = Buffer.from(JSON.stringify(c.change(input))).toString('base64');
    await expect(
      Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history, 'old-input'),
    ).resolves.toBeUndefined();
  });
});
