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

  it('replays a run started before a tightened input rule along the path it took then (patch-gated rule)', async () => {
    // The recorded run's input, with a retention the later int32 rule refuses: code without the gate
    // would fail the run on entry where the history shows its first activity (non-determinism).
    const history = JSON.parse(
      readFileSync(join(dir, 'pipeline-replica-set-export-automated-restore.json'), 'utf8'),
    ) as {
      events: { workflowExecutionStartedEventAttributes?: { input: { payloads: { data: string }[] } } }[];
    };
    const payload = history.events[0]!.workflowExecutionStartedEventAttributes!.input.payloads[0]!;
    const input = JSON.parse(Buffer.from(payload.data, 'base64').toString('utf8')) as Record<string, unknown>;
    payload.data = Buffer.from(JSON.stringify({ ...input, snapshot: { retentionInDays: 2 ** 31 } })).toString('base64');
    await expect(
      Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history, 'old-retention'),
    ).resolves.toBeUndefined();
  });
});
