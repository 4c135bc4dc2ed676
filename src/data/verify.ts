// Verification of a restored cluster against what the source held. Reads only: listDatabases,
// listCollections, listIndexes, counts and a find with limit 1; nothing here writes to the target.
import type { MongoClient } from 'mongodb';
import {
  CANARY_COLLECTION,
  CANARY_DATABASE,
  namespaceString,
  validationQuerySchema,
  verificationOptionsSchema,
  type Canary,
  type Manifest,
  type ManifestIndex,
  type ValidationQuery,
  type Verdict,
  type VerificationOptions,
  type VerificationOptionsInput,
  type VerificationReport,
} from '../contract/verification.js';
import { scrub, scrubbed } from './connect.js';
import { collectionsOf, countOf, indexOf } from './manifest.js';
import { mapLimit } from './pool.js';
import { runQuery } from './queries.js';
import { summarize } from './summary.js';

export interface VerifyInput {
  /** What the source held right before the snapshot (counts and indexes). */
  manifest?: Manifest;
  /** `db.collection` names the snapshot holds (Atlas's snapshot browsing): checked for presence. */
  snapshotNamespaces?: readonly string[];
  /** The canary the run wrote before the snapshot; looked for when options.canary is on. */
  canary?: Canary;
  /** Validation queries; options.queries when absent. */
  queries?: readonly ValidationQuery[];
  options?: VerificationOptionsInput;
  /**
   * Where a source namespace was restored when not under its own name (a collection restore with
   * a suffix or a rename), source → target `db.collection`. Others are looked for under their name.
   */
  restoredAs?: Readonly<Record<string, string>>;
  /** Collections read at once (default 4). */
  parallelism?: number;
}

interface Expected {
  namespace: string;
  /** The source namespace, when restored under another name. */
  from?: string;
  db: string;
  collection: string;
  count?: number;
  indexes?: ManifestIndex[];
}

/** What the target is and holds, read once. */
interface Target {
  client: MongoClient;
  collections: Map<string, Set<string>>;
  /** FerretDB's version when the server is FerretDB, which cannot hold TTL indexes. */
  ferretdb?: string;
}

const split = (ns: string) => ({ db: ns.slice(0, ns.indexOf('.')), collection: ns.slice(ns.indexOf('.') + 1) });

function checkedNamespace(field: string, ns: string): string {
  if (!namespaceString().safeParse(ns).success) throw new Error(`${field}: must be db.collection`);
  return ns;
}

/** The namespaces to check, each under the name it should have on the target. */
function expectedNamespaces(input: VerifyInput): Expected[] {
  const out = new Map<string, Expected>();
  for (const n of input.manifest?.namespaces ?? []) out.set(`${n.db}.${n.collection}`, { ...n, namespace: '' });
  for (const [i, ns] of (input.snapshotNamespaces ?? []).entries())
    if (!out.has(checkedNamespace(`snapshotNamespaces[${i}]`, ns))) out.set(ns, { namespace: '', ...split(ns) });
  return [...out.entries()].map(([source, e]) => {
    const renamed = input.restoredAs?.[source];
    if (renamed === undefined) return { ...e, namespace: source };
    const target = checkedNamespace(`restoredAs[${source}]`, renamed);
    return { ...e, ...split(target), namespace: target, from: source };
  });
}

async function readTarget(client: MongoClient, dbs: readonly string[]): Promise<Target> {
  const info = await client.db('admin').command({ buildInfo: 1 });
  const collections = new Map<string, Set<string>>();
  const { databases } = await client.db('admin').admin().listDatabases({ nameOnly: true });
  const present = new Set(databases.map((d) => d.name));
  for (const db of dbs) collections.set(db, new Set(present.has(db) ? await collectionsOf(client.db(db)) : []));
  const ferretdb = typeof info.ferretdbVersion === 'string' ? info.ferretdbVersion : undefined;
  return { client, collections, ...(ferretdb ? { ferretdb } : {}) };
}

const keyOf = (i: ManifestIndex) => JSON.stringify(Object.entries(i.key));
const sameIndex = (a: ManifestIndex, b: ManifestIndex) =>
  keyOf(a) === keyOf(b) && Boolean(a.unique) === Boolean(b.unique) && a.expireAfterSeconds === b.expireAfterSeconds;

export function countProblem(expected: number, actual: number, tolerance: number): string | undefined {
  if (expected > 0 && actual === 0) return `empty: held ${expected} documents`;
  const allowed = Math.floor(expected * tolerance);
  if (Math.abs(actual - expected) <= allowed) return undefined;
  return `${actual} documents, expected ${expected} ± ${allowed} (${tolerance * 100}%)`;
}

async function checkNamespace(t: Target, e: Expected, o: VerificationOptions, skippedTtl: string[]): Promise<Verdict> {
  const base = { namespace: e.namespace, ...(e.count === undefined ? {} : { expected: e.count }) };
  if (!t.collections.get(e.db)?.has(e.collection))
    return { ...base, verdict: 'missing', detail: 'collection not found on the target' };
  const db = t.client.db(e.db);
  const actual = await countOf(db, e.collection, o.countMethod);
  const counted = { ...base, ...(e.count === undefined ? {} : { expected: e.count }), actual };
  const problems: Verdict[] = [];
  const countIssue = e.count === undefined ? undefined : countProblem(e.count, actual, o.countTolerance);
  if (countIssue) problems.push({ ...counted, verdict: 'count-outside-tolerance', detail: countIssue });
  if (o.requireIndexes && e.indexes) {
    const have = (await db.collection(e.collection).listIndexes().toArray()).map(indexOf);
    const wanted = e.indexes.filter((i) => t.ferretdb === undefined || i.expireAfterSeconds === undefined);
    skippedTtl.push(...e.indexes.filter((i) => !wanted.includes(i)).map((i) => `${e.namespace} ${i.name}`));
    const lost = wanted.filter((w) => !have.some((h) => sameIndex(w, h))).map((i) => i.name);
    if (lost.length > 0)
      problems.push({ ...counted, verdict: 'index-missing', detail: `index not found: ${lost.join(', ')}` });
  }
  if (problems.length === 0) {
    const detail = e.count === undefined ? 'present (no manifest count to compare)' : 'count and indexes match';
    return { ...counted, verdict: 'ok', detail };
  }
  return { ...problems[0]!, detail: problems.map((p) => p.detail).join('; ') };
}

async function checkCanary(client: MongoClient, canary: Canary | undefined): Promise<Verdict> {
  const namespace = `${CANARY_DATABASE}.${CANARY_COLLECTION}`;
  if (!canary) return { namespace, verdict: 'canary-missing', detail: 'no canary was written before the snapshot' };
  const doc = await client
    .db(CANARY_DATABASE)
    .collection<{ _id: string; at: Date }>(CANARY_COLLECTION)
    .find({ _id: canary.runId }, { limit: 1 })
    .next();
  if (!doc) return { namespace, verdict: 'canary-missing', expected: canary.runId, detail: 'canary not found' };
  const at = doc.at instanceof Date ? doc.at.toISOString() : String(doc.at);
  return { namespace, verdict: 'ok', expected: canary.runId, actual: at, detail: `canary of ${canary.runId} found` };
}

/** Verifies the target `client` reads; never writes. Throws only when the target cannot be read at all. */
export async function verify(client: MongoClient, input: VerifyInput): Promise<VerificationReport> {
  const started = performance.now();
  const o = verificationOptionsSchema().parse(input.options ?? {});
  const queries = (input.queries ?? o.queries ?? []).map((q) => validationQuerySchema().parse(q));
  const expected = expectedNamespaces(input);
  const dbs = [...new Set([...expected.map((e) => e.db), ...queries.map((q) => q.collection.split('.')[0]!)])];
  const target = await readTarget(client, dbs).catch((e: unknown) => {
    throw scrubbed(e, 'reading the target');
  });
  const skippedTtl: string[] = [];
  const limit = input.parallelism ?? 4;
  const guarded = async (namespace: string, check: () => Promise<Verdict>): Promise<Verdict> =>
    check().catch((e: unknown) => ({
      namespace,
      verdict: 'query-failed' as const,
      detail: scrub(`could not read: ${(e as Error).message}`).slice(0, 500),
    }));
  const verdicts = await mapLimit(expected, limit, async (e) => {
    const v = await guarded(e.namespace, () => checkNamespace(target, e, o, skippedTtl));
    return e.from === undefined ? v : { ...v, detail: `restored from ${e.from}: ${v.detail}`.slice(0, 500) };
  });
  if (o.canary) verdicts.push(await guarded('canary', () => checkCanary(client, input.canary)));
  verdicts.push(...(await mapLimit(queries, limit, (q) => runQuery(target.client, target.collections, q))));
  const notes: string[] = [];
  if (skippedTtl.length > 0)
    notes.push(
      `${skippedTtl.length} TTL index(es) not checked: the target is FerretDB ${target.ferretdb}, which cannot hold ` +
        `TTL indexes (${skippedTtl.slice(0, 5).join(', ')}${skippedTtl.length > 5 ? ', …' : ''})`,
    );
  if (input.manifest?.omittedNamespaces)
    notes.push(`${input.manifest.omittedNamespaces} collection(s) beyond the manifest's bounds were not verified`);
  return summarize(verdicts, o.countMethod, (performance.now() - started) / 1000, notes);
}
