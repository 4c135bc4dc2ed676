// The one "last success per cluster" rule, on plain run records (no server: the rule is pure data;
// the RPO gauge and `report` are checked against it end to end in test/telemetry and test/cli).
import { describe, expect, it } from 'vitest';
import type { DrReport, PipelineResult } from '../../src/contract/index.js';
import { successesOf, type ClosedRun } from '../../src/runs/index.js';

const closeTime = new Date('2026-11-22T03:20:00.000Z');
const pipeline: ClosedRun = { type: 'backupPipeline', workflowId: 'backup-a-1', runId: 'r1', closeTime };
const completed = (more: Partial<PipelineResult>) => ({ outcome: 'completed', ...more }) as PipelineResult;
const snapshot = { id: 'a'.repeat(24), status: 'completed', sharded: false, adopted: false };

describe('last success per cluster', () => {
  it("counts a backup from the moment Atlas took the snapshot, not the run's close", () => {
    const s = successesOf(pipeline, completed({ snapshot: { ...snapshot, createdAt: '2026-11-22T03:00:00Z' } }));
    expect(s.backup?.at.toISOString()).toBe('2026-11-22T03:00:00.000Z');
    expect(s.backup).toMatchObject({ workflowId: 'backup-a-1', runId: 'r1' });
  });

  it("falls back to the run's close when the snapshot time is missing, unreadable, or the result is", () => {
    expect(successesOf(pipeline, completed({ snapshot })).backup?.at).toEqual(closeTime);
    const garbled = completed({ snapshot: { ...snapshot, createdAt: 'yesterday-ish' } });
    expect(successesOf(pipeline, garbled).backup?.at).toEqual(closeTime);
    expect(successesOf(pipeline, undefined)).toEqual({
      backup: { at: closeTime, workflowId: 'backup-a-1', runId: 'r1' },
    });
  });

  it("counts an export at the run's close and a restore at the restore's finish", () => {
    const exported = { id: 'e', state: 'Successful', exportBucketId: 'b' } as PipelineResult['export'];
    const restored = { finishedAt: '2026-11-22T03:15:00Z' } as unknown as PipelineResult['restore'];
    const s = successesOf(pipeline, completed({ snapshot, export: exported, restore: restored }));
    expect(s.export?.at).toEqual(closeTime);
    expect(s.restore?.at.toISOString()).toBe('2026-11-22T03:15:00.000Z');
  });

  it('counts a completed disasterRecovery as a restore at its close, an incomplete pipeline as nothing', () => {
    expect(successesOf({ ...pipeline, type: 'disasterRecovery' }, undefined)).toEqual({
      restore: { at: closeTime, workflowId: 'backup-a-1', runId: 'r1' },
    });
    expect(successesOf(pipeline, { outcome: 'failed' } as PipelineResult)).toEqual({});
    expect(successesOf({ ...pipeline, closeTime: undefined }, completed({ snapshot }))).toEqual({});
  });

  it('counts a verified restore: a completed restoreTest, or a pipeline or DR run whose data verified', () => {
    const at = { at: closeTime, workflowId: 'backup-a-1', runId: 'r1' };
    expect(successesOf({ ...pipeline, type: 'restoreTest' }, undefined)).toEqual({ restore: at, verified: at });
    const verification = { ok: true, okNamespaces: 3, failedNamespaces: 0, checked: 3, seconds: 1, notes: [] };
    const dr = { ...pipeline, type: 'disasterRecovery' };
    expect(successesOf(dr, { verification } as unknown as DrReport).verified).toEqual(at);
    expect(
      successesOf(dr, { verification: { ...verification, ok: false } } as unknown as DrReport).verified,
    ).toBeUndefined();
    expect(successesOf(dr, undefined).verified).toBeUndefined();
    const restored = { finishedAt: '2026-11-22T03:15:00Z', verification } as unknown as PipelineResult['restore'];
    expect(successesOf(pipeline, completed({ snapshot, restore: restored })).verified).toEqual(at);
    expect(
      successesOf(pipeline, completed({ snapshot, restore: { ...restored!, verification: undefined } })).verified,
    ).toBeUndefined();
  });
});
