// The verdict table as people read it, and bounded parallelism (no servers).
import { describe, expect, it } from 'vitest';
import type { Verdict } from '../../src/contract/verification.js';
import { renderVerdicts } from '../../src/data/index.js';
import { mapLimit } from '../../src/data/pool.js';
import { summarize } from '../../src/data/summary.js';

describe('renderVerdicts', () => {
  it('prints failures first, one aligned line per namespace, then the summary and notes', () => {
    const verdicts: Verdict[] = [
      { namespace: 'app.users', verdict: 'ok', expected: 1500, actual: 1500, detail: 'count and indexes match' },
      { namespace: 'app.orders', verdict: 'count-outside-tolerance', expected: 800, actual: 0, detail: 'empty' },
      { namespace: 'logs.lines', verdict: 'missing', detail: 'collection not found on the target' },
    ];
    const report = summarize(verdicts, 'estimated', 1.234, ['1 TTL index(es) not checked']);
    expect(report.summary).toMatchObject({ ok: false, checked: 3, failed: 2 });
    expect(renderVerdicts(report).split('\n')).toEqual([
      'VERDICT                  NAMESPACE   EXPECTED  ACTUAL  DETAIL',
      'count-outside-tolerance  app.orders  800       0       empty',
      'missing                  logs.lines  -         -       collection not found on the target',
      'ok                       app.users   1500      1500    count and indexes match',
      '',
      'NOT verified (2 of 3 failed): 1 ok, 1 missing, 1 count-outside-tolerance; estimated counts; 1.23 s',
      'note: 1 TTL index(es) not checked',
    ]);
  });

  it('says verified when every line is ok, and "nothing checked" for an empty table', () => {
    expect(renderVerdicts(summarize([], 'exact', 0, []))).toMatch(/^verified: nothing checked; exact counts; 0.00 s$/m);
  });
});

describe('mapLimit', () => {
  it('keeps the order of its items and never has more than the limit in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const out = await mapLimit([5, 1, 4, 2, 3, 0], 2, async (n) => {
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setTimeout(r, n));
      inFlight--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30, 0]);
    expect(most).toBe(2);
  });
});
