// Replays recorded histories of the main paths through the current workflow code: a change that
// would break running workflows (non-determinism) fails here instead of in production.
// Re-record with `node --import tsx scripts/record-histories.ts` when a change ships as a new Worker
// Deployment build (CONTRIBUTING.md): runs of the old build keep its workers, so its histories retire.
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
});
