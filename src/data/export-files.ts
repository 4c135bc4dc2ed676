// Verification of an export in its bucket, read with the AWS SDK: the `.complete` file Atlas writes
// last (and the customData it must carry), one data file per collection of the manifest, and the
// documents in those files (gzipped JSON, one document per line) against the manifest's counts.
// Reads only; the S3 client comes from the caller with the SDK's own credential chain.
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
// The AWS SDK loads on first use (a worker that never verifies an export never holds it).
import type { S3Client } from '@aws-sdk/client-s3';
import type { Manifest, Verdict, VerificationReport } from '../contract/verification.js';
import { scrub } from './connect.js';
import { mapLimit } from './pool.js';
import { summarize } from './summary.js';
import { countProblem } from './verify.js';

export interface ExportFilesInput {
  bucket: string;
  /** The job's prefix as Atlas reports it (a leading slash is allowed). */
  prefix: string;
  /** Entries the `.complete` file's customData must hold. */
  customData: readonly { key: string; value: string }[];
  manifest?: Manifest;
  countTolerance: number;
}

const LIST_PAGES = 1_000;

async function listKeys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const { ListObjectsV2Command } = await import('@aws-sdk/client-s3');
  const keys: string[] = [];
  let token: string | undefined;
  for (let page = 0; page < LIST_PAGES; page++) {
    const out = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }),
    );
    keys.push(...(out.Contents ?? []).flatMap((o) => (o.Key ? [o.Key] : [])));
    if (!out.IsTruncated || !out.NextContinuationToken) break;
    token = out.NextContinuationToken;
  }
  return keys;
}

async function body(s3: S3Client, bucket: string, key: string): Promise<Readable> {
  const { GetObjectCommand } = await import('@aws-sdk/client-s3');
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return out.Body as Readable;
}

/** Documents in a gzipped JSON-lines file: its lines, a last one without a newline included. */
async function linesIn(stream: Readable): Promise<number> {
  let lines = 0;
  let last = 0x0a;
  for await (const chunk of stream.pipe(createGunzip()) as AsyncIterable<Buffer>) {
    for (const byte of chunk) if (byte === 0x0a) lines++;
    if (chunk.length > 0) last = chunk[chunk.length - 1]!;
  }
  return last === 0x0a ? lines : lines + 1;
}

async function checkComplete(s3: S3Client, input: ExportFilesInput, key: string, keys: Set<string>): Promise<Verdict> {
  const namespace = '.complete';
  const where = `s3://${input.bucket}/${key}`;
  if (!keys.has(key)) return { namespace, verdict: 'missing', detail: `file ${where} not found` };
  let text = '';
  for await (const chunk of (await body(s3, input.bucket, key)) as AsyncIterable<Buffer>) text += chunk.toString();
  const held = ((JSON.parse(text) as { customData?: { key: string; value: string }[] }).customData ?? []).map(
    (d) => `${d.key}=${d.value}`,
  );
  const absent = input.customData.map((d) => `${d.key}=${d.value}`).filter((d) => !held.includes(d));
  if (absent.length > 0)
    return { namespace, verdict: 'missing', detail: `customData of ${where} lacks ${absent.join(', ')}`.slice(0, 500) };
  return { namespace, verdict: 'ok', detail: `${where} holds the run's customData` };
}

async function checkCollection(
  s3: S3Client,
  input: ExportFilesInput,
  root: string,
  keys: readonly string[],
  n: { db: string; collection: string; count?: number },
): Promise<Verdict> {
  const namespace = `${n.db}.${n.collection}`;
  const dir = `${root}${n.db}/${n.collection}/`;
  const files = keys.filter((k) => k.startsWith(dir) && k.endsWith('.json.gz') && !k.slice(dir.length).includes('/'));
  const expected = n.count === undefined ? {} : { expected: n.count };
  if (files.length === 0)
    return { namespace, verdict: 'missing', ...expected, detail: `no data file under s3://${input.bucket}/${dir}` };
  let actual = 0;
  for (const f of files) actual += await linesIn(await body(s3, input.bucket, f));
  const counted = { namespace, ...expected, actual };
  if (n.count === undefined)
    return { ...counted, verdict: 'ok', detail: `${files.length} file(s); not in the manifest, no count to compare` };
  const problem = countProblem(n.count, actual, input.countTolerance);
  if (problem) return { ...counted, verdict: 'count-outside-tolerance', detail: `${files.length} file(s): ${problem}` };
  return { ...counted, verdict: 'ok', detail: `${files.length} file(s), count matches` };
}

/**
 * The collections the export must hold a data file for: the manifest's, and any other whose
 * `metadata.json` the export wrote (a collection the manifest does not hold, such as the canary's).
 */
function expectedCollections(root: string, keys: readonly string[], manifest: Manifest | undefined) {
  const out = new Map<string, { db: string; collection: string; count?: number }>();
  for (const n of manifest?.namespaces ?? []) out.set(`${n.db}/${n.collection}`, n);
  for (const k of keys) {
    const parts = k.slice(root.length).split('/');
    if (parts.length !== 3 || parts[2] !== 'metadata.json') continue;
    const [db, collection] = parts as [string, string];
    if (!out.has(`${db}/${collection}`)) out.set(`${db}/${collection}`, { db, collection });
  }
  return [...out.values()];
}

/** Verifies the export's files; throws only when the bucket cannot be listed at all. */
export async function verifyExportFiles(s3: S3Client, input: ExportFilesInput): Promise<VerificationReport> {
  const started = performance.now();
  const trimmed = input.prefix.replace(/^\/+/, '').replace(/\/+$/, '');
  const root = trimmed ? `${trimmed}/` : '';
  const keys = await listKeys(s3, input.bucket, root).catch((e: unknown) => {
    throw new Error(scrub(`listing s3://${input.bucket}/${root}: ${(e as Error).message}`));
  });
  const guarded = (namespace: string, check: () => Promise<Verdict>) =>
    check().catch((e: unknown): Verdict => ({
      namespace,
      verdict: 'query-failed',
      detail: scrub(`could not read: ${(e as Error).message}`).slice(0, 500),
    }));
  const verdicts = [await guarded('.complete', () => checkComplete(s3, input, `${root}.complete`, new Set(keys)))];
  const namespaces = expectedCollections(root, keys, input.manifest);
  verdicts.push(
    ...(await mapLimit(namespaces, 4, (n) =>
      guarded(`${n.db}.${n.collection}`, () => checkCollection(s3, input, root, keys, n)),
    )),
  );
  const notes = input.manifest
    ? []
    : ['no manifest of the source: the collections the export lists were checked for files, without counts'];
  if (input.manifest?.omittedNamespaces)
    notes.push(`${input.manifest.omittedNamespaces} collection(s) beyond the manifest's bounds were not checked`);
  return summarize(verdicts, 'exact', (performance.now() - started) / 1000, notes);
}
