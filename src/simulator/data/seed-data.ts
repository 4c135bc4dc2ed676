// Seeded data: a realistic shop for the demo clusters, or any databases/collections/counts a test
// asks for (`seed.data`). Seeding runs once per cluster: a cluster that already holds user
// databases (a state file reloaded) is left as it is.
import type { Document, MongoClient } from 'mongodb';
import type { SeedData } from '../options.js';
import { userDatabases, type TtlCatalog } from './copy.js';
import type { IndexSpec } from './snapshot-files.js';

const BATCH = 10_000;
const DAY = 86_400_000;
const EPOCH = Date.UTC(2026, 0, 1);

/** The demo's data: several databases, unique, compound and TTL indexes, one collection of 100k orders. */
export const DEMO_DATA: SeedData[string] = {
  shop: { customers: 5_000, products: 500, orders: 100_000 },
  analytics: { events: 20_000, sessions: 2_000 },
  inventory: { warehouses: 12, stock: 6_000 },
};

/** Indexes the demo collections carry; TTL ones go to the simulator's catalog (the server refuses them). */
const INDEXES: Record<string, IndexSpec[]> = {
  'shop.customers': [{ key: { email: 1 }, name: 'email_1', unique: true }],
  'shop.products': [{ key: { sku: 1 }, name: 'sku_1', unique: true }],
  'shop.orders': [{ key: { customerId: 1, createdAt: -1 }, name: 'customerId_1_createdAt_-1' }],
  'analytics.events': [{ key: { type: 1, at: -1 }, name: 'type_1_at_-1' }],
  'analytics.sessions': [{ key: { lastSeen: 1 }, name: 'lastSeen_1', expireAfterSeconds: 1_800 }],
  'inventory.stock': [{ key: { warehouseId: 1, sku: 1 }, name: 'warehouseId_1_sku_1', unique: true }],
};

const CITIES = ['Lisbon', 'Oslo', 'Austin', 'Osaka', 'Nairobi', 'Lima', 'Hanoi', 'Tartu'];

/** Document `i` of a collection: shaped by its name where the demo knows it, generic otherwise. */
function documentFor(ns: string, i: number): Document {
  const at = new Date(EPOCH + (i % 365) * DAY + (i % 86_400) * 1000);
  switch (ns) {
    case 'shop.customers':
      return {
        _id: i,
        email: `customer${i}@example.com`,
        name: `Customer ${i}`,
        city: CITIES[i % CITIES.length],
        since: at,
      };
    case 'shop.products':
      return { _id: i, sku: `SKU-${String(i).padStart(5, '0')}`, title: `Product ${i}`, price: 5 + (i % 200) };
    case 'shop.orders':
      return {
        _id: i,
        customerId: i % 5_000,
        createdAt: at,
        lines: [{ sku: `SKU-${String(i % 500).padStart(5, '0')}`, qty: 1 + (i % 4) }],
        total: 10 + (i % 300),
        status: i % 17 === 0 ? 'refunded' : 'paid',
      };
    case 'analytics.events':
      return { _id: i, type: ['view', 'click', 'buy'][i % 3], at, customerId: i % 5_000 };
    case 'analytics.sessions':
      return { _id: i, customerId: i % 5_000, lastSeen: at, pages: i % 12 };
    case 'inventory.warehouses':
      return { _id: i, city: CITIES[i % CITIES.length], capacity: 1_000 * (1 + (i % 5)) };
    case 'inventory.stock':
      return { _id: i, warehouseId: i % 12, sku: `SKU-${String(Math.floor(i / 12)).padStart(5, '0')}`, qty: i % 90 };
    default:
      return { _id: i, n: i, label: `document ${i}`, at };
  }
}

/** Seeds one cluster unless it already holds user data; returns the number of documents written. */
export async function seedCluster(client: MongoClient, spec: SeedData[string], ttl: TtlCatalog): Promise<number> {
  if ((await userDatabases(client)).length > 0) return 0;
  let written = 0;
  for (const [dbName, collections] of Object.entries(spec)) {
    for (const [coll, count] of Object.entries(collections)) {
      const ns = `${dbName}.${coll}`;
      const c = client.db(dbName).collection(coll);
      await client.db(dbName).createCollection(coll);
      for (let start = 0; start < count; start += BATCH) {
        const n = Math.min(BATCH, count - start);
        await c.insertMany(
          Array.from({ length: n }, (_, k) => documentFor(ns, start + k)),
          { ordered: false },
        );
      }
      written += count;
      for (const spec of INDEXES[ns] ?? []) {
        const { key, name, ...options } = spec;
        if (spec.expireAfterSeconds !== undefined) (ttl[ns] ??= []).push(spec);
        else await c.createIndex(key as Record<string, 1 | -1>, { ...options, name });
      }
    }
  }
  return written;
}
