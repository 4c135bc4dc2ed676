// A manifest kept small in a run's history: cut to a byte budget, the cut counted, the whole digested.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/contract/verification.js';
import { fitManifest } from '../../src/data/index.js';

const manifest = (n: number): Manifest => ({
  capturedAt: '2026-12-07T00:00:00.000Z',
  namespaces: Array.from({ length: n }, (_, i) => ({
    db: 'app',
    collection: `c${String(i).padStart(4, '0')}`,
    count: i,
    indexes: [{ name: '_id_', key: { _id: 1 } }],
  })),
  omittedNamespaces: 2,
});

describe('fitManifest', () => {
  it('keeps a small manifest whole, with the sha256 of its JSON', () => {
    const m = manifest(3);
    const fitted = fitManifest(m, 64 * 1024);
    expect(fitted.manifest).toBe(m);
    expect(fitted.cut).toBe(0);
    expect(fitted.digest).toBe(createHash('sha256').update(JSON.stringify(m)).digest('hex'));
  });

  it('cuts a large one to the budget, first collections kept, the rest counted as omitted', () => {
    const m = manifest(1_000);
    const fitted = fitManifest(m, 16 * 1024);
    expect(Buffer.byteLength(JSON.stringify(fitted.manifest))).toBeLessThanOrEqual(16 * 1024);
    expect(fitted.cut).toBeGreaterThan(0);
    expect(fitted.manifest.namespaces).toEqual(m.namespaces.slice(0, 1_000 - fitted.cut));
    expect(fitted.manifest.omittedNamespaces).toBe(2 + fitted.cut);
    expect(fitted.digest).toBe(createHash('sha256').update(JSON.stringify(m)).digest('hex'));
  });
});
