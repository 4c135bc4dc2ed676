// `buckets create`: the flags of each cloud provider's export bucket, checked before Atlas is called
// (the createExportBucket request schema's per-provider rules), each problem naming its flag.
import type { CreateExportBucketRequest } from '../../atlas/index.js';
import { UsageError } from '../errors.js';

export const BUCKET_PROVIDERS = ['AWS', 'AZURE', 'GCP'] as const;
export type BucketProvider = (typeof BUCKET_PROVIDERS)[number];

export interface CreateBucketFlags {
  provider?: BucketProvider;
  bucketName?: string;
  iamRoleId?: string;
  roleId?: string;
  serviceUrl?: string;
  requirePrivateNetworking?: boolean;
}

const HEX_ID = /^([a-f0-9]{24})$/;
// Atlas takes only standard Azure blob endpoints: https://<account>.blob.core.windows.net/<container>.
const AZURE_URL = /^https:\/\/[a-z0-9]{3,24}\.blob\.core\.windows\.net(\/[^\s]*)?$/;

/** Which flags each provider takes and needs (the spec's discriminator mapping). */
const RULES: Record<BucketProvider, { needs: (keyof CreateBucketFlags)[]; takes: (keyof CreateBucketFlags)[] }> = {
  AWS: { needs: ['bucketName', 'iamRoleId'], takes: ['requirePrivateNetworking'] },
  AZURE: { needs: ['bucketName', 'roleId', 'serviceUrl'], takes: [] },
  GCP: { needs: ['bucketName', 'roleId'], takes: [] },
};

const FLAG: Record<keyof CreateBucketFlags, string> = {
  provider: '--provider',
  bucketName: '--bucket-name',
  iamRoleId: '--iam-role-id',
  roleId: '--role-id',
  serviceUrl: '--service-url',
  requirePrivateNetworking: '--require-private-networking',
};

/** Every problem at once, each naming its flag; the request body Atlas takes. */
export function createBucketRequest(f: CreateBucketFlags): CreateExportBucketRequest {
  if (!f.provider) throw new UsageError(`--provider is required: one of ${BUCKET_PROVIDERS.join(', ')}`);
  const rule = RULES[f.provider];
  const problems: string[] = [];
  for (const k of rule.needs) if (f[k] === undefined) problems.push(`${FLAG[k]} is required for ${f.provider} buckets`);
  for (const k of Object.keys(FLAG) as (keyof CreateBucketFlags)[]) {
    if (k === 'provider' || f[k] === undefined || rule.needs.includes(k) || rule.takes.includes(k)) continue;
    problems.push(`${FLAG[k]} does not apply to ${f.provider} buckets`);
  }
  const name = f.bucketName;
  if (name !== undefined && (name.length < 3 || name.length > 63))
    problems.push('--bucket-name must be 3 to 63 characters');
  for (const k of ['iamRoleId', 'roleId'] as const) {
    const v = f[k];
    if (v !== undefined && !HEX_ID.test(v))
      problems.push(`${FLAG[k]} must be a 24-character hex id (^([a-f0-9]{24})$)`);
  }
  if (f.serviceUrl !== undefined && !AZURE_URL.test(f.serviceUrl))
    problems.push(
      '--service-url must be a standard Azure blob endpoint: https://<account>.blob.core.windows.net/<container>',
    );
  if (problems.length) throw new UsageError(problems.join('; '));
  const body: CreateExportBucketRequest = { cloudProvider: f.provider, bucketName: name! };
  if (f.iamRoleId) body.iamRoleId = f.iamRoleId;
  if (f.roleId) body.roleId = f.roleId;
  if (f.serviceUrl) body.serviceUrl = f.serviceUrl;
  if (f.requirePrivateNetworking !== undefined) body.requirePrivateNetworking = f.requirePrivateNetworking;
  return body;
}
