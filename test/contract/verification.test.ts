// The verification contract's rules, on their own (no servers): which validation queries are
// accepted, and that a manifest at its bounds fits a Temporal payload.
import { describe, expect, it } from 'vitest';
import {
  MANIFEST_LIMITS,
  manifestSchema,
  validationQuerySchema,
  verificationOptionsSchema,
} from '../../src/contract/verification.js';

const problems = (q: unknown) => {
  const r = validationQuerySchema().safeParse(q);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};
const query = (filter: unknown, expect: unknown = { count: 1 }) => ({ collection: 'shop.orders', filter, expect });

describe('validation queries', () => {
  it('accepts read-only filters: comparison, logical, array, regex and $expr without JavaScript', () => {
    expect(problems(query({ status: 'paid', total: { $gte: 10, $lt: 300 } }))).toEqual([]);
    expect(problems(query({ $or: [{ a: { $in: [1, 2] } }, { b: { $exists: false } }] }, { min: 1 }))).toEqual([]);
    expect(problems(query({ lines: { $elemMatch: { qty: { $gt: 2 } } }, sku: { $regex: '^SKU' } }))).toEqual([]);
    expect(problems(query({ $expr: { $gt: ['$total', '$refund'] } }, { min: 0, max: 5 }))).toEqual([]);
  });

  it('rejects $where, $function and $accumulator at any depth, naming the field', () => {
    expect(problems(query({ $where: 'this.a > 1' }))).toEqual([
      'filter.$where: $where runs JavaScript on the server and is not allowed in a validation query',
    ]);
    const fn = { $expr: { $function: { body: 'return true', args: [], lang: 'js' } } };
    expect(problems(query({ $and: [{ a: 1 }, fn] }))).toEqual([
      'filter.$and.1.$expr.$function: $function runs JavaScript on the server and is not allowed in a validation query',
    ]);
    expect(problems(query({ $expr: { $accumulator: {} } }))[0]).toMatch(/^filter\.\$expr\.\$accumulator: /);
  });

  it('rejects update operators and unknown operators, naming the field', () => {
    expect(problems(query({ status: { $set: 'x' } }))).toEqual([
      'filter.status.$set: $set is an update operator; a validation query is a read-only filter',
    ]);
    expect(problems(query({ $inc: { n: 1 } }))[0]).toMatch(/^filter\.\$inc: \$inc is an update operator/);
    expect(problems(query({ a: { $gte: 1, $bogus: 2 } }))).toEqual([
      'filter.a.$bogus: $bogus is not a read-only query operator MongoDB knows',
    ]);
  });

  it('rejects a collection that is not db.collection, and expectations that are not a count or range', () => {
    expect(problems({ ...query({}), collection: 'orders' })[0]).toMatch(/^collection: must be db\.collection/);
    expect(problems({ ...query({}), collection: 'shop.system.users' })[0]).toMatch(/^collection: /);
    expect(problems(query({}, {}))[0]).toMatch(/^expect: /);
    expect(problems(query({}, { min: 5, max: 1 }))).toContain('expect.min: min must be <= max');
    expect(problems(query({}, { count: -1 }))[0]).toMatch(/^expect/);
    expect(problems(query([]))[0]).toMatch(/^filter: /);
  });

  it('bounds the filter size and the number of queries', () => {
    expect(problems(query({ note: 'x'.repeat(MANIFEST_LIMITS.filterBytes) }))).toEqual([
      `filter: must be at most ${MANIFEST_LIMITS.filterBytes} bytes of JSON`,
    ]);
    const many = Array.from({ length: MANIFEST_LIMITS.queries + 1 }, () => query({}));
    const r = verificationOptionsSchema().safeParse({ queries: many });
    expect(r.success ? [] : r.error.issues.map((i) => i.path.join('.'))).toEqual(['queries']);
  });
});

describe('manifest', () => {
  it('holds 1,000 namespaces with 3 indexes each in well under 2 MB of JSON, and refuses one more', () => {
    const ns = (i: number) => ({
      db: `database_${String(i % 40).padStart(2, '0')}`,
      collection: `collection_with_a_long_descriptive_name_${i}`,
      count: 123_456_789,
      indexes: [
        { name: '_id_', key: { _id: 1 } },
        { name: 'customerId_1_createdAt_-1', key: { customerId: 1, createdAt: -1 }, unique: true },
        { name: 'lastSeen_1', key: { lastSeen: 1 }, expireAfterSeconds: 1_800 },
      ],
    });
    const full = { capturedAt: new Date().toISOString(), namespaces: Array.from({ length: 1_000 }, (_, i) => ns(i)) };
    expect(manifestSchema().parse(full).omittedNamespaces).toBe(0);
    expect(JSON.stringify(full).length).toBeLessThan(512 * 1024);
    expect(manifestSchema().safeParse({ ...full, namespaces: [...full.namespaces, ns(1_000)] }).success).toBe(false);
  });
});
