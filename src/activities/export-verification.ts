// Export verification: after an export job succeeds, its bucket is read back with the AWS SDK. The
// S3 client takes its credentials, region and endpoint from the SDK's standard chain (environment,
// shared config files, instance or task roles) on the worker, never from a run's input.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { S3Client } from '@aws-sdk/client-s3';
import type { AtlasClient } from '../atlas/index.js';
import { summaryOf, type VerifiedData, type VerifyExportInput } from '../contract/index.js';
import { verifyExportFiles } from '../data/index.js';
import { AttemptCalls } from './calls.js';
import { verificationFailed } from './verification.js';

/** Errors that no retry mends: the worker's AWS identity cannot read the bucket, or it is not there. */
const UNREADABLE = new Set([
  'CredentialsProviderError',
  'AccessDenied',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'NoSuchBucket',
]);

function unreadable(e: unknown, bucket: string): unknown {
  const err = e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = err.$metadata?.httpStatusCode;
  const region = /region is missing/i.test(err.message ?? '');
  if (!region && !UNREADABLE.has(err.name ?? '') && status !== 403 && status !== 404) return e;
  return ApplicationFailure.create({
    type: 'ExportBucketUnreadable',
    nonRetryable: true,
    message:
      `Export verification could not read bucket '${bucket}' (${err.name ?? 'Error'}: ${err.message ?? ''}). ` +
      'The worker reads it with the AWS SDK credential chain: give the worker an identity that may list and ' +
      'get objects in the bucket (AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or a role) and AWS_REGION.',
  });
}

/** The AWS SDK loads with the first export verified, not with the worker. */
const defaultS3 = async (): Promise<S3Client> => new (await import('@aws-sdk/client-s3')).S3Client({});

export function exportVerificationActivities(
  client: AtlasClient,
  s3Factory: () => S3Client | Promise<S3Client> = defaultS3,
) {
  let s3: S3Client | undefined;
  return {
    async verifyExport(input: VerifyExportInput): Promise<VerifiedData> {
      const { groupId, clusterName, exportBucketId } = input;
      const calls = new AttemptCalls(client, { groupId, clusterName });
      const bucket = await calls.call('getExportBucket', { path: { groupId, exportBucketId } });
      s3 ??= await s3Factory();
      const report = await verifyExportFiles(s3, {
        bucket: bucket.bucketName,
        prefix: input.prefix,
        customData: input.customData,
        ...(input.manifest ? { manifest: input.manifest } : {}),
        countTolerance: input.countTolerance ?? 0.01,
      }).catch((e: unknown) => {
        throw unreadable(e, bucket.bucketName);
      });
      if (!report.summary.ok)
        throw verificationFailed(`Export job ${input.exportJobId} in bucket '${bucket.bucketName}'`, report);
      return { ...summaryOf(report), requests: calls.requests, attempts: Context.current().info.attempt };
    },
  };
}
