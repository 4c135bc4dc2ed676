// Writes an export job's files the way Atlas lays them out in the bucket: under the job's prefix,
// `<db>/<collection>/<shardName>.<increment>.json.gz` (gzipped Extended JSON lines) and
// `<db>/<collection>/metadata.json` per collection, and last the `.complete` metadata file.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import {
  CreateBucketCommand,
  HeadBucketCommand,
  PutObjectCommand,
  type PutObjectCommandInput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { namespaceFile, type Capture, type CapturedNamespace } from './capture.js';

/** What the `.complete` file says about the export (Atlas's documented fields). */
export interface CompleteInfo {
  orgId: string;
  orgName: string;
  groupId: string;
  groupName: string;
  clusterUniqueId: string;
  clusterName: string;
  snapshotInitiationDate: string;
  labels: { key: string; value: string }[];
  customData: { key: string; value: string }[];
}

/** S3 keys have no leading slash; the job's `prefix` (as Atlas shows it) has one. */
export const keyPrefix = (prefix: string): string => prefix.replace(/^\/+/, '').replace(/\/+$/, '');

export const collectionKey = (prefix: string, ns: CapturedNamespace, shardName: string): string =>
  `${keyPrefix(prefix)}/${ns.db}/${ns.collection}/${shardName}.0.json.gz`;

export const completeKey = (prefix: string): string => `${keyPrefix(prefix)}/.complete`;

/** The bucket exists in the local S3 API from the first export into it (the customer made it in AWS). */
export async function ensureBucket(s3: S3Client, bucket: string): Promise<void> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  }
}

async function put(s3: S3Client, input: PutObjectCommandInput): Promise<void> {
  await s3.send(new PutObjectCommand(input));
}

/** Atlas touches this empty object when an export starts, to prove it may write. */
export async function writePermissionCheck(s3: S3Client, bucket: string): Promise<void> {
  await put(s3, { Bucket: bucket, Key: 'exported_snapshots/.permissioncheck', Body: new Uint8Array(0) });
}

// zlib's thread pool compresses, so a large collection does not stall the simulator's HTTP answers.
const gzipAsync = promisify(gzip);
const gzipped = async (file: string): Promise<Buffer> => gzipAsync(await readFile(file));

/**
 * One collection's files. `lose` drops its data file (a lost upload, for the data fault) and keeps
 * its metadata.json, as an export that silently misses a file would.
 */
export async function writeCollection(
  s3: S3Client,
  where: { bucket: string; prefix: string; shardName: string },
  capture: Capture,
  ns: CapturedNamespace,
  lose = false,
): Promise<void> {
  const dir = `${keyPrefix(where.prefix)}/${ns.db}/${ns.collection}`;
  if (!lose) {
    const body = await gzipped(join(capture.dir, namespaceFile(ns)));
    await put(s3, {
      Bucket: where.bucket,
      Key: collectionKey(where.prefix, ns, where.shardName),
      Body: body,
      ContentType: 'application/gzip',
    });
  }
  const metadata = { database: ns.db, collection: ns.collection, count: ns.count, indexes: ns.indexes };
  await put(s3, {
    Bucket: where.bucket,
    Key: `${dir}/metadata.json`,
    Body: JSON.stringify(metadata),
    ContentType: 'application/json',
  });
}

/** The `.complete` file, written once every collection is; `totalFiles` counts the files Atlas meant to upload. */
export async function writeComplete(
  s3: S3Client,
  where: { bucket: string; prefix: string },
  info: CompleteInfo,
  capture: Capture,
): Promise<void> {
  const totalFiles = capture.manifest.namespaces.length * 2;
  const body = { ...info, totalFiles };
  await put(s3, {
    Bucket: where.bucket,
    Key: completeKey(where.prefix),
    Body: JSON.stringify(body),
    ContentType: 'application/json',
  });
}
