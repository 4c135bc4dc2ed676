// Validation queries: a user's filter counted on the target, compared with the expected count or
// range. The count stops one past the bound it needs, so a broad filter on a big collection stays cheap.
import type { MongoClient } from 'mongodb';
import type { ValidationQuery, Verdict } from '../contract/verification.js';
import { scrub } from './connect.js';

function describe(e: ValidationQuery['expect']): string {
  if ('count' in e) return String(e.count);
  if (e.min !== undefined && e.max !== undefined) return `${e.min}..${e.max}`;
  return e.min !== undefined ? `>= ${e.min}` : `<= ${e.max}`;
}

function within(e: ValidationQuery['expect'], n: number): boolean {
  if ('count' in e) return n === e.count;
  return (e.min === undefined || n >= e.min) && (e.max === undefined || n <= e.max);
}

/** How many documents the count needs to see to decide (undefined: all of them). */
function bound(e: ValidationQuery['expect']): number | undefined {
  if ('count' in e) return e.count + 1;
  if (e.max !== undefined) return e.max + 1;
  return e.min === undefined || e.min === 0 ? undefined : e.min;
}

export async function runQuery(
  client: MongoClient,
  collections: Map<string, Set<string>>,
  q: ValidationQuery,
): Promise<Verdict> {
  const dot = q.collection.indexOf('.');
  const [db, coll] = [q.collection.slice(0, dot), q.collection.slice(dot + 1)];
  const expected = describe(q.expect);
  const base = { namespace: q.collection, expected };
  const filter = JSON.stringify(q.filter).slice(0, 200);
  if (!collections.get(db)?.has(coll))
    return { ...base, verdict: 'query-failed', detail: `query ${filter}: collection not found on the target` };
  try {
    const limit = bound(q.expect);
    const n = await client
      .db(db)
      .collection(coll)
      .countDocuments(q.filter, limit === undefined ? {} : { limit });
    // A count stopped at its limit says "at least", not "exactly".
    const actual = limit !== undefined && n >= limit ? `>= ${n}` : n;
    if (within(q.expect, n)) return { ...base, actual, verdict: 'ok', detail: `query ${filter}` };
    const detail = `query ${filter}: ${actual} documents, expected ${expected}`;
    return { ...base, actual, verdict: 'query-failed', detail };
  } catch (e) {
    const detail = scrub(`query ${filter}: ${(e as Error).message}`).slice(0, 500);
    return { ...base, verdict: 'query-failed', detail };
  }
}
