// backup's verification flags build the request's verify objects (a request file's settings kept).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDrRequest } from '../../src/cli/commands/dr.js';
import { buildBackupRequest } from '../../src/cli/commands/request.js';

const base = {
  project: '65f1a0c0a1b2c3d4e5f60001',
  cluster: 'c',
  exportBucket: '65f1a0c0a1b2c3d4e5f6b001',
  restore: 'automated' as const,
  targetProject: '65f1a0c0a1b2c3d4e5f60001',
  targetCluster: 't',
  overwrite: 't',
};

describe('backup --verify, --canary, --verify-export', () => {
  it('turn on restore.verify (with the canary) and export.verify', () => {
    const r = buildBackupRequest({ ...base, verify: true, canary: true, verifyExport: true });
    expect(r.restore?.verify).toEqual({ canary: true });
    expect(r.export?.verify).toEqual({});
  });

  it('leave both off without the flags', () => {
    const r = buildBackupRequest(base);
    expect(r.restore?.verify).toBeUndefined();
    expect(r.export?.verify).toBeUndefined();
  });

  it("keep a request file's verify settings", () => {
    const file = join(mkdtempSync(join(tmpdir(), 'verify-flags-')), 'req.json');
    writeFileSync(file, JSON.stringify({ restore: { deliveryType: 'automated', verify: { countTolerance: 0 } } }));
    const r = buildBackupRequest({ ...base, restore: undefined, file, canary: true });
    expect(r.restore?.verify).toEqual({ countTolerance: 0, canary: true });
  });

  it('names the flag when a download restore is asked to verify', () => {
    const { targetProject: _p, targetCluster: _c, overwrite: _o, ...rest } = base;
    expect(() => buildBackupRequest({ ...rest, restore: 'download', verify: true })).toThrow(
      /--verify|restore\.verify/,
    );
  });
});

describe('dr --verify', () => {
  const dr = {
    sourceProject: '65f1a0c0a1b2c3d4e5f60001',
    sourceCluster: 'c',
    pointInTime: 1_800_000_000,
    targetProject: '65f1a0c0a1b2c3d4e5f60001',
    targetCluster: 't',
  };

  it("turns on verify for a point-in-time restore, keeping a request file's queries", () => {
    expect(buildDrRequest({ ...dr, verify: true }).verify).toEqual({});
    expect(buildDrRequest(dr).verify).toBeUndefined();
    const file = join(mkdtempSync(join(tmpdir(), 'verify-flags-')), 'dr.json');
    const queries = [{ collection: 'app.users', filter: {}, expect: { min: 1 } }];
    writeFileSync(file, JSON.stringify({ verify: { queries } }));
    expect(buildDrRequest({ ...dr, sourceKind: 'dedicated', file, verify: true }).verify).toMatchObject({ queries });
  });

  it('names the flag when a download restore is asked to verify', () => {
    const { targetProject: _p, targetCluster: _c, pointInTime: _t, ...rest } = dr;
    expect(() => buildDrRequest({ ...rest, latest: true, deliveryType: 'download', verify: true })).toThrow(
      /verify needs a target cluster.*\(flag --verify\)/,
    );
  });
});
